// Story clusters: an article whose headline matches a recent article from another source joins that
// article's cluster (whose id is the id of its first article). Matching happens in memory
// (lib/domain/story-index.ts, driven by lib/ingest/cluster-stories.ts); this module reads the headlines it
// needs and writes the assignments.
import { Prisma } from "./generated/sqlite/client";
import { getDb, type Db } from "./client";
import { articleListSelect, toArticle } from "./articles";
import type { Article } from "../domain/article";

export type StorySubject = { id: number; sourceId: number; title: string; publishedAt: Date; clusterId: number | null };

/** Articles after `afterId` published since `publishedSince`, oldest first, one page at a time. */
export async function listStorySubjects(afterId: number, publishedSince: Date, limit: number, db: Db = getDb()): Promise<StorySubject[]> {
  return db.article.findMany({
    where: { id: { gt: afterId }, publishedAt: { gte: publishedSince } },
    select: { id: true, sourceId: true, title: true, publishedAt: true, clusterId: true },
    orderBy: { id: "asc" },
    take: limit,
  });
}

/** The newest article id (where the clustering of later articles starts). */
export async function findNewestArticleId(db: Db = getDb()): Promise<number> {
  const row = await db.article.findFirst({ select: { id: true }, orderBy: { id: "desc" } });
  return row?.id ?? 0;
}

const ASSIGNMENTS_PER_STATEMENT = 500;

/**
 * Writes cluster assignments in one statement per 500, never overwriting a cluster already set (another
 * instance may have clustered the article first: the first assignment wins).
 */
export async function saveStoryClusters(assignments: { id: number; clusterId: number }[], db: Db = getDb()): Promise<void> {
  for (let start = 0; start < assignments.length; start += ASSIGNMENTS_PER_STATEMENT) {
    const chunk = assignments.slice(start, start + ASSIGNMENTS_PER_STATEMENT);
    // CAST: PostgreSQL cannot infer a parameter's type inside CASE … THEN; SQLite accepts the same text.
    const cases = Prisma.join(
      chunk.map(({ id, clusterId }) => Prisma.sql`WHEN ${id} THEN CAST(${clusterId} AS INTEGER)`),
      " ",
    );
    await db.$executeRaw`UPDATE "Article" SET "clusterId" = COALESCE("clusterId", CASE "id" ${cases} END)
      WHERE "id" IN (${Prisma.join(chunk.map(({ id }) => id))})`;
  }
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
