// Articles repository, the reading side: articles for pages, the API and live delivery. Storing feed entries
// (deciding which are new, which changed, which another source already carries) is lib/db/article-writes.ts.
// Other repositories touch the Article table too: lib/db/stories.ts assigns stories, lib/db/search.ts and
// lib/db/seo.ts read it, and lib/db/sources.ts counts a source's articles.
import { Prisma } from "./generated/sqlite/client";
import { getDb, type Db } from "./client";
import { articlePath, type Article, type ArticleDetail } from "../domain/article";
import { encodeCursor } from "../domain/cursor";
import { searchArticleIdsNewestFirst, searchArticleIdsRanked } from "./search";
import { queryInChunks } from "./chunks";
import { queryRows } from "./direct-sql";

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

export type ArticleListRow = Prisma.ArticleGetPayload<{ select: typeof articleListSelect }>;

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
  const rows = await queryRows<ArticleListSqlRow>(
    db,
    Prisma.sql`SELECT ${ARTICLE_LIST_SQL_COLUMNS}
    FROM "Article" a JOIN "Source" s ON s."id" = a."sourceId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY a."id" ASC LIMIT ${options.limit}`,
    // At most eight texts: an upper bound, a source and a category, each there or not.
    { prepared: true },
  );
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
