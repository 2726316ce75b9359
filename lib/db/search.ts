// Full-text search through the ArticleSearch FTS5 table (prisma/migrations/…_article_search).
import { getDb, type Db } from "./client";
import { toFtsQuery } from "../domain/search-query";

export type SearchFilter = { sourceSlug?: string; category?: string };

function filterSql(filter: SearchFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.sourceSlug) {
    clauses.push(`src."slug" = ?`);
    params.push(filter.sourceSlug);
  }
  if (filter.category) {
    clauses.push(`src."category" = ?`);
    params.push(filter.category);
  }
  return { sql: clauses.map((clause) => ` AND ${clause}`).join(""), params };
}

/** Ids of matching articles, newest first, older than `beforeId` when given (cursor pagination). */
export async function searchArticleIdsNewestFirst(
  query: string,
  options: SearchFilter & { limit: number; beforeId?: number },
  db: Db = getDb(),
): Promise<number[]> {
  const match = toFtsQuery(query);
  if (!match) return [];
  const filter = filterSql(options);
  const rows = await db.$queryRawUnsafe<{ id: number | bigint }[]>(
    `SELECT a."id" AS id FROM "ArticleSearch" s
       JOIN "Article" a ON a."id" = s.rowid
       JOIN "Source" src ON src."id" = a."sourceId"
     WHERE "ArticleSearch" MATCH ?${options.beforeId !== undefined ? ` AND a."id" < ?` : ""}${filter.sql}
     ORDER BY a."id" DESC LIMIT ?`,
    match,
    ...(options.beforeId !== undefined ? [options.beforeId] : []),
    ...filter.params,
    options.limit,
  );
  return rows.map((row) => Number(row.id));
}

/** Ids of matching articles, best match first (BM25, titles weighted above summaries). */
export async function searchArticleIdsRanked(query: string, options: SearchFilter & { limit: number; offset: number }, db: Db = getDb()): Promise<number[]> {
  const match = toFtsQuery(query);
  if (!match) return [];
  const filter = filterSql(options);
  const rows = await db.$queryRawUnsafe<{ id: number | bigint }[]>(
    `SELECT a."id" AS id FROM "ArticleSearch" s
       JOIN "Article" a ON a."id" = s.rowid
       JOIN "Source" src ON src."id" = a."sourceId"
     WHERE "ArticleSearch" MATCH ?${filter.sql}
     ORDER BY bm25("ArticleSearch", 3.0, 1.0), a."id" DESC LIMIT ? OFFSET ?`,
    match,
    ...filter.params,
    options.limit,
    options.offset,
  );
  return rows.map((row) => Number(row.id));
}
