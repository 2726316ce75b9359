// Articles repository: stores feed entries (deciding which are new, which changed, which another source
// already carries) and reads them back for pages, the API and live delivery. Other repositories touch the
// Article table too: lib/db/stories.ts assigns stories, lib/db/search.ts and lib/db/seo.ts read it, and
// lib/db/sources.ts counts a source's articles.
import { Prisma } from "./generated/sqlite/client";
import { dbKind, getDb, type Db } from "./client";
import { articlePath, type Article, type ArticleDetail } from "../domain/article";
import type { ArticleCandidate } from "../domain/feed";
import { encodeCursor } from "../domain/cursor";
import { articleSlug } from "../domain/slug";
import { searchArticleIdsNewestFirst, searchArticleIdsRanked } from "./search";
import { chunkedByText, queryInChunks } from "./chunks";

export const articleListSelect = {
  id: true,
  slug: true,
  title: true,
  url: true,
  summary: true,
  imageUrl: true,
  publishedAt: true,
  source: { select: { id: true, slug: true, name: true, siteUrl: true, category: true } },
} satisfies Prisma.ArticleSelect;

type ArticleListRow = Prisma.ArticleGetPayload<{ select: typeof articleListSelect }>;

const ARTICLE_INSERT_COLUMNS = ["sourceId", "dedupeKey", "slug", "title", "url", "normalizedUrl", "summary", "contentHtml", "contentHash", "imageUrl", "author", "publishedAt", "updatedAt", "ingestedAt"] as const;
type InsertedRow = Omit<ArticleListRow, "source" | "publishedAt" | "id"> & { id: number | bigint; publishedAt: Date | string };
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

const RETURNED_COLUMNS = Prisma.sql`RETURNING "id", "slug", "title", "url", "summary", "imageUrl", "publishedAt"`;

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
  const columns = Prisma.raw(ARTICLE_INSERT_COLUMNS.map((column) => `"${column}"`).join(", "));
  const chunks = chunkedByText(candidates, ARTICLE_INSERT_COLUMNS.length, textChars, TEXT_PER_STATEMENT).map((chunk) =>
    chunk.map((candidate) => {
      const row = {
        sourceId,
        dedupeKey: candidate.dedupeKey,
        slug: articleSlug(candidate.title, sourceId, candidate.dedupeKey),
        ...editableFields(candidate),
        publishedAt: candidate.publishedAt,
        ingestedAt,
      } satisfies Record<(typeof ARTICLE_INSERT_COLUMNS)[number], unknown>;
      return Prisma.sql`(${Prisma.join(ARTICLE_INSERT_COLUMNS.map((column) => (postgres ? Prisma.sql`CAST(${row[column]} AS ${Prisma.raw(ARTICLE_INSERT_TYPES[column])})` : row[column])))})`;
    }),
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
    if (rows.length > 0) source = { id: sourceId, slug: rows[0].sourceSlug, name: rows[0].sourceName, siteUrl: rows[0].sourceSiteUrl, category: rows[0].sourceCategory };
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
  const rows = inserted.flat().map((row) => ({ id: Number(row.id), slug: row.slug, title: row.title, url: row.url, summary: row.summary, imageUrl: row.imageUrl, publishedAt: new Date(row.publishedAt) }));
  return { rows, source };
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
  return db.$queryRaw<InsertedWithSourceRow[]>`WITH ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(${Prisma.raw(String(ARTICLE_ORDER_LOCK))})),
    inserted AS (
      INSERT INTO "Article" (${columns})
      SELECT entry.* FROM ordered CROSS JOIN (VALUES ${Prisma.join(tuples)}) AS entry
      ON CONFLICT ("sourceId", "dedupeKey") DO NOTHING ${RETURNED_COLUMNS}
    ),
    woken AS (SELECT pg_notify(${NEW_ARTICLES_CHANNEL}, MAX("id")::text) FROM inserted HAVING COUNT(*) > 0)
    SELECT inserted.*, s."slug" AS "sourceSlug", s."name" AS "sourceName", s."siteUrl" AS "sourceSiteUrl", s."category" AS "sourceCategory"
    FROM inserted JOIN "Source" s ON s."id" = ${sourceId} LEFT JOIN woken ON TRUE`;
}

