// Story clusters: an article whose headline matches a recent article from another source joins that
// article's cluster (whose id is the id of its first article). Candidates come from the full-text index.
import { getDb, dbKind, type Db } from "./client";
import { pgTsQuerySql, tsQueryWord } from "./search";
import { headlineTokens, isSameStory } from "../domain/headline";
import { articleListSelect, toArticle } from "./articles";
import type { Article } from "../domain/article";

const WINDOW_MS = 48 * 3600 * 1000;
const CANDIDATES = 8;

type Candidate = { id: number | bigint; title: string; clusterId: number | bigint | null };
type ClusterSubject = { id: number; sourceId: number };

/** Recent articles from other sources whose titles share a word with `tokens`, best title match first. */
async function sqliteCandidates(db: Db, tokens: string[], article: ClusterSubject, since: Date, until: Date): Promise<Candidate[]> {
  const match = tokens.map((token) => `"${token.replace(/"/g, "")}"`).join(" OR ");
  return db.$queryRawUnsafe<Candidate[]>(
    `SELECT a."id" AS id, a."title" AS title, a."clusterId" AS clusterId FROM "ArticleSearch" s
       JOIN "Article" a ON a."id" = s.rowid
     WHERE "ArticleSearch" MATCH ? AND a."sourceId" <> ? AND a."id" <> ? AND a."publishedAt" BETWEEN ? AND ?
     ORDER BY bm25("ArticleSearch", 1.0, 0.0) LIMIT ?`,
    `title : (${match})`,
    article.sourceId,
    article.id,
    // The SQLite adapter stores DateTime as ISO-8601 text with a "+00:00" offset; compare in that form.
    since.toISOString().replace("Z", "+00:00"),
    until.toISOString().replace("Z", "+00:00"),
    CANDIDATES,
  );
}

/** The same on PostgreSQL: 'word':A matches titles only, and ts_rank weighs only titles (A). */
async function postgresCandidates(db: Db, tokens: string[], article: ClusterSubject, since: Date, until: Date): Promise<Candidate[]> {
  return db.$queryRawUnsafe<Candidate[]>(
    `SELECT a."id" AS id, a."title" AS title, a."clusterId" AS "clusterId" FROM "Article" a
       CROSS JOIN ${pgTsQuerySql("$1")} AS q
     WHERE a."searchVector" @@ q AND a."sourceId" <> $2 AND a."id" <> $3 AND a."publishedAt" BETWEEN $4 AND $5
     ORDER BY ts_rank('{0, 0, 0, 1.0}', a."searchVector", q) DESC, a."id" LIMIT $6`,
    tokens.map((token) => `${tsQueryWord(token)}:A`).join(" | "),
    article.sourceId,
    article.id,
    // Timestamps are "timestamp(3) without time zone" holding UTC, and the adapter sends Dates as UTC.
    since,
    until,
    CANDIDATES,
  );
}

/** Assigns clusters to newly inserted articles. Returns how many joined a cluster. */
export async function assignStoryClusters(articleIds: number[], db: Db = getDb()): Promise<number> {
  if (articleIds.length === 0) return 0;
  const articles = await db.article.findMany({
    where: { id: { in: articleIds }, clusterId: null },
    select: { id: true, title: true, sourceId: true, publishedAt: true },
    orderBy: { id: "asc" },
  });
  let joined = 0;
  for (const article of articles) {
    const tokens = headlineTokens(article.title);
    if (tokens.length < 3) continue;
    const since = new Date(article.publishedAt.getTime() - WINDOW_MS);
    const until = new Date(article.publishedAt.getTime() + WINDOW_MS);
    const candidates = dbKind(db) === "postgresql" ? await postgresCandidates(db, tokens, article, since, until) : await sqliteCandidates(db, tokens, article, since, until);
    const best = candidates.find((candidate) => isSameStory(tokens, headlineTokens(candidate.title)));
    if (!best) continue;
    const clusterId = Number(best.clusterId ?? best.id);
    await db.$transaction([
      db.article.updateMany({ where: { id: Number(best.id), clusterId: null }, data: { clusterId } }),
      db.article.update({ where: { id: article.id }, data: { clusterId } }),
    ]);
    joined += 1;
  }
  return joined;
}

/** The other articles of a story cluster ("also covered by"), newest first. */
export async function listClusterArticles(clusterId: number, exceptId: number, limit = 10, db: Db = getDb()): Promise<Article[]> {
  const rows = await db.article.findMany({
    where: { clusterId, id: { not: exceptId } },
    select: articleListSelect,
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.map(toArticle);
}
