// Sources repository: adding and removing sources, and listing them with their health. Not the only code on
// the Source table: lib/db/source-checks.ts claims sources for checks and records what each check found,
// lib/db/websub.ts keeps the WebSub subscription columns, and lib/db/articles.ts (and article-writes.ts), lib/db/stories.ts and
// lib/db/search.ts join it for the source of each article they return (its name and slug) or filter by (its
// slug or category).
import { Prisma } from "./generated/sqlite/client";
import { dbKind, getDb, type Db } from "./client";
import type { SourceHealth } from "../domain/article";
import type { SourceKey } from "../domain/source-cursor";

export type NewSource = { slug: string; name: string; feedUrl: string; siteUrl?: string | null; category: string; pollIntervalSeconds: number };

export async function insertSource(source: NewSource, db: Db = getDb()): Promise<SourceHealth> {
  const row = await db.source.create({
    data: { ...source, siteUrl: source.siteUrl ?? null, nextCheckAt: new Date() },
    select: sourceHealthSelect,
  });
  return toSourceHealth(row);
}

export async function countSources(db: Db = getDb()): Promise<number> {
  return db.source.count();
}

export async function findSourceIdByFeedUrl(feedUrl: string, db: Db = getDb()): Promise<number | null> {
  const row = await db.source.findUnique({ where: { feedUrl }, select: { id: true } });
  return row?.id ?? null;
}

export async function isSourceSlugTaken(slug: string, db: Db = getDb()): Promise<boolean> {
  return (await db.source.count({ where: { slug } })) > 0;
}

export async function deleteSource(sourceId: number, db: Db = getDb()): Promise<boolean> {
  const { count } = await db.source.deleteMany({ where: { id: sourceId } });
  return count === 1;
}

const sourceHealthSelect = {
  id: true,
  slug: true,
  name: true,
  feedUrl: true,
  siteUrl: true,
  category: true,
  lastFetchedAt: true,
  lastSuccessAt: true,
  lastError: true,
  errorCount: true,
  nextCheckAt: true,
  _count: { select: { articles: true } },
} satisfies Prisma.SourceSelect;

type SourceHealthRow = Prisma.SourceGetPayload<{ select: typeof sourceHealthSelect }>;

function toSourceHealth(row: SourceHealthRow, newestArticleAt: Date | null = null): SourceHealth {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    url: row.feedUrl,
    siteUrl: row.siteUrl,
    category: row.category,
    lastFetchedAt: row.lastFetchedAt?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastError: row.lastError,
    errorCount: row.errorCount,
    articleCount: row._count.articles,
    nextCheckAt: row.nextCheckAt.toISOString(),
    newestArticleAt: newestArticleAt?.toISOString() ?? null,
  };
}

/**
 * Health columns plus two per-source aggregates as correlated subqueries. Each reads only its own source's
 * articles through the (sourceId, …) indexes, so a page of 100 sources costs about the same at 100 or at
 * 100,000 articles. Prisma's `_count` instead joins a count grouped over the whole Article table, and a
 * groupBy for the newest article of a 1,000-source page exceeds SQLite's 999 bound parameters.
 */
const SOURCE_HEALTH_COLUMNS = Prisma.sql`s."id", s."slug", s."name", s."feedUrl", s."siteUrl", s."category", s."lastFetchedAt",
    s."lastSuccessAt", s."lastError", s."errorCount", s."nextCheckAt",
    (SELECT COUNT(*) FROM "Article" a WHERE a."sourceId" = s."id") AS "articleCount",
    (SELECT MAX(a."publishedAt") FROM "Article" a WHERE a."sourceId" = s."id") AS "newestArticleAt"`;
const SOURCE_HEALTH_SQL = Prisma.sql`SELECT ${SOURCE_HEALTH_COLUMNS} FROM "Source" s`;

