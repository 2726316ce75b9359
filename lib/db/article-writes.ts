// Articles repository, the writing side: stores one source's feed entries, deciding which are new, which
// changed in place and which another source already carries (a syndicated copy is stored once), and inserts
// the new ones so that their ids become visible in id order (docs/decisions/0009). Reading articles back is
// lib/db/articles.ts.
import { Prisma } from "./generated/sqlite/client";
import { dbKind, getDb, type Db } from "./client";
import type { Article } from "../domain/article";
import type { ArticleCandidate } from "../domain/feed";
import { articleSlug } from "../domain/slug";
import { toArticle, type ArticleListRow } from "./articles";
import { chunkedByText, queryInChunks } from "./chunks";
import { queryRows } from "./direct-sql";

const ARTICLE_INSERT_COLUMNS = ["sourceId", "dedupeKey", "slug", "title", "url", "normalizedUrl", "summary", "contentHtml", "contentHash", "imageUrl", "author", "publishedAt", "updatedAt", "ingestedAt"] as const;
/** The columns as SQL names, each with `prefix` ("entry.") before it. */
const quotedColumns = (prefix: string) => ARTICLE_INSERT_COLUMNS.map((column) => `${prefix}"${column}"`).join(", ");
type InsertedRow = Omit<ArticleListRow, "source" | "publishedAt" | "id"> & { id: number | bigint; dedupeKey: string; publishedAt: Date | string };
type InsertedWithSourceRow = InsertedRow & { sourceSlug: string; sourceName: string; sourceSiteUrl: string | null; sourceCategory: string };

/** What a publisher may change in a story after it was first stored: written on insert and on an update in place. */
function editableFields(candidate: ArticleCandidate) {
  return {
    title: candidate.title,
    url: candidate.url,
    normalizedUrl: candidate.normalizedUrl,
    summary: candidate.summary,
    contentHtml: candidate.contentHtml,
    contentHash: candidate.contentHash,
    imageUrl: candidate.imageUrl,
    author: candidate.author,
    updatedAt: candidate.updatedAt,
  };
}

/**
 * Held (as a PostgreSQL transaction-level advisory lock) from taking article ids to committing them, on every
 * instance: so ids become visible in id order, and whoever reads "articles after id N" can never skip one
 * that commits late. Live delivery, resume and paging all rely on it (docs/decisions/0009). Any 64-bit number
 * no other application on the database uses.
 */
const ARTICLE_ORDER_LOCK = 7_307_001_001;
/** Notified, in the inserting transaction, with the newest id: every instance's live feed wakes on it. */
export const NEW_ARTICLES_CHANNEL = "newswire_articles";

/** PostgreSQL types of the inserted columns: values in a VALUES list under SELECT need them spelled out. */
const ARTICLE_INSERT_TYPES = {
  sourceId: "INTEGER",
  dedupeKey: "TEXT",
  slug: "TEXT",
  title: "TEXT",
  url: "TEXT",
  normalizedUrl: "TEXT",
  summary: "TEXT",
  contentHtml: "TEXT",
  contentHash: "TEXT",
  imageUrl: "TEXT",
  author: "TEXT",
  publishedAt: "TIMESTAMP(3)",
  updatedAt: "TIMESTAMP(3)",
  ingestedAt: "TIMESTAMP(3)",
} as const satisfies Record<(typeof ARTICLE_INSERT_COLUMNS)[number], string>;

/**
 * Statements that carry articles' text are cut by its size too. Prisma copies every parameter through its
 * query compiler on the event loop's thread, and SQLite then runs on it as well (better-sqlite3 is
 * synchronous): storing a 9 MB feed's 300 entries in one go held the event loop ~0.5 s on a quiet machine
 * (1.5 s on a busy one), and pages and live delivery with it. Each statement now carries at most this much.
 */
const TEXT_PER_STATEMENT = 512 * 1024;
/**
 * Up to this much text, a check's writes on SQLite are one transaction (all or nothing; a few tens of ms).
 * More is written in several commits with a turn of the event loop between them: a failure midway leaves the
 * first part stored, and the next check stores the rest (entries are deduplicated, so nothing is stored twice).
 */
const TEXT_PER_SQLITE_TRANSACTION = 2 * 1024 * 1024;

function textChars(candidate: ArticleCandidate): number {
  return candidate.title.length + candidate.url.length + (candidate.summary?.length ?? 0) + (candidate.contentHtml?.length ?? 0);
}

