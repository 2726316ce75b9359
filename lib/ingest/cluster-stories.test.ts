import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import type { ArticleCandidate } from "../domain/feed";
import { findArticleBySlug, insertNewArticles } from "../db/articles";
import { listClusterArticles, saveStoryClusters } from "../db/clusters";
import { insertSource } from "../db/sources";
import { createStoryClusterer, type StoryClusterer } from "./cluster-stories";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
const sources: number[] = [];
const logger = pino({ level: "silent" });
let clusterer: StoryClusterer;

beforeAll(async () => {
  database = await useTestDatabase("clusters");
  for (const slug of ["one", "two", "three"]) {
    sources.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  }
  clusterer = createStoryClusterer({ logger, batchDelayMs: 5 });
  await clusterer.start();
});
afterAll(async () => {
  await clusterer.close();
  await database.cleanup();
});

let n = 0;
function story(title: string, hoursAgo = 1): ArticleCandidate {
  n += 1;
  const at = new Date(Date.now() - hoursAgo * 3600_000);
  return { dedupeKey: `g:${n}`, title, url: `https://x.example/${n}`, normalizedUrl: `x.example/${n}`, summary: "", contentHtml: "", contentHash: `h${n}`, imageUrl: null, author: null, publishedAt: at, updatedAt: at };
}

async function store(sourceIndex: number, title: string, hoursAgo?: number) {
  const [article] = (await insertNewArticles(sources[sourceIndex], [story(title, hoursAgo)])).inserted;
  return article;
}

async function ingest(sourceIndex: number, title: string, hoursAgo?: number, using = clusterer) {
  const article = await store(sourceIndex, title, hoursAgo);
  using.articlesStored();
  await using.idle();
  return article;
}

const clusterOf = async (slug: string) => (await findArticleBySlug(slug))?.clusterId ?? null;

describe("story clusters", () => {
  it("groups near-identical headlines from different sources and lists the others", async () => {
    const first = await ingest(0, "Magnitude 6.1 earthquake strikes central Japan");
    const second = await ingest(1, "Earthquake of magnitude 6.1 strikes central Japan");
    const third = await ingest(2, "Strong earthquake strikes central Japan, magnitude 6.1");
    const unrelated = await ingest(2, "Parliament passes the annual budget after long debate");
    expect((await listClusterArticles(first.id, first.id)).map((a) => a.id).sort()).toEqual([second.id, third.id].sort());
    expect((await listClusterArticles(first.id, third.id)).map((a) => a.id)).not.toContain(unrelated.id);
    expect(await clusterOf(third.slug)).toBe(first.id);
    expect(await clusterOf(unrelated.slug)).toBeNull();
  });

  it("does not cluster a source with itself or stories days apart", async () => {
    const a = await ingest(0, "City council approves new cycling lanes downtown");
    const b = await ingest(0, "City council approves new cycling lanes downtown plan");
    const c = await ingest(1, "City council approves new cycling lanes downtown", 24 * 5);
    expect(await listClusterArticles(a.id, a.id)).toEqual([]);
    expect(await listClusterArticles(b.id, b.id)).toEqual([]);
    expect(await listClusterArticles(c.id, c.id)).toEqual([]);
  });

  it("clusters everything stored since the last run in one run, oldest first", async () => {
    const first = await store(0, "Wildfire forces evacuation of mountain villages in Greece");
    const second = await store(1, "Greece wildfire forces evacuation of mountain villages");
    const third = await store(2, "Mountain villages in Greece evacuated as wildfire forces residents out");
    clusterer.articlesStored();
    clusterer.articlesStored();
    await clusterer.idle();
    expect(await clusterOf(first.slug)).toBe(first.id);
    expect(await clusterOf(second.slug)).toBe(first.id);
    expect(await clusterOf(third.slug)).toBe(first.id);
  });

  it("matches against headlines stored before it started (a restart)", async () => {
    const before = await ingest(0, "Central bank raises interest rates to fight inflation");
    const restarted = createStoryClusterer({ logger, batchDelayMs: 5 });
    await restarted.start();
    const after = await ingest(1, "Central bank raises interest rates again to fight inflation", undefined, restarted);
    await restarted.close();
    expect(await clusterOf(after.slug)).toBe(before.id);
    expect(await clusterOf(before.slug)).toBe(before.id);
  });

  it("never overwrites a cluster another writer already set", async () => {
    const article = await store(0, "Solar storm disrupts radio signals across northern Europe");
    await saveStoryClusters([{ id: article.id, clusterId: article.id }]);
    await saveStoryClusters([{ id: article.id, clusterId: 1 }]);
    expect(await clusterOf(article.slug)).toBe(article.id);
  });
});
