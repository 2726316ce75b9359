// The stories repository on SQLite (lib/db/postgresql.test.ts runs the same writes on PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidateFactory } from "../../tests/helpers/article-candidates";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { insertNewArticles } from "./article-writes";
import { findArticleBySlug } from "./articles";
import { insertSource } from "./sources";
import { findStoryRowBySlug, findStoryRowsByIds, listStoryArticles, saveStoryBatch } from "./stories";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let sources: number[];

beforeAll(async () => {
  database = await useTestDatabase("stories-repo");
  sources = [];
  for (const slug of ["one", "two", "three"]) {
    sources.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  }
});
afterAll(async () => database.cleanup());

const candidate = createCandidateFactory();

describe("saveStoryBatch and listStoryArticles", () => {
  it("merges chained within one batch land on the last story; its articles list lead first, with sources", async () => {
    const stored = [];
    for (const [i, sourceId] of [sources[0], sources[1], sources[2], sources[0]].entries()) {
      const [article] = (await insertNewArticles(sourceId, [candidate({ title: `Coverage ${i} of the same event`, url: `https://x.example/${i}` })])).inserted;
      stored.push(article);
    }
    const story = (article: { id: number; title: string }) => ({ id: article.id, slug: `s-${article.id}`, title: article.title, leadArticleId: article.id, firstSeenAt: new Date() });
    await saveStoryBatch({ created: stored.map(story), assignments: stored.map((article) => ({ articleId: article.id, storyId: article.id })), merges: [] });
    await saveStoryBatch({ created: [], assignments: [], merges: [{ from: stored[0].id, into: stored[1].id }] });
    // One batch: 1 → 2 (which already holds 0) and 2 → 3: everything ends on 3.
    await saveStoryBatch({ created: [], assignments: [], merges: [{ from: stored[1].id, into: stored[2].id }, { from: stored[2].id, into: stored[3].id }] });

    const survivor = stored[3].id;
    for (const article of stored) expect((await findArticleBySlug(article.slug))?.storyId).toBe(survivor);
    for (const merged of stored.slice(0, 3)) expect((await findStoryRowBySlug(`s-${merged.id}`))?.story.id).toBe(survivor);
    const [row] = await findStoryRowsByIds([survivor]);
    expect(row).toMatchObject({ articleCount: 4, sourceCount: 3, mergedIntoId: null });
    // Its time is when coverage last joined: the newest of its articles' ingestion times.
    const ingested = await Promise.all(stored.map(async (article) => new Date((await findArticleBySlug(article.slug))!.ingestedAt).getTime()));
    expect(row.updatedAt.getTime()).toBe(Math.max(...ingested));

    const articles = (await listStoryArticles([row], 3)).get(survivor)!;
    expect(articles.map((article) => article.id)).toEqual([stored[3].id, stored[2].id, stored[1].id]);
    expect(articles[1]).toMatchObject({ source: { id: sources[2], slug: "three" }, category: "world", path: `/articles/${stored[2].slug}` });
    expect(articles[1].publishedAt).toBe(new Date(articles[1].publishedAt).toISOString());
  });
});

describe("a batch of a whole large feed", () => {
  it("creates and assigns 1,000 stories in one batch (past SQLite's parameter limit)", async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => candidate({ title: `Briefing number ${i} of a large feed`, url: `https://big.example/${i}` }));
    const { inserted } = await insertNewArticles(sources[1], many);
    expect(inserted).toHaveLength(1_000);
    const created = inserted.map((article) => ({ id: article.id, slug: `big-${article.id}`, title: article.title, leadArticleId: article.id, firstSeenAt: new Date() }));
    const touched = await saveStoryBatch({ created, assignments: inserted.map((article) => ({ articleId: article.id, storyId: article.id })), merges: [] });
    expect(touched).toHaveLength(1_000);
    const rows = await findStoryRowsByIds(inserted.map((article) => article.id));
    expect(rows).toHaveLength(1_000);
  });
});