/** Raw rows differ by engine: SQLite gives counts as bigint and MAX() of a date as text, PostgreSQL gives Dates. */
type RawDate = Date | string | number | null;
type SourceHealthRawRow = {
  id: number | bigint;
  slug: string;
  name: string;
  feedUrl: string;
  siteUrl: string | null;
  category: string;
  lastFetchedAt: RawDate;
  lastSuccessAt: RawDate;
  lastError: string | null;
  errorCount: number | bigint;
  nextCheckAt: RawDate;
  articleCount: number | bigint;
  newestArticleAt: RawDate;
};

function isoOrNull(value: RawDate | bigint): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(typeof value === "bigint" ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function fromHealthRow(row: SourceHealthRawRow): SourceHealth {
  return {
    id: Number(row.id),
    slug: row.slug,
    name: row.name,
    url: row.feedUrl,
    siteUrl: row.siteUrl,
    category: row.category,
    lastFetchedAt: isoOrNull(row.lastFetchedAt),
    lastSuccessAt: isoOrNull(row.lastSuccessAt),
    lastError: row.lastError,
    errorCount: Number(row.errorCount),
    articleCount: Number(row.articleCount),
    nextCheckAt: isoOrNull(row.nextCheckAt) ?? new Date(0).toISOString(),
    newestArticleAt: isoOrNull(row.newestArticleAt),
  };
}

/** Every source with its health, by name. For the admin page, category pages and the sitemap. */
export async function listSourcesWithHealth(db: Db = getDb()): Promise<SourceHealth[]> {
  const rows = await db.$queryRaw<SourceHealthRawRow[]>`${SOURCE_HEALTH_SQL} ORDER BY s."name", s."id"`;
  return rows.map(fromHealthRow);
}

export type SourcePageQuery = {
  /** Which keyset: by id (the API), or by name then id (the /sources page). */
  order: SourceKey["order"];
  /** Rows strictly after this key, ascending. */
  after?: SourceKey;
  /** Rows strictly before this key (the previous page), returned ascending. */
  before?: SourceKey;
  limit: number;
};

/**
 * One page of sources with their health, by keyset: a row-value comparison on the order's columns, so a
 * deep page costs what the first one does (no OFFSET). Ask for limit + 1 to learn whether another page
 * follows.
 */
export async function listSourceHealthPage(query: SourcePageQuery, db: Db = getDb()): Promise<SourceHealth[]> {
  const rows = (await db.$queryRaw<SourceHealthRawRow[]>(sourcePageStatement(query))).map(fromHealthRow);
  return query.after === undefined && query.before !== undefined ? rows.reverse() : rows;
}

/** The statement behind listSourceHealthPage (exported for the test that checks its query plan). */
export function sourcePageStatement(query: SourcePageQuery): Prisma.Sql {
  const key = query.after ?? query.before;
  if (key && key.order !== query.order) throw new Error(`a ${key.order} key cannot page in ${query.order} order`);
  const descending = query.after === undefined && query.before !== undefined;
  const comparison = Prisma.raw(descending ? "<" : ">");
  let where = Prisma.empty;
  if (key?.order === "id") where = Prisma.sql`WHERE s."id" ${comparison} ${key.id}`;
  else if (key?.order === "name") where = Prisma.sql`WHERE (s."name", s."id") ${comparison} (${key.name}, ${key.id})`;
  const direction = descending ? "DESC" : "ASC";
  const orderBy = Prisma.raw(query.order === "id" ? `s."id" ${direction}` : `s."name" ${direction}, s."id" ${direction}`);
  // The page's ids first (an index range: Source_name_id_idx or the primary key), then their columns and
  // aggregates: SQLite computes a row's subqueries before it sorts, so selecting them in the sorting query
  // would count articles for every source, not for one page.
  return Prisma.sql`SELECT ${SOURCE_HEALTH_COLUMNS}
    FROM (SELECT s."id" FROM "Source" s ${where} ORDER BY ${orderBy} LIMIT ${query.limit}) page
    JOIN "Source" s ON s."id" = page."id"
    ORDER BY ${orderBy}`;
}

/** sourceStatus's "failing": a non-empty last error, or failed checks counted since the last success. */
const FAILING_SQL = Prisma.sql`(COALESCE("lastError", '') <> '' OR "errorCount" > 0)`;

export type SourceSummary = { total: number; failing: number; pending: number };

/**
 * How many sources there are and how many are failing or not checked yet, in one aggregate query (no rows
 * loaded). "Failing" and "pending" mean what sourceStatus (components/articles/source-health.ts) shows.
 */
export async function summarizeSources(db: Db = getDb()): Promise<SourceSummary> {
  const [row] = await db.$queryRaw<{ total: number | bigint; failing: number | bigint | null; pending: number | bigint | null }[]>`SELECT COUNT(*) AS "total",
       COUNT(CASE WHEN ${FAILING_SQL} THEN 1 END) AS "failing",
       COUNT(CASE WHEN NOT (${FAILING_SQL}) AND "lastFetchedAt" IS NULL THEN 1 END) AS "pending"
     FROM "Source"`;
  return { total: Number(row?.total ?? 0), failing: Number(row?.failing ?? 0), pending: Number(row?.pending ?? 0) };
}

/** What an OPML export needs of a source. */
export type SourceForExport = { id: number; name: string; feedUrl: string; siteUrl: string | null; category: string };

/**
 * One batch of sources for an export, ordered by category then id and continuing after `after`: the
 * category index serves the order, so walking every source is one pass and arrives grouped by category.
 */
export async function listSourcesForExport(after: { category: string; id: number } | null, limit: number, db: Db = getDb()): Promise<SourceForExport[]> {
  const where = after ? Prisma.sql`WHERE ("category", "id") > (${after.category}, ${after.id})` : Prisma.empty;
  const rows = await db.$queryRaw<(Omit<SourceForExport, "id"> & { id: number | bigint })[]>`SELECT "id", "name", "feedUrl", "siteUrl", "category" FROM "Source" ${where} ORDER BY "category", "id" LIMIT ${limit}`;
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

export async function findSourceHealthBySlug(slug: string, db: Db = getDb()): Promise<SourceHealth | null> {
  const rows = await db.$queryRaw<SourceHealthRawRow[]>`${SOURCE_HEALTH_SQL} WHERE s."slug" = ${slug}`;
  return rows.length === 0 ? null : fromHealthRow(rows[0]);
}

export async function findSourceHealthById(id: number, db: Db = getDb()): Promise<SourceHealth | null> {
  const rows = await db.$queryRaw<SourceHealthRawRow[]>`${SOURCE_HEALTH_SQL} WHERE s."id" = ${id}`;
  return rows.length === 0 ? null : fromHealthRow(rows[0]);
}

export async function listCategories(db: Db = getDb()): Promise<{ slug: string; sourceCount: number }[]> {
  const groups = await db.source.groupBy({ by: ["category"], _count: { _all: true }, orderBy: { category: "asc" } });
  return groups.map((group) => ({ slug: group.category, sourceCount: group._count._all }));
}

/** Creates the source, or points the one with this slug at `feedUrl` (the demo feed's port can change). */
export async function upsertSourceBySlug(source: NewSource, db: Db = getDb()): Promise<number> {
  const row = await db.source.upsert({
    where: { slug: source.slug },
    create: { ...source, siteUrl: source.siteUrl ?? null, nextCheckAt: new Date() },
    update: { feedUrl: source.feedUrl, siteUrl: source.siteUrl ?? null, etag: null, lastModified: null, nextCheckAt: new Date() },
    select: { id: true },
  });
  return row.id;
}

/** Notified when sources are added, removed or imported, so every instance drops pages that list them. */
export const SOURCES_CHANNEL = "newswire_sources";

/** Tells the other instances (PostgreSQL) that sources changed; SQLite has no others to tell. */
export async function notifySourcesChanged(db: Db = getDb()): Promise<void> {
  if (dbKind(db) !== "postgresql") return;
  await db.$executeRaw`SELECT pg_notify(${SOURCES_CHANNEL}, '')`;
}
