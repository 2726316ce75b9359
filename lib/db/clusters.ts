// Story clusters: an article whose headline matches a recent article from another source joins that
// article's cluster (whose id is the id of its first article). Candidates come from the full-text index.
import { getDb, type Db } from "./client";
import { headlineTokens, isSameStory } from "../domain/headline";
import { articleListSelect, toArticle } from "./articles";
import type { Article } from "../domain/article";

const WINDOW_MS = 48 * 3600 * 1000;
const CANDIDATES = 8;

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
    const match = tokens.map((token) => `"${token.replace(/"/g, "")}"`).join(" OR ");
    const since = new Date(article.publishedAt.getTime() - WINDOW_MS);
    const until = new Date(article.publishedAt.getTime() + WINDOW_MS);
    const candidates = await db.$queryRawUnsafe<{ id: number | bigint; title: string; clusterId: number | bigint | null }[]>(
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