/** An article list row as a raw statement returns it: the source's columns flattened beside the article's. */
export type ArticleListSqlRow = {
  id: number | bigint;
  slug: string;
  title: string;
  url: string;
  summary: string;
  imageUrl: string | null;
  publishedAt: Date | string;
  sourceId: number | bigint;
  sourceSlug: string;
  sourceName: string;
  sourceSiteUrl: string | null;
  sourceCategory: string;
};

/** The SELECT list of ArticleListSqlRow, for `a` (Article) joined with `s` (Source). */
export const ARTICLE_LIST_SQL_COLUMNS = Prisma.sql`a."id", a."slug", a."title", a."url", a."summary", a."imageUrl", a."publishedAt",
  s."id" AS "sourceId", s."slug" AS "sourceSlug", s."name" AS "sourceName", s."siteUrl" AS "sourceSiteUrl", s."category" AS "sourceCategory"`;

export function fromArticleListSql(row: ArticleListSqlRow): ArticleListRow {
  return {
    id: Number(row.id),
    slug: row.slug,
    title: row.title,
    url: row.url,
    summary: row.summary,
    imageUrl: row.imageUrl,
    publishedAt: new Date(row.publishedAt),
    source: { id: Number(row.sourceId), slug: row.sourceSlug, name: row.sourceName, siteUrl: row.sourceSiteUrl, category: row.sourceCategory },
  };
}

export function toArticle(row: ArticleListRow): Article {
  return {
    id: row.id,
    cursor: encodeCursor(row.id),
    slug: row.slug,
    path: articlePath(row.slug),
    title: row.title,
    url: row.url,
    summary: row.summary,
    imageUrl: row.imageUrl,
    publishedAt: row.publishedAt.toISOString(),
    source: { id: row.source.id, slug: row.source.slug, name: row.source.name, siteUrl: row.source.siteUrl },
    category: row.source.category,
  };
}

export type ArticleFilter = {
  sourceSlug?: string;
  category?: string;
  /** Plain words to look for in titles and summaries. */
  search?: string;
};

function whereFor(filter: ArticleFilter): Prisma.ArticleWhereInput {
  const where: Prisma.ArticleWhereInput = {};
  const sourceWhere: Prisma.SourceWhereInput = {};
  if (filter.sourceSlug) sourceWhere.slug = filter.sourceSlug;
  if (filter.category) sourceWhere.category = filter.category;
  if (Object.keys(sourceWhere).length > 0) where.source = sourceWhere;
  return where;
}

/** Newest first (by ingestion sequence); `beforeSequence` pages back in time. */
export async function listArticles(
  options: ArticleFilter & { limit: number; beforeSequence?: number },
  db: Db = getDb(),
): Promise<{ articles: Article[]; nextCursor: string | null }> {
  const rows = options.search
    ? await findByIds(
        await searchArticleIdsNewestFirst(options.search, { ...options, limit: options.limit + 1, beforeId: options.beforeSequence }, db),
        db,
      )
    : await db.article.findMany({
        where: { ...whereFor(options), ...(options.beforeSequence !== undefined ? { id: { lt: options.beforeSequence } } : {}) },
        select: articleListSelect,
        orderBy: { id: "desc" },
        take: options.limit + 1,
      });
  const page = rows.slice(0, options.limit).map(toArticle);
  const hasMore = rows.length > options.limit;
  return { articles: page, nextCursor: hasMore && page.length > 0 ? page[page.length - 1].cursor : null };
}

/** The rows for `ids`, in the order of `ids`. */
async function findByIds(ids: number[], db: Db): Promise<ArticleListRow[]> {
  if (ids.length === 0) return [];
  const rows = await queryInChunks(ids, (chunk) => db.article.findMany({ where: { id: { in: chunk } }, select: articleListSelect }));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is ArticleListRow => row !== undefined);
}

