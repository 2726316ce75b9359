// PostgreSQL mode end to end below the HTTP layer: migrations through the real CLI, then the repositories
// (articles, search, clusters, scheduling) on a database of its own, created here and dropped afterwards.
// PostgreSQL must be reachable (127.0.0.1:5432, or NEWSWIRE_TEST_POSTGRES_URL): without it this file fails.
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidateFactory } from "../../tests/helpers/article-candidates";
import { articleIdsPageByPage } from "../../tests/helpers/article-paging";
import { createPostgresDatabase, withPostgresAdmin, type TestPostgresDatabase } from "../../tests/helpers/postgres-database";
import { applyMigrations } from "../boot/migrate";
import { insertNewArticles } from "./article-writes";
import { listArticles, listArticlesAfter, searchArticles, findArticleBySlug, findLatestSequence } from "./articles";
import { configureDb, dbKind, disconnectDb, getDb, pingDb, postgresPoolOf } from "./client";
import { queryRows } from "./direct-sql";
import { Prisma } from "./generated/sqlite/client";
import { findLastAssignedArticleId, findStoryRowBySlug, findStoryRowsByIds, listStorySubjects, saveStoryBatch, StoryAssignmentConflict } from "./stories";
import { toTsQuery } from "./search";
import { deleteAdminSession, deleteExpiredAdminSessions, findAdminSession, insertAdminSession } from "./admin-sessions";
import { insertSource, listSourcesWithHealth } from "./sources";
import { claimDueSources, claimSource, findSourceById, recordFetchOutcome, recordCheckSuccesses, renewClaims } from "./source-checks";

let database: TestPostgresDatabase | undefined;
let databaseUrl: string;
const previousUrl = process.env.DATABASE_URL;

let sourceA: number;
let sourceB: number;
let sourceC: number;

