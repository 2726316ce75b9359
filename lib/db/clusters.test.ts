import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import type { ArticleCandidate } from "../domain/feed";
import { insertNewArticles } from "./articles";
import { assignStoryClusters, listClusterArticles } from "./clusters";
import { insertSource } from "./sources";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
const sources: number[] = [];

beforeAll(async () => {
  database = await useTestDatabase("clusters");
  for (const slug of ["one", "two", "three"]) {
    sources.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  }
});
afterAll(async () => database.cleanup());

let n = 0;
function story(title: string, hoursAgo = 1): ArticleCandidate {
  n += 1;
  const at = new Date(Date.now() - hoursAgo * 3600_000);
  return { dedupeKey: `g:${n}`, title, url: `https://x.example/${n}`, normalizedUrl: `x.example/${n}`, summary: "", contentHtml: "", contentHash: `h${n}`, imageUrl: null, author: null, publishedAt: at, updatedAt: at };
}

async function ingest(sourceIndex: number, title: string, hoursAgo?: number) {
  const [article] = (await insertNewArticles(sources[sourceIndex], [story(title, hoursAgo)])).inserted;
  await assignStoryClusters([article.id]);
  return article;
}

describe("story clusters", () => {
  it("groups near-identical headlines from different sources and lists the others", async () => {
    const first = await ingest(0, "Magnitude 6.1 earthquake strikes central Japan");
    const second = await ingest(1, "Earthquake of magnitude 6.1 strikes central Japan");
    const third = await ingest(2, "Strong earthquake strikes central Japan, magnitude 6.1");
    const unrelated = await ingest(2, "Parliament passes the annual budget after long debate");
    expect((await listClusterArticles(first.id, first.id)).map((a) => a.id).sort()).toEqual([second.id, third.id].sort());
    expect((await listClusterArticles(first.id, third.id)).map((a) => a.id)).not.toContain(unrelated.id);
  });

  it("does not cluster a source with itself or stories days apart", async () => {
    const a = await ingest(0, "City council approves new cycling lanes downtown");
    const b = await ingest(0, "City council approves new cycling lanes downtown plan");
    const c = await ingest(1, "City council approves new cycling lanes downtown", 24 * 5);
    expect(await listClusterArticles(a.id, a.id)).toEqual([]);
    expect(await listClusterArticles(b.id, b.id)).toEqual([]);
    expect(await listClusterArticles(c.id, c.id)).toEqual([]);
  });
});