/** Full-text search, best match first, for the search page. */
export async function searchArticles(query: string, options: { limit: number; offset: number; sourceSlug?: string; category?: string }, db: Db = getDb()): Promise<Article[]> {
  return (await findByIds(await searchArticleIdsRanked(query, options, db), db)).map(toArticle);
}

/**
 * What was ingested after `afterSequence` (up to `upToSequence`), oldest first: what a reconnecting reader
 * missed, and what every instance's live feed reads each time articles are stored (hundreds of times a
 * minute while feeds are busy), hence one statement with its join rather than two ORM queries.
 */
export async function listArticlesAfter(
  afterSequence: number,
  options: ArticleFilter & { limit: number; upToSequence?: number },
  db: Db = getDb(),
): Promise<Article[]> {
  const conditions = [Prisma.sql`a."id" > ${afterSequence}`];
  if (options.upToSequence !== undefined) conditions.push(Prisma.sql`a."id" <= ${options.upToSequence}`);
  if (options.sourceSlug) conditions.push(Prisma.sql`s."slug" = ${options.sourceSlug}`);
  if (options.category) conditions.push(Prisma.sql`s."category" = ${options.category}`);
  const rows = await db.$queryRaw<ArticleListSqlRow[]>`SELECT ${ARTICLE_LIST_SQL_COLUMNS}
    FROM "Article" a JOIN "Source" s ON s."id" = a."sourceId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY a."id" ASC LIMIT ${options.limit}`;
  return rows.map((row) => toArticle(fromArticleListSql(row)));
}

export async function findLatestSequence(db: Db = getDb()): Promise<number> {
  const row = await db.article.findFirst({ select: { id: true }, orderBy: { id: "desc" } });
  return row?.id ?? 0;
}

