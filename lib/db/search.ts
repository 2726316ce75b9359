// Full-text search over titles and summaries. SQLite: the ArticleSearch FTS5 table
// (prisma/migrations/…_article_search). PostgreSQL: the generated "searchVector" column with its GIN index
// (prisma/postgresql/migrations/…_article_search). Both take the same words and return the same ids.
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
export function tsQueryWord(word: string): string {
  return `'${word.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The folded tsquery parameter as PostgreSQL SQL (the function comes with the search migration). */
export function pgTsQuerySql(placeholder: string): string {
  return `to_tsquery('simple'::regconfig, newswire_search_fold(${placeholder}))`;
}

/** The source filter as SQL conditions; `placeholder(n)` spells the n-th (1-based) parameter. */
function filterSql(filter: SearchFilter, params: unknown[], placeholder: (index: number) => string): string {
  const clauses: string[] = [];
  if (filter.sourceSlug) {
    params.push(filter.sourceSlug);
    clauses.push(`src."slug" = ${placeholder(params.length)}`);
  }
  if (filter.category) {
    params.push(filter.category);
    clauses.push(`src."category" = ${placeholder(params.length)}`);
  }
  return clauses.map((clause) => ` AND ${clause}`).join("");
}

const sqlitePlaceholder = () => "?";
const pgPlaceholder = (index: number) => `$${index}`;

/** Ids of matching articles, newest first, older than `beforeId` when given (cursor pagination). */
export async function searchArticleIdsNewestFirst(
  query: string,
  options: SearchFilter & { limit: number; beforeId?: number },
  db: Db = getDb(),
): Promise<number[]> {
  const postgres = dbKind(db) === "postgresql";
  const match = postgres ? toTsQuery(query) : toFtsQuery(query);
  if (!match) return [];
  const placeholder = postgres ? pgPlaceholder : sqlitePlaceholder;
  const params: unknown[] = [match];
  let conditions = "";
  if (options.beforeId !== undefined) {
    params.push(options.beforeId);
    conditions += ` AND a."id" < ${placeholder(params.length)}`;
  }
  conditions += filterSql(options, params, placeholder);
  params.push(options.limit);
  const limit = placeholder(params.length);
  const sql = postgres
    ? `SELECT a."id" AS id FROM "Article" a
         JOIN "Source" src ON src."id" = a."sourceId"
       WHERE a."searchVector" @@ ${pgTsQuerySql("$1")}${conditions}
       ORDER BY a."id" DESC LIMIT ${limit}`
    : `SELECT a."id" AS id FROM "ArticleSearch" s
         JOIN "Article" a ON a."id" = s.rowid
         JOIN "Source" src ON src."id" = a."sourceId"
       WHERE "ArticleSearch" MATCH ?${conditions}
       ORDER BY a."id" DESC LIMIT ?`;
  const rows = await db.$queryRawUnsafe<{ id: number | bigint }[]>(sql, ...params);
  return rows.map((row) => Number(row.id));
}

/** Ids of matching articles, best match first (titles weighted above summaries), then newest first. */
export async function searchArticleIdsRanked(query: string, options: SearchFilter & { limit: number; offset: number }, db: Db = getDb()): Promise<number[]> {
  const postgres = dbKind(db) === "postgresql";
  const match = postgres ? toTsQuery(query) : toFtsQuery(query);
  if (!match) return [];
  const placeholder = postgres ? pgPlaceholder : sqlitePlaceholder;
  const params: unknown[] = [match];
  const conditions = filterSql(options, params, placeholder);
  params.push(options.limit, options.offset);
  const [limit, offset] = [placeholder(params.length - 1), placeholder(params.length)];
  // ts_rank's weights are {D, C, B, A}: titles (A) count three times summaries (B), as bm25(3.0, 1.0) does.
  const sql = postgres
    ? `SELECT a."id" AS id FROM "Article" a
         JOIN "Source" src ON src."id" = a."sourceId"
         CROSS JOIN ${pgTsQuerySql("$1")} AS q
       WHERE a."searchVector" @@ q${conditions}
       ORDER BY ts_rank('{0, 0, 0.333333, 1.0}', a."searchVector", q) DESC, a."id" DESC LIMIT ${limit} OFFSET ${offset}`
    : `SELECT a."id" AS id FROM "ArticleSearch" s
         JOIN "Article" a ON a."id" = s.rowid
         JOIN "Source" src ON src."id" = a."sourceId"
       WHERE "ArticleSearch" MATCH ?${conditions}
       ORDER BY bm25("ArticleSearch", 3.0, 1.0), a."id" DESC LIMIT ? OFFSET ?`;
  const rows = await db.$queryRawUnsafe<{ id: number | bigint }[]>(sql, ...params);
  return rows.map((row) => Number(row.id));
}
