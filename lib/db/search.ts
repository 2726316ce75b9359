// Full-text search over titles and summaries. SQLite: the ArticleSearch FTS5 table
// (prisma/migrations/…_article_search). PostgreSQL: the generated "searchVector" column with its GIN index
// (prisma/postgresql/migrations/…_article_search). Both take the same words and return the same ids.
import { Prisma } from "./generated/sqlite/client";
import { getDb, dbKind, type Db } from "./client";
import { searchTerms, toFtsQuery } from "../domain/search-query";

export type SearchFilter = { sourceSlug?: string; category?: string };

/**
 * What a reader typed as a PostgreSQL tsquery, mirroring toFtsQuery: every word quoted (operators in the
 * input stay words), all words required, the last one a prefix when it has two characters or more.
 * Null when nothing searchable is left. The SQL folds accents of this text as it does of the documents.
 */
export function toTsQuery(input: string, maxTerms = 8): string | null {
  const terms = searchTerms(input).slice(0, maxTerms);
  if (terms.length === 0) return null;
  return terms.map((term, index) => `${tsQueryWord(term)}${index === terms.length - 1 && term.length >= 2 ? ":*" : ""}`).join(" & ");
}

/** A word quoted for to_tsquery. searchTerms() yields letters and digits only; the escaping is a safety net. */
function tsQueryWord(word: string): string {
  return `'${word.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The folded tsquery as PostgreSQL SQL (the function comes with the search migration). */
function pgTsQuery(tsQuery: string): Prisma.Sql {
  return Prisma.sql`to_tsquery('simple'::regconfig, newswire_search_fold(${tsQuery}))`;
}

/** The source filter as SQL conditions, each starting with AND (empty when there is none). */
function filterSql(filter: SearchFilter): Prisma.Sql {
  const clauses: Prisma.Sql[] = [];
  if (filter.sourceSlug) clauses.push(Prisma.sql` AND src."slug" = ${filter.sourceSlug}`);
  if (filter.category) clauses.push(Prisma.sql` AND src."category" = ${filter.category}`);
  return clauses.reduce((all, clause) => Prisma.sql`${all}${clause}`, Prisma.empty);
}

/** What a reader typed as this engine's full-text query; null when nothing searchable is left. */
function matchFor(query: string, db: Db): string | null {
  return dbKind(db) === "postgresql" ? toTsQuery(query) : toFtsQuery(query);
}

/** Ids of matching articles, newest first, older than `beforeId` when given (cursor pagination). */
export async function searchArticleIdsNewestFirst(
  query: string,
  options: SearchFilter & { limit: number; beforeId?: number },
  db: Db = getDb(),
): Promise<number[]> {
  const match = matchFor(query, db);
  if (!match) return [];
  const conditions = Prisma.sql`${options.beforeId !== undefined ? Prisma.sql` AND a."id" < ${options.beforeId}` : Prisma.empty}${filterSql(options)}`;
  const rows =
    dbKind(db) === "postgresql"
      ? await db.$queryRaw<{ id: number | bigint }[]>`SELECT a."id" AS id FROM "Article" a
           JOIN "Source" src ON src."id" = a."sourceId"
         WHERE a."searchVector" @@ ${pgTsQuery(match)}${conditions}
         ORDER BY a."id" DESC LIMIT ${options.limit}`
      : await db.$queryRaw<{ id: number | bigint }[]>`SELECT a."id" AS id FROM "ArticleSearch" s
           JOIN "Article" a ON a."id" = s.rowid
           JOIN "Source" src ON src."id" = a."sourceId"
         WHERE "ArticleSearch" MATCH ${match}${conditions}
         ORDER BY a."id" DESC LIMIT ${options.limit}`;
  return rows.map((row) => Number(row.id));
}

/** Ids of matching articles, best match first (titles weighted above summaries), then newest first. */
export async function searchArticleIdsRanked(query: string, options: SearchFilter & { limit: number; offset: number }, db: Db = getDb()): Promise<number[]> {
  const match = matchFor(query, db);
  if (!match) return [];
  const conditions = filterSql(options);
  // ts_rank's weights are {D, C, B, A}: titles (A) count three times summaries (B), as bm25(3.0, 1.0) does.
  const rows =
    dbKind(db) === "postgresql"
      ? await db.$queryRaw<{ id: number | bigint }[]>`SELECT a."id" AS id FROM "Article" a
           JOIN "Source" src ON src."id" = a."sourceId"
           CROSS JOIN ${pgTsQuery(match)} AS q
         WHERE a."searchVector" @@ q${conditions}
         ORDER BY ts_rank('{0, 0, 0.333333, 1.0}', a."searchVector", q) DESC, a."id" DESC LIMIT ${options.limit} OFFSET ${options.offset}`
      : await db.$queryRaw<{ id: number | bigint }[]>`SELECT a."id" AS id FROM "ArticleSearch" s
           JOIN "Article" a ON a."id" = s.rowid
           JOIN "Source" src ON src."id" = a."sourceId"
         WHERE "ArticleSearch" MATCH ${match}${conditions}
         ORDER BY bm25("ArticleSearch", 3.0, 1.0), a."id" DESC LIMIT ${options.limit} OFFSET ${options.offset}`;
  return rows.map((row) => Number(row.id));
}
