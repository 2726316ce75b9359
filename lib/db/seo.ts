// Reads for sitemaps and the outgoing RSS feed: few columns, many rows.
import { getDb, type Db } from "./client";

export async function countArticles(db: Db = getDb()): Promise<number> {
  return db.article.count();
}

/** One sitemap page of article slugs, oldest first so page N's content is stable as new articles arrive. */
export async function listArticleSitemapPage(page: number, pageSize: number, db: Db = getDb()) {
  return db.article.findMany({
    select: { slug: true, updatedAt: true, publishedAt: true },
    orderBy: { id: "asc" },
    skip: page * pageSize,
    take: pageSize,
  });
}

export async function listArticlesPublishedSince(since: Date, limit: number, db: Db = getDb()) {
  return db.article.findMany({
    where: { publishedAt: { gte: since } },
    select: { slug: true, title: true, publishedAt: true },
    orderBy: { publishedAt: "desc" },
    take: limit,
  });
}

export async function findNewestArticleTime(db: Db = getDb()): Promise<Date | null> {
  const row = await db.article.findFirst({ select: { ingestedAt: true }, orderBy: { id: "desc" } });
  return row?.ingestedAt ?? null;
}