/**
 * Runs a check's statements in order, given in parts of at most TEXT_PER_STATEMENT of text: all in one
 * transaction, or on SQLite with more than TEXT_PER_SQLITE_TRANSACTION of text, one commit per part with a
 * turn of the event loop between them.
 */
async function runArticleWrites<R>(db: Db, parts: (() => Prisma.PrismaPromise<R>)[][], chars: number): Promise<R[]> {
  const statements = parts.flat();
  if (statements.length === 1) return [await statements[0]()];
  if (dbKind(db) === "postgresql" || chars <= TEXT_PER_SQLITE_TRANSACTION) return db.$transaction(statements.map((statement) => statement()));
  const results: R[] = [];
  for (const part of parts) {
    results.push(...(await db.$transaction(part.map((statement) => statement()))));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

const RETURNED_COLUMNS = Prisma.sql`RETURNING "id", "dedupeKey", "slug", "title", "url", "summary", "imageUrl", "publishedAt"`;

/** One candidate's row: a value for each of ARTICLE_INSERT_COLUMNS. */
function articleRow(sourceId: number, candidate: ArticleCandidate, ingestedAt: Date) {
  return {
    sourceId,
    dedupeKey: candidate.dedupeKey,
    slug: articleSlug(candidate.title, sourceId, candidate.dedupeKey),
    ...editableFields(candidate),
    publishedAt: candidate.publishedAt,
    ingestedAt,
  } satisfies Record<(typeof ARTICLE_INSERT_COLUMNS)[number], unknown>;
}

/** One candidate's row, as the comma-separated values of ARTICLE_INSERT_COLUMNS (typed for PostgreSQL). */
function articleValues(sourceId: number, candidate: ArticleCandidate, ingestedAt: Date, postgres: boolean): Prisma.Sql {
  const row = articleRow(sourceId, candidate, ingestedAt);
  return Prisma.join(ARTICLE_INSERT_COLUMNS.map((column) => (postgres ? Prisma.sql`CAST(${row[column]} AS ${Prisma.raw(ARTICLE_INSERT_TYPES[column])})` : row[column])));
}

/** Rows as INSERT … RETURNING (RETURNED_COLUMNS) gives them, for the live layer. */
function toInsertedRows(rows: InsertedRow[]): Omit<ArticleListRow, "source">[] {
  return rows.map((row) => ({ id: Number(row.id), slug: row.slug, title: row.title, url: row.url, summary: row.summary, imageUrl: row.imageUrl, publishedAt: new Date(row.publishedAt) }));
}

/**
 * Multi-row INSERT … RETURNING, written as SQL: Prisma's createManyAndReturn spent ~10 ms of JavaScript on a
 * 20-article batch whose SQL ran in ~1.5 ms, most of the cost of storing a feed. Dates go through the driver
 * adapter's own conversion, so they are stored exactly as Prisma stores them. On SQLite the one write
 * connection already orders commits; on PostgreSQL the advisory lock above does.
 */
async function insertArticleRows(
  sourceId: number,
  candidates: ArticleCandidate[],
  ingestedAt: Date,
  db: Db,
): Promise<{ rows: Omit<ArticleListRow, "source">[]; source: ArticleListRow["source"] | null }> {
  if (candidates.length === 0) return { rows: [], source: null };
  const postgres = dbKind(db) === "postgresql";
  const columns = Prisma.raw(quotedColumns(""));
  const chunks = chunkedByText(candidates, ARTICLE_INSERT_COLUMNS.length, textChars, TEXT_PER_STATEMENT).map((chunk) =>
    chunk.map((candidate) => Prisma.sql`(${articleValues(sourceId, candidate, ingestedAt, postgres)})`),
  );
  // ON CONFLICT: the same entry stored meanwhile by a concurrent check (a WebSub push beside a poll, say) is
  // simply not new; without it the whole batch would fail on the unique key.
  const insert = (tuples: Prisma.Sql[]) =>
    db.$queryRaw<InsertedRow[]>`INSERT INTO "Article" (${columns}) VALUES ${Prisma.join(tuples)} ON CONFLICT ("sourceId", "dedupeKey") DO NOTHING ${RETURNED_COLUMNS}`;
  let inserted: InsertedRow[][];
  /** The source's fields when the statement already read them (saves a lookup). */
  let source: ArticleListRow["source"] | null = null;
  if (!postgres) {
    inserted = await runArticleWrites(db, chunks.map((tuples) => [() => insert(tuples)]), candidates.reduce((sum, candidate) => sum + textChars(candidate), 0));
  } else if (chunks.length === 1) {
    const rows = await insertInOrderInOneStatement(sourceId, columns, chunks[0], db);
    if (rows.length > 0) source = sourceOfRow(sourceId, rows[0]);
    inserted = [rows];
  } else {
    // More rows or text than one statement carries (a feed of hundreds of new entries): one transaction,
    // under the lock from before the first id is taken until the commit. Its statements wait on the network
    // in turn, so the event loop runs between them.
    const [, ...results] = await db.$transaction([
      db.$executeRaw`SELECT pg_advisory_xact_lock(${Prisma.raw(String(ARTICLE_ORDER_LOCK))})`,
      ...chunks.map(insert),
      db.$executeRaw`SELECT pg_notify(${NEW_ARTICLES_CHANNEL}, (SELECT MAX("id") FROM "Article")::text)`,
    ]);
    inserted = results.slice(0, chunks.length) as InsertedRow[][];
  }
  return { rows: toInsertedRows(inserted.flat()), source };
}

/**
 * The common case on PostgreSQL: lock, insert and notify in a single statement outside any explicit
 * transaction, so the lock is held only while PostgreSQL runs it. As a transaction of several statements
 * (BEGIN, lock, insert, notify, COMMIT) it was also held across each round trip and each wait of a busy
 * event loop between them: with two instances polling 10,000 sources, inserts waited ~300 ms for it on
 * average, and it bounded the whole polling round.
 *
 * Order: `ordered` takes the lock; every inserted row is joined with its one row, so no row (and no id from
 * the sequence, which is taken as a row is inserted) exists before the lock is held. `woken` notifies the
 * other instances; it is sent when the statement commits, like the rows.
 */
async function insertInOrderInOneStatement(sourceId: number, columns: Prisma.Sql, tuples: Prisma.Sql[], db: Db): Promise<InsertedWithSourceRow[]> {
  return queryRows<InsertedWithSourceRow>(db, Prisma.sql`WITH ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(${Prisma.raw(String(ARTICLE_ORDER_LOCK))})),
    inserted AS (
      INSERT INTO "Article" (${columns})
      SELECT entry.* FROM ordered CROSS JOIN (VALUES ${Prisma.join(tuples)}) AS entry
      ON CONFLICT ("sourceId", "dedupeKey") DO NOTHING ${RETURNED_COLUMNS}
    ),
    woken AS (SELECT pg_notify(${NEW_ARTICLES_CHANNEL}, MAX("id")::text) FROM inserted HAVING COUNT(*) > 0)
    SELECT inserted.*, s."slug" AS "sourceSlug", s."name" AS "sourceName", s."siteUrl" AS "sourceSiteUrl", s."category" AS "sourceCategory"
    FROM inserted JOIN "Source" s ON s."id" = ${sourceId} LEFT JOIN woken ON TRUE`);
}

export type InsertResult = {
  /** The articles that did not exist before, oldest first, as the live layer should publish them. */
  inserted: Article[];
  /** Existing articles whose content changed and were updated in place (they keep their cursor). */
  updated: number;
  /** Candidates that were already stored unchanged, or that another source already carries. */
  unchanged: number;
};

/** Paths like `example.com` or `example.com/` say nothing about the story: never dedupe across sources by them. */
function isStoryUrl(normalizedUrl: string | null): normalizedUrl is string {
  return normalizedUrl !== null && /\/[^/]+/.test(normalizedUrl.replace(/^[^/]*/, ""));
}

type StoredIdentity = { id: number; dedupeKey: string; contentHash: string; normalizedUrl: string | null };
/** What this source (elsewhere = 0) or another source (elsewhere = 1) stores that a candidate could be. */
type IdentityRow = Omit<StoredIdentity, "id"> & { id: number | bigint; elsewhere: number | bigint };
type StoredIdentities = { own: StoredIdentity[]; carriedElsewhere: Set<string> };

/** A link shared by several entries of one batch (a section page, say) identifies none of them. */
function identifyingUrls(candidates: ArticleCandidate[]): (url: string | null) => url is string {
  const urlCounts = new Map<string, number>();
  for (const { normalizedUrl } of candidates) if (normalizedUrl) urlCounts.set(normalizedUrl, (urlCounts.get(normalizedUrl) ?? 0) + 1);
  return (url: string | null): url is string => isStoryUrl(url) && urlCounts.get(url) === 1;
}

/** Per candidate: its key, its link twice (here and elsewhere) and its content hash. */
const IDENTITY_PARAMETERS_PER_CANDIDATE = 4;

/**
 * What identifies the candidates: within this source their dedupe keys, identifying links and content
 * hashes; across sources their story links.
 */
function identityLists(candidates: ArticleCandidate[]): { keys: string[]; urls: string[]; hashes: string[]; storyUrls: string[] } {
  const identifies = identifyingUrls(candidates);
  return {
    keys: [...new Set(candidates.map((candidate) => candidate.dedupeKey))],
    urls: [...new Set(candidates.map((candidate) => candidate.normalizedUrl).filter(identifies))],
    hashes: [...new Set(candidates.map((candidate) => candidate.contentHash).filter(Boolean))],
    storyUrls: [...new Set(candidates.map((candidate) => candidate.normalizedUrl).filter(isStoryUrl))],
  };
}

/**
 * What this source already stores of these candidates (by dedupe key, story link or content), and what
 * another source stores under their story links (a syndicated copy is stored once): one SELECT.
 */
function storedIdentitiesSql(sourceId: number, candidates: ArticleCandidate[]): Prisma.Sql {
  const { keys, urls, hashes, storyUrls } = identityLists(candidates);
  const matches = [
    Prisma.sql`"dedupeKey" IN (${Prisma.join(keys)})`,
    ...(urls.length > 0 ? [Prisma.sql`"normalizedUrl" IN (${Prisma.join(urls)})`] : []),
    ...(hashes.length > 0 ? [Prisma.sql`"contentHash" IN (${Prisma.join(hashes)})`] : []),
  ];
  const own = Prisma.sql`SELECT 0 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
    WHERE "sourceId" = ${sourceId} AND (${Prisma.join(matches, " OR ")})`;
  if (storyUrls.length === 0) return own;
  return Prisma.sql`${own} UNION ALL
    SELECT 1 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
    WHERE "normalizedUrl" IN (${Prisma.join(storyUrls)}) AND "sourceId" <> ${sourceId}`;
}

function toStoredIdentities(rows: IdentityRow[]): StoredIdentities {
  const own = new Map<number, StoredIdentity>();
  const carriedElsewhere = new Set<string>();
  for (const row of rows) {
    if (Number(row.elsewhere) === 1) {
      if (row.normalizedUrl) carriedElsewhere.add(row.normalizedUrl);
    } else {
      // Chunks may find the same row (one chunk by its key, another by its content): keep it once.
      own.set(Number(row.id), { id: Number(row.id), dedupeKey: row.dedupeKey, contentHash: row.contentHash, normalizedUrl: row.normalizedUrl });
    }
  }
  return { own: [...own.values()], carriedElsewhere };
}

/** storedIdentitiesSql for any number of candidates: one statement per chunk. */
async function findStoredIdentities(sourceId: number, candidates: ArticleCandidate[], db: Db): Promise<StoredIdentities> {
  const rows = await queryInChunks(candidates, (chunk) => queryRows<IdentityRow>(db, storedIdentitiesSql(sourceId, chunk)), IDENTITY_PARAMETERS_PER_CANDIDATE);
  return toStoredIdentities(rows);
}

/**
 * Which candidates are new (oldest first) and which stored articles they change. Within the source,
 * identity is the dedupe key; across sources, a story whose link another source already carries is not
 * stored twice.
 */
function sortOut(candidates: ArticleCandidate[], { own: stored, carriedElsewhere }: StoredIdentities): { toInsert: ArticleCandidate[]; changed: { id: number; candidate: ArticleCandidate }[] } {
  const keys = new Set(candidates.map((candidate) => candidate.dedupeKey));
  const existingByKey = new Map(stored.filter((row) => keys.has(row.dedupeKey)).map((row) => [row.dedupeKey, row]));

  // Some feeds mint a new GUID on every fetch. An unmatched entry whose link this source already has is the
  // same story, not a new one. Content is the fallback only for an entry whose link does not identify a
  // story (none, the homepage, a link shared in the batch): an entry with a story link of its own that is
  // new here is a new story, even when its text repeats an earlier one (a daily briefing, say).
  const unmatched = candidates.filter((candidate) => !existingByKey.has(candidate.dedupeKey));
  const identifies = identifyingUrls(unmatched);
  const byUrl = new Map(stored.filter((row) => row.normalizedUrl).map((row) => [row.normalizedUrl as string, row]));
  const byHash = new Map(stored.map((row) => [row.contentHash, row]));
  const sameStory = (candidate: ArticleCandidate): StoredIdentity | undefined =>
    identifies(candidate.normalizedUrl) ? byUrl.get(candidate.normalizedUrl) : byHash.get(candidate.contentHash);

  const fresh: ArticleCandidate[] = [];
  const changed: { id: number; candidate: ArticleCandidate }[] = [];
  const seenIds = new Set<number>();
  for (const candidate of candidates) {
    const match = existingByKey.get(candidate.dedupeKey) ?? sameStory(candidate);
    if (!match) fresh.push(candidate);
    else if (match.contentHash !== candidate.contentHash && !seenIds.has(match.id)) changed.push({ id: match.id, candidate });
    if (match) seenIds.add(match.id);
  }
  const toInsert = fresh
    .filter((candidate) => candidate.normalizedUrl === null || !carriedElsewhere.has(candidate.normalizedUrl))
    .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
  return { toInsert, changed };
}

/**
 * Entries that take the one-statement path at most (a changed feed's few new ones; its arrays have no
 * parameter limit, but this is the size it was measured with). Larger batches go the two-statement way.
 */
const ONE_STATEMENT_MAX_CANDIDATES = 50;

type InsertedOrKnownRow =
  | (InsertedWithSourceRow & { kind: "inserted" })
  | (Pick<IdentityRow, "id" | "dedupeKey" | "elsewhere" | "contentHash" | "normalizedUrl"> & { kind: "known" });

/**
 * The common case on PostgreSQL (a changed feed's few new entries), in one round trip instead of two: finds
 * what is stored of the candidates (as storedIdentitiesSql does), and inserts, in order and under the order
 * lock (as insertInOrderInOneStatement), those that match none of it: no article of this source with their
 * dedupe key, link or content, and none of another source with their link. Such an entry is new by every rule
 * of sortOut, so nothing is inserted that the two-statement path would not insert; sortOut then decides the
 * rest from the identities returned, as on that path (an entry with a new story link whose content repeats an
 * older one is new too, and is inserted after). With 10,000 sources, a thousand statements fewer per polling
 * round.
 *
 * The entries and the identities looked for travel as one array per column, so the text is the same for any
 * number of entries and is prepared once per connection (queryRows' `prepared`).
 */
async function insertUnmatchedInOneStatement(
  sourceId: number,
  candidates: ArticleCandidate[],
  ingestedAt: Date,
  db: Db,
): Promise<{ rows: InsertedWithSourceRow[]; identities: StoredIdentities }> {
  const byPublication = [...candidates].sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
  const rows = byPublication.map((candidate) => articleRow(sourceId, candidate, ingestedAt));
  const columnArrays = ARTICLE_INSERT_COLUMNS.map(
    (column) => Prisma.sql`CAST(${rows.map((row) => row[column])} AS ${Prisma.raw(ARTICLE_INSERT_TYPES[column])}[])`,
  );
  const identities = identityLists(candidates);
  const result = await queryRows<InsertedOrKnownRow>(
    db,
    // The lock comes first in the text (not in the order of execution: a CTE runs when first read) so that
    // pg_stat_activity, which keeps the first kilobyte of a statement, shows what an insert waits for.
    Prisma.sql`WITH ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(${Prisma.raw(String(ARTICLE_ORDER_LOCK))})),
    entry AS (
      SELECT * FROM unnest(${Prisma.join(columnArrays)}) WITH ORDINALITY AS e(${Prisma.raw(quotedColumns(""))}, "position")
    ),
    known AS MATERIALIZED (
      SELECT 0 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
      WHERE "sourceId" = ${sourceId} AND ("dedupeKey" = ANY(CAST(${identities.keys} AS TEXT[])) OR "normalizedUrl" = ANY(CAST(${identities.urls} AS TEXT[]))
        OR "contentHash" = ANY(CAST(${identities.hashes} AS TEXT[])))
      UNION ALL
      SELECT 1 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
      WHERE "normalizedUrl" = ANY(CAST(${identities.storyUrls} AS TEXT[])) AND "sourceId" <> ${sourceId}
    ),
    inserted AS (
      INSERT INTO "Article" (${Prisma.raw(quotedColumns(""))})
      SELECT ${Prisma.raw(quotedColumns("entry."))} FROM ordered CROSS JOIN entry
      WHERE NOT EXISTS (SELECT 1 FROM known WHERE known."dedupeKey" = entry."dedupeKey" OR known."normalizedUrl" = entry."normalizedUrl" OR known."contentHash" = entry."contentHash")
      ORDER BY entry."position"
      ON CONFLICT ("sourceId", "dedupeKey") DO NOTHING ${RETURNED_COLUMNS}
    ),
    woken AS (SELECT pg_notify(${NEW_ARTICLES_CHANNEL}, MAX("id")::text) FROM inserted HAVING COUNT(*) > 0)
    SELECT 'inserted' AS "kind", inserted."id", inserted."dedupeKey", inserted."slug", inserted."title", inserted."url", inserted."summary", inserted."imageUrl", inserted."publishedAt",
      s."slug" AS "sourceSlug", s."name" AS "sourceName", s."siteUrl" AS "sourceSiteUrl", s."category" AS "sourceCategory",
      NULL::INTEGER AS "elsewhere", NULL::TEXT AS "contentHash", NULL::TEXT AS "normalizedUrl"
    FROM inserted JOIN "Source" s ON s."id" = ${sourceId} LEFT JOIN woken ON TRUE
    UNION ALL
    SELECT 'known', known."id", known."dedupeKey", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, known."elsewhere", known."contentHash", known."normalizedUrl" FROM known`,
    { prepared: true },
  );
  const inserted: InsertedWithSourceRow[] = [];
  const known: IdentityRow[] = [];
  for (const row of result) {
    if (row.kind === "inserted") inserted.push(row);
    else known.push(row);
  }
  return { rows: inserted, identities: toStoredIdentities(known) };
}

/** The source fields an Article carries. */
async function findArticleSource(sourceId: number, db: Db): Promise<ArticleListRow["source"]> {
  const [row] = await db.$queryRaw<(Omit<ArticleListRow["source"], "id"> & { id: number | bigint })[]>`SELECT "id", "slug", "name", "siteUrl", "category" FROM "Source" WHERE "id" = ${sourceId}`;
  if (!row) throw new Error(`source ${sourceId} does not exist`);
  return { ...row, id: Number(row.id) };
}

function sourceOfRow(sourceId: number, row: InsertedWithSourceRow): ArticleListRow["source"] {
  return { id: sourceId, slug: row.sourceSlug, name: row.sourceName, siteUrl: row.sourceSiteUrl, category: row.sourceCategory };
}

/**
 * Stores what is new in one source's batch (see sortOut for what counts as new), and updates in place the
 * stored articles whose content changed. New rows are inserted oldest first so that the ingestion sequence
 * follows publication order.
 */
export async function insertNewArticles(
  sourceId: number,
  candidates: ArticleCandidate[],
  ingestedAt: Date = new Date(),
  db: Db = getDb(),
): Promise<InsertResult> {
  if (candidates.length === 0) return { inserted: [], updated: 0, unchanged: 0 };

  const oneStatement =
    dbKind(db) === "postgresql" && candidates.length <= ONE_STATEMENT_MAX_CANDIDATES && candidates.reduce((sum, candidate) => sum + textChars(candidate), 0) <= TEXT_PER_STATEMENT;
  const first = oneStatement ? await insertUnmatchedInOneStatement(sourceId, candidates, ingestedAt, db) : { rows: [], identities: await findStoredIdentities(sourceId, candidates, db) };
  const { toInsert, changed } = sortOut(candidates, first.identities);

  if (changed.length > 0) {
    // One statement per article; on SQLite, a very large feed's changes commit in parts (see runArticleWrites).
    const batches = chunkedByText(changed, 1, ({ candidate }) => textChars(candidate), TEXT_PER_STATEMENT);
    await runArticleWrites(
      db,
      batches.map((batch) => batch.map(({ id, candidate }) => () => db.article.update({ where: { id }, data: editableFields(candidate) }))),
      changed.reduce((sum, { candidate }) => sum + textChars(candidate), 0),
    );
  }
  // What is new but was not inserted yet: everything, or after the one-statement insert, the entries new by a
  // finer rule (and any a concurrent check stored meanwhile, which the insert skips).
  const insertedKeys = new Set(first.rows.map((row) => row.dedupeKey));
  const rest = await insertArticleRows(sourceId, toInsert.filter((candidate) => !insertedKeys.has(candidate.dedupeKey)), ingestedAt, db);
  const inserted = [...toInsertedRows(first.rows), ...rest.rows];
  const source =
    inserted.length === 0 ? null : first.rows.length > 0 ? sourceOfRow(sourceId, first.rows[0]) : (rest.source ?? (await findArticleSource(sourceId, db)));

  return {
    inserted: inserted.sort((a, b) => a.id - b.id).map((row) => toArticle({ ...row, source: source! })),
    updated: changed.length,
    unchanged: candidates.length - inserted.length - changed.length,
  };
}