export async function findArticleBySlug(slug: string, db: Db = getDb()): Promise<ArticleDetail | null> {
  const row = await db.article.findUnique({
    where: { slug },
    select: { ...articleListSelect, contentHtml: true, author: true, updatedAt: true, ingestedAt: true, storyId: true },
  });
  if (!row) return null;
  return {
    ...toArticle(row),
    contentHtml: row.contentHtml,
    author: row.author,
    updatedAt: row.updatedAt.toISOString(),
    ingestedAt: row.ingestedAt.toISOString(),
    storyId: row.storyId,
  };
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

/** A link shared by several entries of one batch (a section page, say) identifies none of them. */
function identifyingUrls(candidates: ArticleCandidate[]): (url: string | null) => url is string {
  const urlCounts = new Map<string, number>();
  for (const { normalizedUrl } of candidates) if (normalizedUrl) urlCounts.set(normalizedUrl, (urlCounts.get(normalizedUrl) ?? 0) + 1);
  return (url: string | null): url is string => isStoryUrl(url) && urlCounts.get(url) === 1;
}

/**
 * Everything this source already has that a candidate could be: same dedupe key, same story link or same
 * content: one query for both identity rules (3.2 ms for a 25-item feed, against 4.0 ms for two). Large
 * feeds take one query per chunk of candidates, each binding up to three values per candidate.
 */
/**
 * What this source already stores of these candidates (by dedupe key, story link or content), and which of
 * their story links another source already carries (a syndicated copy is stored once): one statement per
 * chunk, since it runs for every feed that changed.
 */
async function findStoredIdentities(sourceId: number, candidates: ArticleCandidate[], db: Db): Promise<{ own: StoredIdentity[]; carriedElsewhere: Set<string> }> {
  const identifies = identifyingUrls(candidates);
  type Row = Omit<StoredIdentity, "id"> & { id: number | bigint; elsewhere: number | bigint };
  const rows = await queryInChunks(
    candidates,
    (chunk) => {
      const keys = [...new Set(chunk.map((candidate) => candidate.dedupeKey))];
      const urls = [...new Set(chunk.map((candidate) => candidate.normalizedUrl).filter(identifies))];
      const hashes = [...new Set(chunk.map((candidate) => candidate.contentHash).filter(Boolean))];
      const storyUrls = [...new Set(chunk.map((candidate) => candidate.normalizedUrl).filter(isStoryUrl))];
      const matches = [
        Prisma.sql`"dedupeKey" IN (${Prisma.join(keys)})`,
        ...(urls.length > 0 ? [Prisma.sql`"normalizedUrl" IN (${Prisma.join(urls)})`] : []),
        ...(hashes.length > 0 ? [Prisma.sql`"contentHash" IN (${Prisma.join(hashes)})`] : []),
      ];
      const own = Prisma.sql`SELECT 0 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
        WHERE "sourceId" = ${sourceId} AND (${Prisma.join(matches, " OR ")})`;
      if (storyUrls.length === 0) return db.$queryRaw<Row[]>(own);
      return db.$queryRaw<Row[]>`${own} UNION ALL
        SELECT 1 AS "elsewhere", "id", "dedupeKey", "contentHash", "normalizedUrl" FROM "Article"
        WHERE "normalizedUrl" IN (${Prisma.join(storyUrls)}) AND "sourceId" <> ${sourceId}`;
    },
    // Per candidate: its key, its link twice (here and elsewhere) and its content hash.
    4,
  );
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

/** The source fields an Article carries. */
async function findArticleSource(sourceId: number, db: Db): Promise<ArticleListRow["source"]> {
  const [row] = await db.$queryRaw<(Omit<ArticleListRow["source"], "id"> & { id: number | bigint })[]>`SELECT "id", "slug", "name", "siteUrl", "category" FROM "Source" WHERE "id" = ${sourceId}`;
  if (!row) throw new Error(`source ${sourceId} does not exist`);
  return { ...row, id: Number(row.id) };
}

/**
 * Stores what is new in one source's batch. Within the source, identity is the dedupe key; across
 * sources, a story whose normalized URL another source already carries is not stored twice.
 * New rows are inserted oldest first so that the ingestion sequence follows publication order.
 */
export async function insertNewArticles(
  sourceId: number,
  candidates: ArticleCandidate[],
  ingestedAt: Date = new Date(),
  db: Db = getDb(),
): Promise<InsertResult> {
  if (candidates.length === 0) return { inserted: [], updated: 0, unchanged: 0 };

  const { own: stored, carriedElsewhere } = await findStoredIdentities(sourceId, candidates, db);
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
    const stored = existingByKey.get(candidate.dedupeKey) ?? sameStory(candidate);
    if (!stored) fresh.push(candidate);
    else if (stored.contentHash !== candidate.contentHash && !seenIds.has(stored.id)) changed.push({ id: stored.id, candidate });
    if (stored) seenIds.add(stored.id);
  }

  const toInsert = fresh
    .filter((candidate) => candidate.normalizedUrl === null || !carriedElsewhere.has(candidate.normalizedUrl))
    .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());

  if (changed.length > 0) {
    // One statement per article; on SQLite, a very large feed's changes commit in parts (see runArticleWrites).
    const batches = chunkedByText(changed, 1, ({ candidate }) => textChars(candidate), TEXT_PER_STATEMENT);
    await runArticleWrites(
      db,
      batches.map((batch) => batch.map(({ id, candidate }) => () => db.article.update({ where: { id }, data: editableFields(candidate) }))),
      changed.reduce((sum, { candidate }) => sum + textChars(candidate), 0),
    );
  }
  const { rows: inserted, source: readWithRows } = await insertArticleRows(sourceId, toInsert, ingestedAt, db);
  const source = inserted.length === 0 ? null : (readWithRows ?? (await findArticleSource(sourceId, db)));

  return {
    inserted: inserted.sort((a, b) => a.id - b.id).map((row) => toArticle({ ...row, source: source! })),
    updated: changed.length,
    unchanged: candidates.length - inserted.length - changed.length,
  };
}