beforeAll(async () => {
  database = await createPostgresDatabase("newswire_test");
  const { name, url } = database;
  databaseUrl = url;
  // Not UTC on purpose: dates must survive a session time zone that differs from the process's.
  await withPostgresAdmin((client) => client.query(`ALTER DATABASE "${name}" SET timezone TO 'America/New_York'`));
  await disconnectDb();
  process.env.DATABASE_URL = url;
  await applyMigrations(url);
  await configureDb();
  sourceA = (await insertSource({ slug: "alpha", name: "Alpha", feedUrl: "https://alpha.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
  sourceB = (await insertSource({ slug: "beta", name: "Beta", feedUrl: "https://beta.example/feed", category: "science", pollIntervalSeconds: 300 })).id;
  sourceC = (await insertSource({ slug: "gamma", name: "Gamma", feedUrl: "https://gamma.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
});

afterAll(async () => {
  await disconnectDb();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
  await database?.drop();
});

const candidate = createCandidateFactory();

describe("PostgreSQL mode", () => {
  it("connects with the PostgreSQL client, answers pings, and has the search column", async () => {
    expect(dbKind(getDb())).toBe("postgresql");
    // (information_schema names are of type "name", which @prisma/adapter-pg 6.19 cannot read: cast them.)
    expect(await pingDb()).toBe(true);
    const columns = await getDb().$queryRaw<{ column_name: string }[]>`SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_name = 'Article' AND column_name = 'searchVector'`;
    expect(columns).toHaveLength(1);
    // Short statements only: JIT compilation is off for the site's sessions (lib/db/client.ts).
    expect(await getDb().$queryRaw<{ jit: string }[]>`SHOW jit`).toEqual([{ jit: "off" }]);
  });

  it("inserts oldest first, keeps dates exact, dedupes, and updates in place keeping the cursor", async () => {
    const newer = candidate({ publishedAt: new Date(Date.UTC(2026, 0, 2, 12, 30, 15, 123)) });
    const older = candidate({ publishedAt: new Date(Date.UTC(2026, 0, 1, 23, 59, 59, 999)) });
    const result = await insertNewArticles(sourceA, [newer, older]);
    expect(result.inserted.map((a) => a.title)).toEqual([older.title, newer.title]);
    expect(result.inserted[0].id).toBeLessThan(result.inserted[1].id);
    expect(result.inserted[0]).toMatchObject({ path: `/articles/${result.inserted[0].slug}`, category: "world", source: { slug: "alpha", name: "Alpha" } });
    expect(result.inserted.map((a) => a.publishedAt)).toEqual([older.publishedAt.toISOString(), newer.publishedAt.toISOString()]);
    expect((await findArticleBySlug(result.inserted[1].slug))?.publishedAt).toBe(newer.publishedAt.toISOString());

    expect(await insertNewArticles(sourceA, [older])).toMatchObject({ inserted: [], updated: 0, unchanged: 1 });
    const edited = { ...older, title: `${older.title} (updated)`, contentHash: "changed" };
    expect(await insertNewArticles(sourceA, [edited])).toMatchObject({ inserted: [], updated: 1 });
    const row = (await listArticles({ limit: 100 })).articles.find((a) => a.id === result.inserted[0].id);
    expect(row).toMatchObject({ title: edited.title, cursor: result.inserted[0].cursor });
  });

  it("stores a 1,000-entry feed in chunked statements, and knows all of it on the next fetch", async () => {
    const feed = Array.from({ length: 1_000 }, (_, i) => candidate({ url: `https://gamma.example/big/${i}` }));
    const first = await insertNewArticles(sourceC, feed);
    expect(first.inserted).toHaveLength(1_000);
    expect(new Set(first.inserted.map((article) => article.url))).toEqual(new Set(feed.map((entry) => entry.url)));
    // Ids follow publication order across the chunks of the insert.
    expect(first.inserted.map((article) => article.publishedAt)).toEqual(feed.map((entry) => entry.publishedAt.toISOString()));
    expect(await insertNewArticles(sourceC, feed)).toMatchObject({ inserted: [], updated: 0, unchanged: 1_000 });
    const churned = feed.map((entry) => ({ ...entry, dedupeKey: `${entry.dedupeKey}-churned` }));
    expect(await insertNewArticles(sourceC, churned)).toMatchObject({ inserted: [], unchanged: 1_000 });
    expect((await insertNewArticles(sourceB, churned)).inserted).toHaveLength(0);
    // Off the site again, so the tests below count only their own articles.
    await getDb().article.deleteMany({ where: { sourceId: sourceC } });
  });

  it("stores a story syndicated by a second source only once", async () => {
    const story = candidate({ url: "https://wire.example/2026/01/big-news", normalizedUrl: "wire.example/2026/01/big-news" });
    expect((await insertNewArticles(sourceA, [story])).inserted).toHaveLength(1);
    expect((await insertNewArticles(sourceB, [{ ...story, dedupeKey: "g:other-guid" }])).inserted).toHaveLength(0);
  });

  it("pages newest first without gaps or repeats, replays after a cursor oldest first, and filters", async () => {
    for (let i = 0; i < 7; i++) await insertNewArticles(sourceB, [candidate({ url: `https://beta.example/p/${i}`, normalizedUrl: `beta.example/p/${i}` })]);
    const all = (await listArticles({ limit: 1000 })).articles.map((a) => a.id);
    expect(all[0]).toBe(await findLatestSequence());
    expect(await articleIdsPageByPage(3)).toEqual(all);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    expect((await listArticlesAfter(all[3], { limit: 100 })).map((a) => a.id)).toEqual(all.slice(0, 3).reverse());
    const beta = (await listArticles({ limit: 100, sourceSlug: "beta" })).articles;
    expect(beta).toHaveLength(7);
    expect(beta.every((a) => a.source.slug === "beta")).toBe(true);
    expect((await listArticles({ limit: 100, category: "science" })).articles.every((a) => a.category === "science")).toBe(true);
  });

  it("searches titles and summaries with prefixes, folded accents, ranking and inert operators", async () => {
    await insertNewArticles(sourceB, [
      candidate({ title: "Volcanic eruption in Iceland", summary: "Lava reached the town of Grindavík", url: "https://beta.example/volcano", normalizedUrl: "beta.example/volcano" }),
      candidate({ title: "Markets calm", summary: "Investors shrug off the eruption news", url: "https://beta.example/markets", normalizedUrl: "beta.example/markets" }),
    ]);
    await insertNewArticles(sourceC, [
      candidate({ title: "Café owners in Zürich protest", summary: "Rents doubled", url: "https://gamma.example/cafe", normalizedUrl: "gamma.example/cafe" }),
    ]);
    const ranked = await searchArticles("eruption", { limit: 10, offset: 0 });
    expect(ranked.map((a) => a.title)).toEqual(["Volcanic eruption in Iceland", "Markets calm"]);
    expect((await searchArticles("eruption", { limit: 1, offset: 1 })).map((a) => a.title)).toEqual(["Markets calm"]);
    expect((await searchArticles("grindavik", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect((await searchArticles("GRINDAVÍK", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect((await searchArticles("cafe zur", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Café owners in Zürich protest"]);
    expect((await searchArticles("volc", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect(await searchArticles("volcanic markets", { limit: 10, offset: 0 })).toEqual([]);
    // Operators stay words: "|" is not OR here (that would find both), all words are required.
    expect((await searchArticles("eruption' | 'calm", { limit: 10, offset: 0 })).map((a) => a.title)).toEqual(["Markets calm"]);
    expect(await searchArticles('" OR * NEAR(', { limit: 10, offset: 0 })).toEqual([]);
    expect(await searchArticles("'):* | !x & <->", { limit: 10, offset: 0 })).toEqual([]);
    expect(await searchArticles("\\", { limit: 10, offset: 0 })).toEqual([]);
    expect(await searchArticles("zzzz", { limit: 10, offset: 0 })).toEqual([]);
    expect(await searchArticles("eruption", { limit: 10, offset: 0, category: "world" })).toEqual([]);
    expect((await searchArticles("eruption", { limit: 10, offset: 0, sourceSlug: "beta" })).map((a) => a.title)).toHaveLength(2);

    const viaList = await listArticles({ limit: 10, search: "eruption" });
    expect(viaList.articles.map((a) => a.title)).toEqual(["Markets calm", "Volcanic eruption in Iceland"]);
    const firstPage = await listArticles({ limit: 1, search: "eruption" });
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await listArticles({ limit: 1, search: "eruption", beforeSequence: Number(firstPage.nextCursor) });
    expect(secondPage.articles.map((a) => a.title)).toEqual(["Volcanic eruption in Iceland"]);
    expect(secondPage.nextCursor).toBeNull();
  });

  it("builds tsqueries whose words are quoted and whose last word is a prefix", () => {
    expect(toTsQuery("Volcanic  eru")).toBe("'volcanic' & 'eru':*");
    expect(toTsQuery("a")).toBe("'a'");
    expect(toTsQuery("' | ! :*")).toBeNull();
  });

  it("reads new articles for the story desk and writes stories, assignments and merges in one transaction", async () => {
    let stored = 0;
    const store = async (sourceId: number, title: string, hoursAgo = 1) => {
      stored += 1;
      const at = new Date(Date.now() - hoursAgo * 3600_000);
      const [article] = (await insertNewArticles(sourceId, [candidate({ title, publishedAt: at, updatedAt: at, url: `https://x.example/${stored}` })])).inserted;
      return article;
    };
    const old = await store(sourceA, "Magnitude 6.1 earthquake strikes central Japan", 24 * 10);
    const first = await store(sourceA, "Magnitude 6.1 earthquake strikes central Japan");
    const second = await store(sourceB, "Earthquake of magnitude 6.1 strikes central Japan");
    const third = await store(sourceC, "Strong earthquake strikes central Japan, magnitude 6.1");
    const subjects = await listStorySubjects(old.id, new Date(Date.now() - 48 * 3600_000), 10);
    expect(subjects.map((subject) => subject.id)).toEqual([first.id, second.id, third.id]);
    expect(subjects[1]).toMatchObject({ sourceId: sourceB, title: second.title, storyId: null });
    expect(subjects[1].publishedAt).toBeInstanceOf(Date);

    const newStory = (article: { id: number; title: string }) => ({ id: article.id, slug: `s-${article.id}`, title: article.title, leadArticleId: article.id, firstSeenAt: new Date() });
    const touched = await saveStoryBatch({
      created: [newStory(first), newStory(third)],
      assignments: [
        { articleId: first.id, storyId: first.id },
        { articleId: second.id, storyId: first.id },
        { articleId: third.id, storyId: third.id },
      ],
      merges: [],
    });
    expect(touched.sort((a, b) => a.id - b.id)).toEqual([
      { id: first.id, sourceCount: 2 },
      { id: third.id, sourceCount: 1 },
    ]);
    // Assigning an article that already has a story is a conflict (another desk wrote first): nothing is kept.
    await expect(saveStoryBatch({ created: [newStory(old)], assignments: [{ articleId: old.id, storyId: old.id }, { articleId: second.id, storyId: old.id }], merges: [] })).rejects.toThrow(StoryAssignmentConflict);
    expect((await findArticleBySlug(old.slug))?.storyId).toBeNull();
    // The third article shows both stories are one: it merges into the older, whose old slug still leads there.
    await saveStoryBatch({ created: [], assignments: [], merges: [{ from: third.id, into: first.id }] });
    expect((await findArticleBySlug(third.slug))?.storyId).toBe(first.id);
    const [merged] = await findStoryRowsByIds([first.id]);
    expect(merged).toMatchObject({ sourceCount: 3, articleCount: 3 });
    expect((await findStoryRowBySlug(`s-${third.id}`))?.story.id).toBe(first.id);
    expect(await findLastAssignedArticleId()).toBe(third.id);

    // Merges that chain within one batch (first → fourth → fifth) land on the last story, articles and
    // earlier merges included: the slug of a story merged before still leads to the survivor.
    const fourth = await store(sourceB, "Japan earthquake: tsunami warning lifted");
    const fifth = await store(sourceC, "Tsunami warning lifted after Japan earthquake");
    await saveStoryBatch({
      created: [newStory(fourth), newStory(fifth)],
      assignments: [
        { articleId: fourth.id, storyId: fourth.id },
        { articleId: fifth.id, storyId: fifth.id },
      ],
      merges: [],
    });
    await saveStoryBatch({ created: [], assignments: [], merges: [{ from: first.id, into: fourth.id }, { from: fourth.id, into: fifth.id }] });
    for (const article of [first, second, third, fourth, fifth]) expect((await findArticleBySlug(article.slug))?.storyId).toBe(fifth.id);
    for (const story of [first, third, fourth]) expect((await findStoryRowBySlug(`s-${story.id}`))?.story.id).toBe(fifth.id);
    expect((await findStoryRowsByIds([fifth.id]))[0]).toMatchObject({ articleCount: 5, sourceCount: 3, mergedIntoId: null });
  });

  it("claims due sources once and records fetch outcomes", async () => {
    const now = new Date();
    const claimed = await claimDueSources(now, 10, 60);
    expect(claimed.map((source) => source.slug).sort()).toEqual(["alpha", "beta", "gamma"]);
    expect(await claimDueSources(now, 10, 60)).toEqual([]);
    // A claim renewed while it runs is not claimable when the first lease would have ended; one not renewed is.
    const [renewedId, ...others] = claimed.map((source) => source.id);
    expect(await renewClaims([renewedId], new Date(now.getTime() + 30_000), 60)).toEqual([renewedId]);
    expect((await claimDueSources(new Date(now.getTime() + 61_000), 1, 60)).map((source) => source.id)).toEqual([expect.toBeOneOf(others)]);
    expect((await claimDueSources(new Date(now.getTime() + 61_000), 10, 60)).map((source) => source.id)).not.toContain(renewedId);
    // Leased by the claims above: a refresh waits for the check under way, then the source is due at once.
    expect(await claimSource(sourceA, now, 60)).toBe("busy");
    expect(await claimSource(987_654, now, 60)).toBeNull();

    const fetchedAt = new Date(Date.UTC(2026, 2, 3, 4, 5, 6, 789));
    await recordFetchOutcome(sourceA, { kind: "failure", fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + 300_000), error: "HTTP 500" });
    const alpha = (await listSourcesWithHealth()).find((source) => source.id === sourceA);
    expect(alpha).toMatchObject({ lastFetchedAt: fetchedAt.toISOString(), lastError: "HTTP 500", errorCount: 1 });
    expect(new Date(alpha!.nextCheckAt).getTime()).toBeGreaterThan(fetchedAt.getTime() + 300_000);
    expect(await claimSource(sourceA, new Date(), 60)).toMatchObject({ id: sourceA, slug: "alpha" });
    expect(alpha?.articleCount).toBeGreaterThan(0);

    const later = new Date(fetchedAt.getTime() + 60_000);
    await recordFetchOutcome(sourceB, { kind: "success", fetchedAt, nextCheckAt: later, pollIntervalSeconds: 60, etag: '"b-1"', lastModified: "Mon, 23 Nov 2026 10:00:00 GMT", websubHub: "https://hub.example/b" });
    await recordCheckSuccesses([
      // A changed feed: its new validators and hub (null: none any more); a 304 beside it keeps its own.
      { sourceId: sourceA, fetchedAt: later, nextCheckAt: new Date(later.getTime() + 600_000), pollIntervalSeconds: 600, etag: '"a-2"', lastModified: null, websubHub: null },
      { sourceId: sourceB, fetchedAt: later, nextCheckAt: new Date(later.getTime() + 900_000), pollIntervalSeconds: 900 },
    ]);
    expect(await findSourceById(sourceA)).toMatchObject({ etag: '"a-2"', lastModified: null, websubHub: null });
    expect(await findSourceById(sourceB)).toMatchObject({ etag: '"b-1"', lastModified: "Mon, 23 Nov 2026 10:00:00 GMT", websubHub: "https://hub.example/b" });
    const health = await listSourcesWithHealth();
    expect(health.find((source) => source.id === sourceA)).toMatchObject({ lastSuccessAt: later.toISOString(), lastError: null, errorCount: 0, nextCheckAt: new Date(later.getTime() + 600_000).toISOString() });
    expect(health.find((source) => source.id === sourceB)).toMatchObject({ lastFetchedAt: later.toISOString(), nextCheckAt: new Date(later.getTime() + 900_000).toISOString() });
  });

  it("keeps the newest of two outcomes of one source in a batch", async () => {
    const fetchedAt = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 8));
    const later = new Date(fetchedAt.getTime() + 1_000);
    await recordCheckSuccesses([
      { sourceId: sourceC, fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + 60_000), pollIntervalSeconds: 60, etag: '"older"' },
      { sourceId: sourceC, fetchedAt: later, nextCheckAt: new Date(later.getTime() + 120_000), pollIntervalSeconds: 120, etag: '"newer"' },
    ]);
    expect(await findSourceById(sourceC)).toMatchObject({ etag: '"newer"', pollIntervalSeconds: 120, lastSuccessAt: later });
  });

  it("stores admin sessions, finds them by id, and deletes them one by one or once expired", async () => {
    const expiresAt = new Date(Date.UTC(2026, 5, 1, 12, 0, 0, 123));
    await insertAdminSession({ id: "a".repeat(64), tokenFingerprint: "f1", expiresAt });
    await insertAdminSession({ id: "b".repeat(64), tokenFingerprint: "f1", expiresAt: new Date(expiresAt.getTime() + 3_600_000) });
    expect(await findAdminSession("a".repeat(64))).toEqual({ id: "a".repeat(64), tokenFingerprint: "f1", expiresAt });
    expect(await deleteExpiredAdminSessions(new Date(expiresAt.getTime() + 1))).toBe(1);
    expect(await findAdminSession("a".repeat(64))).toBeNull();
    await deleteAdminSession("b".repeat(64));
    expect(await findAdminSession("b".repeat(64))).toBeNull();
  });
});

describe("hot statements straight on node-postgres (lib/db/direct-sql.ts)", () => {
  it("read and write dates exactly as Prisma does, whatever the process's time zone", async () => {
    expect(postgresPoolOf(getDb())).toBeDefined();
    const zone = process.env.TZ;
    // Half-hour offset, not the session's zone (America/New_York): any local-time reading would show.
    process.env.TZ = "America/St_Johns";
    try {
      const source = (await insertSource({ slug: "delta", name: "Delta", feedUrl: "https://delta.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
      const at = new Date(Date.UTC(2026, 6, 1, 23, 45, 1, 234));
      expect(await queryRows<{ at: Date }>(getDb(), Prisma.sql`SELECT CAST(${at} AS TIMESTAMP(3)) AS "at"`)).toEqual([{ at }]);
      // Written by node-postgres, read by Prisma…
      expect(await recordCheckSuccesses([{ sourceId: source, fetchedAt: at, nextCheckAt: new Date(at.getTime() + 1_000), pollIntervalSeconds: 60, etag: 'W/"x, {y}"' }])).toEqual(new Date(at.getTime() + 1_000));
      expect(await getDb().source.findUnique({ where: { id: source }, select: { lastFetchedAt: true, lastSuccessAt: true, etag: true } })).toEqual({ lastFetchedAt: at, lastSuccessAt: at, etag: 'W/"x, {y}"' });
      // …and written by Prisma, read by node-postgres.
      const later = new Date(at.getTime() + 86_400_123);
      await getDb().source.update({ where: { id: source }, data: { websubLeaseUntil: later } });
      expect(await claimSource(source, new Date(), 60)).toMatchObject({ id: source, lastSuccessAt: at, websubLeaseUntil: later, etag: 'W/"x, {y}"' });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("plan each run of a prepared statement for the table as it is then, never on a plan cached while it was small", async () => {
    // PostgreSQL's default switches a prepared statement to a generic plan after five runs; one made while the
    // table was nearly empty scanned it whole once it had grown (unless an ANALYZE came in between).
    const source = (await insertSource({ slug: "epsilon", name: "Epsilon", feedUrl: "https://epsilon.example/feed", category: "world", pollIntervalSeconds: 300 })).id;
    for (let i = 0; i < 8; i++) await insertNewArticles(source, [candidate({ url: `https://epsilon.example/plan/${i}` })]);
    // Run one after another, the inserts had the pool's most recently used connection, as this query does.
    const plans = await queryRows<{ generic: number; custom: number }>(
      getDb(),
      Prisma.sql`SELECT CAST(generic_plans AS INTEGER) AS "generic", CAST(custom_plans AS INTEGER) AS "custom" FROM pg_prepared_statements WHERE statement LIKE '%pg_advisory_xact_lock%INSERT INTO "Article"%'`,
    );
    expect(plans).toHaveLength(1);
    expect(plans[0].generic).toBe(0);
    expect(plans[0].custom).toBeGreaterThanOrEqual(8);
  });
});

describe("article ids become visible in id order, with concurrent writers (docs/decisions/0009)", () => {
  /** A second connection of our own, to hold a transaction open on purpose. */
  async function connection(): Promise<Client> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return client;
  }

  async function rawInsert(client: Client, title: string): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO "Article" ("sourceId", "dedupeKey", "slug", "title", "url", "publishedAt") VALUES ($1, $2, $3, $4, $5, now()) RETURNING "id"`,
      [sourceC, `raw:${title}`, `raw-${title.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}`, title, `https://gamma.example/${encodeURIComponent(title)}`],
    );
    return Number(rows[0].id);
  }

  async function idsAfter(id: number): Promise<number[]> {
    return (await listArticlesAfter(id, { limit: 1000 })).map((article) => article.id);
  }

  async function waitingOnTheOrderLock(): Promise<void> {
    for (;;) {
      const rows = await getDb().$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'`;
      if (rows[0].waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("without the lock, a later id can commit first, and a reader of 'everything after N' skips the earlier one", async () => {
    // The hazard the lock exists for, shown with two plain transactions.
    const before = await findLatestSequence();
    const [early, late] = [await connection(), await connection()];
    try {
      await early.query("BEGIN");
      const earlyId = await rawInsert(early, "Takes its id first");
      const lateId = await rawInsert(late, "Commits first");
      expect(lateId).toBeGreaterThan(earlyId);
      // A reader now sees the later id; remembering it as its cursor, it will never ask for the earlier one.
      expect(await idsAfter(before)).toEqual([lateId]);
      await early.query("COMMIT");
      expect(await idsAfter(lateId)).toEqual([]);
      expect(await idsAfter(before)).toEqual([earlyId, lateId]);
    } finally {
      await Promise.all([early.end(), late.end()]);
    }
  });

  it("a writer that takes its ids and commits late holds back every later insert, so no reader can skip it", async () => {
    const before = await findLatestSequence();
    const slow = await connection();
    try {
      // The slow writer goes through the same lock as insertNewArticles, then dawdles before committing.
      await slow.query("BEGIN");
      await slow.query("SELECT pg_advisory_xact_lock(7307001001)");
      const slowId = await rawInsert(slow, "Slow to commit");
      const fast = insertNewArticles(sourceA, [candidate({ title: "Tries to commit first" })]);
      // Without the lock the fast insert would simply commit (and a reader could then skip the slow one).
      const first = await Promise.race([waitingOnTheOrderLock().then(() => "waits for the lock"), fast.then(() => "committed ahead")]);
      expect(first).toBe("waits for the lock");
      // Neither is visible: the fast insert has not even taken its id yet.
      expect(await idsAfter(before)).toEqual([]);
      await slow.query("COMMIT");
      const [fastArticle] = (await fast).inserted;
      expect(fastArticle.id).toBeGreaterThan(slowId);
      expect(await idsAfter(before)).toEqual([slowId, fastArticle.id]);
    } finally {
      await slow.end();
    }
  });

  it("an insert takes its ids only once it holds the lock, never while waiting for it", async () => {
    // The slow writer holds the lock before taking any id; the insert that waits for it must not have taken
    // its ids meanwhile, or they would be lower than the slow writer's and become visible after them.
    const before = await findLatestSequence();
    const slow = await connection();
    try {
      await slow.query("BEGIN");
      await slow.query("SELECT pg_advisory_xact_lock(7307001001)");
      const waiting = insertNewArticles(sourceB, [candidate({ title: "Waits for the lock" })]);
      await waitingOnTheOrderLock();
      const slowId = await rawInsert(slow, "Holds the lock, takes its id later");
      await slow.query("COMMIT");
      const [waited] = (await waiting).inserted;
      expect(waited.id).toBeGreaterThan(slowId);
      expect(await idsAfter(before)).toEqual([slowId, waited.id]);
    } finally {
      await slow.end();
    }
  });

  it("a reader following a burst of concurrent inserts sees every article once, in id order", async () => {
    // (A burst in one process rarely commits out of order by itself; the test above forces it. This one checks
    // the reader's side: paging "after the last id seen" through concurrent inserts loses and repeats nothing.)
    const before = await findLatestSequence();
    const delivered: number[] = [];
    let reading = true;
    const reader = (async () => {
      // What the live feed does: ask for everything after the last id it has seen, again and again.
      while (reading) {
        const page = await idsAfter(delivered.at(-1) ?? before);
        delivered.push(...page);
      }
      delivered.push(...(await idsAfter(delivered.at(-1) ?? before)));
    })();
    const batches = await Promise.all(
      Array.from({ length: 30 }, (_, i) => insertNewArticles([sourceA, sourceB, sourceC][i % 3], [candidate(), candidate(), candidate()])),
    );
    reading = false;
    await reader;
    const stored = batches.flatMap((batch) => batch.inserted.map((article) => article.id)).sort((a, b) => a - b);
    expect(stored).toHaveLength(90);
    expect(delivered).toEqual(stored);
  });
});
