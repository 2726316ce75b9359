import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidateFactory } from "../../tests/helpers/article-candidates";
import { articleIdsPageByPage } from "../../tests/helpers/article-paging";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { insertNewArticles } from "./article-writes";
import { findArticleBySlug, listArticles, listArticlesAfter, searchArticles } from "./articles";
import { insertSource } from "./sources";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let sourceA: number;
let sourceB: number;

beforeAll(async () => {
  database = await useTestDatabase("articles-repo");
  sourceA = (await insertSource({ slug: "alpha", name: "Alpha", feedUrl: "https://alpha.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
  sourceB = (await insertSource({ slug: "beta", name: "Beta", feedUrl: "https://beta.example/feed", category: "science", pollIntervalSeconds: 300 })).id;
});
afterAll(async () => database.cleanup());

const candidate = createCandidateFactory();

describe("reading", () => {
  it("pages newest first without gaps or repeats and replays after a cursor oldest first", async () => {
    for (let i = 0; i < 7; i++) await insertNewArticles(sourceB, [candidate({ url: `https://beta.example/p/${i}`, normalizedUrl: `beta.example/p/${i}` })]);
    const all = (await listArticles({ limit: 1000 })).articles.map((a) => a.id);
    expect(await articleIdsPageByPage(3)).toEqual(all);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    const after = await listArticlesAfter(all[3], { limit: 100 });
    expect(after.map((a) => a.id)).toEqual(all.slice(0, 3).reverse());
    expect((await listArticles({ limit: 100, sourceSlug: "beta" })).articles.every((a) => a.source.slug === "beta")).toBe(true);
    expect((await listArticles({ limit: 100, category: "science" })).articles.every((a) => a.category === "science")).toBe(true);
  });

  it("finds articles by words in the title or summary, with prefixes, accents folded and operators inert", async () => {
    await insertNewArticles(sourceB, [
      candidate({ title: "Volcanic eruption in Iceland", summary: "Lava reached the town of Grindavík", url: "https://beta.example/volcano", normalizedUrl: "beta.example/volcano" }),
      candidate({ title: "Markets calm", summary: "Investors shrug off the eruption news", url: "https://beta.example/markets", normalizedUrl: "beta.example/markets" }),
    ]);
    const ranked = await searchArticles("eruption", { limit: 10, offset: 0 });
    expect(ranked.map((a) => a.title)).toEqual(["Volcanic eruption in Iceland", "Markets calm"]);
    expect((await searchArticles("grindavik", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect((await searchArticles("volc", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect(await searchArticles('" OR * NEAR(', { limit: 10, offset: 0 })).toEqual([]);
    const viaList = await listArticles({ limit: 10, search: "eruption" });
    expect(viaList.articles.map((a) => a.title)).toEqual(["Markets calm", "Volcanic eruption in Iceland"]);
  });
});

// Last: it adds a thousand articles, which the paging test above must not see.
describe("large feeds", () => {
  it("stores a 1,000-entry feed (more entries than SQLite binds parameters), and knows all of it on the next fetch", async () => {
    const feed = Array.from({ length: 1_000 }, (_, i) => candidate({ url: `https://alpha.example/big/${i}` }));
    const first = await insertNewArticles(sourceA, feed);
    expect(first.inserted).toHaveLength(1_000);
    expect(new Set(first.inserted.map((article) => article.url))).toEqual(new Set(feed.map((entry) => entry.url)));
    expect(await insertNewArticles(sourceA, feed)).toMatchObject({ inserted: [], updated: 0, unchanged: 1_000 });
    // The same 1,000 stories under new GUIDs (GUID churn) are recognised by their links, none stored twice.
    const churned = feed.map((entry) => ({ ...entry, dedupeKey: `${entry.dedupeKey}-churned` }));
    expect(await insertNewArticles(sourceA, churned)).toMatchObject({ inserted: [], unchanged: 1_000 });
    // … and another source carrying them (syndication) stores none either.
    expect((await insertNewArticles(sourceB, churned)).inserted).toHaveLength(0);
    const edited = feed.map((entry) => ({ ...entry, title: `${entry.title} (updated)`, contentHash: `${entry.contentHash}-edited` }));
    expect(await insertNewArticles(sourceA, edited)).toMatchObject({ inserted: [], updated: 1_000 });
  });

  it("stores a feed of many megabytes in parts, giving the event loop turns between them, and updates it so too", async () => {
    // 40 entries of 100,000 characters: 4 MB, past what one SQLite transaction of a check carries.
    const body = "<p>Officials said the programme would continue.</p>".repeat(2_000);
    const feed = Array.from({ length: 40 }, (_, i) => candidate({ url: `https://alpha.example/huge/${i}`, contentHtml: body }));
    let turns = 0;
    let counting = true;
    const count = () => {
      if (!counting) return;
      turns += 1;
      setImmediate(count);
    };
    setImmediate(count);
    const stored = await insertNewArticles(sourceA, feed);
    const turnsWhileStoring = turns;
    expect(stored.inserted).toHaveLength(40);
    expect((await findArticleBySlug(stored.inserted[39].slug))?.contentHtml).toBe(body);
    // One statement at a time (512 KB of text each), with a turn of the event loop after each commit.
    expect(turnsWhileStoring).toBeGreaterThanOrEqual(7);

    turns = 0;
    const edited = feed.map((entry) => ({ ...entry, contentHtml: `${body}<p>Updated.</p>`, contentHash: `${entry.contentHash}-edited` }));
    expect(await insertNewArticles(sourceA, edited)).toMatchObject({ inserted: [], updated: 40 });
    expect(turns).toBeGreaterThanOrEqual(7);
    counting = false;
    expect((await findArticleBySlug(stored.inserted[0].slug))?.contentHtml).toBe(`${body}<p>Updated.</p>`);
  });
});
