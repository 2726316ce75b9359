// Storing a source's entries (lib/db/article-writes.ts) on both engines: the dedupe rules, and on PostgreSQL
// the one-statement path for a changed feed's few entries, whose finer cases (an entry new by a rule the
// statement does not apply, one stored meanwhile by a concurrent check) are completed by a second insert.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidateFactory } from "../../tests/helpers/article-candidates";
import { bothEngines, restoreDatabaseUrlAfterAll } from "../../tests/helpers/both-engines";
import { insertNewArticles } from "./article-writes";
import { findArticleBySlug, listArticles } from "./articles";
import { dbKind, getDb } from "./client";
import { insertSource } from "./sources";

restoreDatabaseUrlAfterAll();
const engines = bothEngines("article_writes");

describe.each(engines)("insertNewArticles ($name)", ({ kind, open }) => {
  let database: { cleanup: () => Promise<void> };
  let sourceA: number;
  let sourceB: number;
  const candidate = createCandidateFactory();

  beforeAll(async () => {
    database = await open();
    expect(dbKind(getDb())).toBe(kind);
    sourceA = (await insertSource({ slug: "alpha", name: "Alpha", feedUrl: "https://alpha.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
    sourceB = (await insertSource({ slug: "beta", name: "Beta", feedUrl: "https://beta.example/feed", category: "science", pollIntervalSeconds: 300 })).id;
  });
  afterAll(async () => database.cleanup());

  it("inserts oldest first so the cursor follows publication order, and returns DTOs", async () => {
    const newer = candidate({ publishedAt: new Date(Date.UTC(2026, 0, 2, 12, 30, 15, 123)) });
    const older = candidate({ publishedAt: new Date(Date.UTC(2026, 0, 1, 23, 59, 59, 999)) });
    const ingestedAt = new Date(Date.UTC(2026, 0, 3, 1, 2, 3, 456));
    const result = await insertNewArticles(sourceA, [newer, older], ingestedAt);
    expect(result.inserted.map((a) => a.publishedAt)).toEqual([older.publishedAt.toISOString(), newer.publishedAt.toISOString()]);
    // Stored in the same form Prisma itself writes: read back through Prisma, dates and fields are intact.
    expect(await findArticleBySlug(result.inserted[1].slug)).toMatchObject({
      publishedAt: newer.publishedAt.toISOString(),
      ingestedAt: ingestedAt.toISOString(),
      updatedAt: newer.updatedAt.toISOString(),
      title: newer.title,
      contentHtml: newer.contentHtml,
    });
    expect(result.inserted.map((a) => a.title)).toEqual([older.title, newer.title]);
    expect(result.inserted[0].id).toBeLessThan(result.inserted[1].id);
    expect(result.inserted[0]).toMatchObject({ path: `/articles/${result.inserted[0].slug}`, category: "world", source: { slug: "alpha", name: "Alpha" } });
  });

  it("stores nothing twice, and updates a changed entry in place keeping its cursor", async () => {
    const original = candidate();
    const [stored] = (await insertNewArticles(sourceA, [original])).inserted;
    const again = await insertNewArticles(sourceA, [original]);
    expect(again).toMatchObject({ inserted: [], updated: 0, unchanged: 1 });
    const edited = { ...original, title: `${original.title} (updated)`, contentHash: "changed" };
    expect(await insertNewArticles(sourceA, [edited])).toMatchObject({ inserted: [], updated: 1 });
    const page = await listArticles({ limit: 100 });
    const row = page.articles.find((a) => a.id === stored.id);
    expect(row?.title).toBe(`${original.title} (updated)`);
    expect(row?.cursor).toBe(stored.cursor);
  });

  it("does not multiply an entry whose GUID changes on every fetch", async () => {
    const first = candidate();
    await insertNewArticles(sourceA, [first]);
    const sameStoryNewGuid = { ...first, dedupeKey: `g:${first.dedupeKey}-churned` };
    expect((await insertNewArticles(sourceA, [sameStoryNewGuid])).inserted).toHaveLength(0);
  });

  it("matches a churned GUID by content only when the link does not identify the story", async () => {
    const onHomepage = candidate({ url: "https://alpha.example/", normalizedUrl: "alpha.example/" });
    await insertNewArticles(sourceA, [onHomepage]);
    expect((await insertNewArticles(sourceA, [{ ...onHomepage, dedupeKey: `${onHomepage.dedupeKey}-churned` }])).inserted).toHaveLength(0);
    const linkless = candidate({ url: "https://alpha.example/", normalizedUrl: null, title: "Linkless", summary: "No link at all" });
    await insertNewArticles(sourceA, [linkless]);
    expect((await insertNewArticles(sourceA, [{ ...linkless, dedupeKey: `${linkless.dedupeKey}-churned` }])).inserted).toHaveLength(0);
  });

  it("stores a republished text that comes with a new story link of its own (a recurring briefing)", async () => {
    const monday = candidate({ title: "Morning briefing", summary: "What you need to know today", url: "https://alpha.example/briefing/2026-01-05" });
    const tuesday = candidate({ title: "Morning briefing", summary: "What you need to know today", url: "https://alpha.example/briefing/2026-01-06" });
    expect(tuesday.contentHash).toBe(monday.contentHash);
    expect((await insertNewArticles(sourceA, [monday])).inserted).toHaveLength(1);
    const next = await insertNewArticles(sourceA, [monday, tuesday]);
    expect(next.inserted.map((article) => article.url)).toEqual([tuesday.url]);
    expect(next).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it("keeps distinct entries that share a section link", async () => {
    const shared = "https://alpha.example/live";
    const result = await insertNewArticles(sourceA, [candidate({ url: shared, normalizedUrl: "alpha.example/live" }), candidate({ url: shared, normalizedUrl: "alpha.example/live" })]);
    expect(result.inserted).toHaveLength(2);
  });

  it("stores a story syndicated by a second source only once", async () => {
    const story = candidate({ url: "https://wire.example/2026/01/big-news" , normalizedUrl: "wire.example/2026/01/big-news" });
    expect((await insertNewArticles(sourceA, [story])).inserted).toHaveLength(1);
    expect((await insertNewArticles(sourceB, [{ ...story, dedupeKey: "g:other-guid" }])).inserted).toHaveLength(0);
  });

  it("sorts out a mixed batch: new, new by its own story link despite repeated content, unchanged, changed", async () => {
    const known = candidate();
    const toEdit = candidate();
    const briefing = candidate({ title: "Evening briefing", summary: "Tonight in brief", url: "https://alpha.example/briefing/2026-02-01" });
    await insertNewArticles(sourceA, [known, toEdit, briefing]);
    const nextBriefing = candidate({ title: "Evening briefing", summary: "Tonight in brief", url: "https://alpha.example/briefing/2026-02-02" });
    const fresh = candidate();
    const edited = { ...toEdit, title: `${toEdit.title} (corrected)`, contentHash: "corrected" };
    const result = await insertNewArticles(sourceA, [known, edited, nextBriefing, fresh]);
    expect(result.inserted.map((article) => article.url).sort()).toEqual([nextBriefing.url, fresh.url].sort());
    expect(result).toMatchObject({ updated: 1, unchanged: 1 });
    expect(result.inserted.every((article) => article.source.slug === "alpha" && article.category === "world")).toBe(true);
    expect((await findArticleBySlug(result.inserted[0].slug))?.title).toBeDefined();
    // Everything is known now: nothing new, nothing changed.
    expect(await insertNewArticles(sourceA, [known, edited, nextBriefing, fresh])).toMatchObject({ inserted: [], updated: 0, unchanged: 4 });
  });

  it("stores an entry once when two checks bring it at the same moment", async () => {
    const entry = candidate();
    const other = candidate();
    const results = await Promise.all([insertNewArticles(sourceB, [entry, other]), insertNewArticles(sourceB, [other, entry])]);
    expect(results.flatMap((result) => result.inserted.map((article) => article.url)).sort()).toEqual([entry.url, other.url].sort());
    const stored = (await listArticles({ limit: 1000 })).articles.filter((article) => article.url === entry.url || article.url === other.url);
    expect(stored).toHaveLength(2);
  });
});
