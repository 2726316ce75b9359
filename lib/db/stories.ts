// Stories repository: the Story table and Article.storyId. The story desk (lib/ingest/story-desk.ts) reads
// new articles here and writes what it decided; pages and the API read stories through lib/queries/stories.ts.
import { Prisma } from "./generated/sqlite/client";
import { getDb, type Db } from "./client";
import { ARTICLE_LIST_SQL_COLUMNS, fromArticleListSql, toArticle, type ArticleListSqlRow } from "./articles";
import { chunked, queryInChunks } from "./chunks";
import type { Article } from "../domain/article";
import { isPublicStory, storyPath, type Story } from "../domain/story";

/** What the story matcher reads of an article. */
export type StorySubject = {
  id: number;
  sourceId: number;
  title: string;
  summary: string;
  publishedAt: Date;
  ingestedAt: Date;
  storyId: number | null;
};

const subjectSelect = { id: true, sourceId: true, title: true, summary: true, publishedAt: true, ingestedAt: true, storyId: true } satisfies Prisma.ArticleSelect;

/** Articles after `afterId` published since `publishedSince`, oldest first, one page at a time. */
export async function listStorySubjects(afterId: number, publishedSince: Date, limit: number, db: Db = getDb()): Promise<StorySubject[]> {
  return db.article.findMany({
    where: { id: { gt: afterId }, publishedAt: { gte: publishedSince } },
    select: subjectSelect,
    orderBy: { id: "asc" },
    take: limit,
  });
}

/** Articles not yet given a story, after `afterId`, oldest first (what the desk has still to read). */
export async function listUnassignedSubjects(afterId: number, limit: number, db: Db = getDb()): Promise<StorySubject[]> {
  return db.article.findMany({ where: { id: { gt: afterId }, storyId: null }, select: subjectSelect, orderBy: { id: "asc" }, take: limit });
}

/** The newest article that has a story: the desk assigns in id order, so everything before it has one too. */
export async function findLastAssignedArticleId(db: Db = getDb()): Promise<number> {
  const row = await db.article.findFirst({ where: { storyId: { not: null } }, select: { id: true }, orderBy: { id: "desc" } });
  return row?.id ?? 0;
}

export type NewStory = { id: number; slug: string; title: string; leadArticleId: number; firstSeenAt: Date };

export type StoryBatch = {
  created: NewStory[];
  assignments: { articleId: number; storyId: number }[];
  /** `from` turned out to be the same event as `into` (the older one): its articles and its slug move. */
  merges: { from: number; into: number }[];
};

/** Thrown when an article of the batch already has a story: another desk got there first. */
export class StoryAssignmentConflict extends Error {
  constructor() {
    super("some articles of this batch were given a story by another desk");
    this.name = "StoryAssignmentConflict";
  }
}

/**
 * Writes one batch of the desk's decisions atomically, then recounts every story it touched. Returns those
 * stories' ids with their new breadth (who is public now).
 */
export async function saveStoryBatch(batch: StoryBatch, db: Db = getDb()): Promise<{ id: number; sourceCount: number }[]> {
  if (batch.assignments.length === 0 && batch.merges.length === 0) return [];
  return db.$transaction(async (tx) => {
    if (batch.created.length > 0) {
      await tx.story.createMany({
        data: batch.created.map((story) => ({ ...story, sourceCount: 1, articleCount: 0, updatedAt: story.firstSeenAt })),
      });
    }
    // Per assignment: a CASE arm of two parameters and the article's id in the IN list.
    for (const chunk of chunked(batch.assignments, 3)) {
      const cases = Prisma.join(chunk.map(({ articleId, storyId }) => Prisma.sql`WHEN ${articleId} THEN CAST(${storyId} AS INTEGER)`), " ");
      const updated = await tx.$executeRaw`UPDATE "Article" SET "storyId" = CASE "id" ${cases} END
        WHERE "id" IN (${Prisma.join(chunk.map(({ articleId }) => articleId))}) AND "storyId" IS NULL`;
      if (updated !== chunk.length) throw new StoryAssignmentConflict();
    }
    await applyMerges(tx, batch.merges);
    const touched = [...new Set([...batch.assignments.map((a) => a.storyId), ...batch.merges.map((m) => m.into)])];
    // One pass over each touched story's articles for all three figures (three correlated subqueries read
    // them three times: the desk's costliest statement in the cluster bench, ~8,700 buffers each time).
    for (const chunk of chunked(touched)) {
      await tx.$executeRaw`UPDATE "Story" SET "articleCount" = counts."articles", "sourceCount" = counts."sources", "updatedAt" = COALESCE(counts."latest", "Story"."updatedAt")
        FROM (
          SELECT s."id" AS "storyId", COUNT(a."id") AS "articles", COUNT(DISTINCT a."sourceId") AS "sources", MAX(a."ingestedAt") AS "latest"
          FROM "Story" s LEFT JOIN "Article" a ON a."storyId" = s."id"
          WHERE s."id" IN (${Prisma.join(chunk)})
          GROUP BY s."id"
        ) AS counts
        WHERE "Story"."id" = counts."storyId"`;
    }
    return queryInChunks(touched, (chunk) => tx.story.findMany({ where: { id: { in: chunk } }, select: { id: true, sourceCount: true } }));
  });
}

/**
 * Where each merged story ends up once the whole batch is applied: a merge into a story that itself merges
 * later in the batch goes straight to the last one (a → b, b → c: a → c). A cycle, which the matcher should
 * never produce, stops where it would repeat.
 */
export function resolveMerges(merges: { from: number; into: number }[]): Map<number, number> {
  const next = new Map(merges.map(({ from, into }) => [from, into]));
  const final = new Map<number, number>();
  for (const from of next.keys()) {
    let into = next.get(from)!;
    const seen = new Set([from]);
    while (next.has(into) && !seen.has(into)) {
      seen.add(into);
      into = next.get(into)!;
    }
    if (into !== from) final.set(from, into);
  }
  return final;
}

/**
 * A batch's merges in two statements per chunk, not two per merge: the articles of each merged story, and
 * the story itself with the stories merged into it earlier (so old slugs still lead to the survivor).
 */
async function applyMerges(tx: Pick<Db, "$executeRaw">, merges: { from: number; into: number }[]): Promise<void> {
  const final = [...resolveMerges(merges)];
  // Per merge: CASE arms of two parameters (twice in the Story update) and the id in two IN lists.
  for (const chunk of chunked(final, 6)) {
    const froms = Prisma.join(chunk.map(([from]) => from));
    const arms = Prisma.join(chunk.map(([from, into]) => Prisma.sql`WHEN ${from} THEN CAST(${into} AS INTEGER)`), " ");
    await tx.$executeRaw`UPDATE "Article" SET "storyId" = CASE "storyId" ${arms} END WHERE "storyId" IN (${froms})`;
    await tx.$executeRaw`UPDATE "Story" SET "mergedIntoId" = CASE WHEN "id" IN (${froms}) THEN CASE "id" ${arms} END ELSE CASE "mergedIntoId" ${arms} END END
      WHERE "id" IN (${froms}) OR "mergedIntoId" IN (${froms})`;
  }
}

const storySelect = {
  id: true,
  slug: true,
  title: true,
  leadArticleId: true,
  sourceCount: true,
  articleCount: true,
  firstSeenAt: true,
  updatedAt: true,
  mergedIntoId: true,
} satisfies Prisma.StorySelect;

export type StoryRow = Prisma.StoryGetPayload<{ select: typeof storySelect }>;

/** Public stories whose last coverage is after `since` (top-story candidates), newest coverage first. */
export async function listRecentPublicStories(since: Date, limit: number, db: Db = getDb()): Promise<StoryRow[]> {
  return db.story.findMany({
    where: { sourceCount: { gte: 2 }, mergedIntoId: null, updatedAt: { gte: since } },
    select: storySelect,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: limit,
  });
}

export async function findStoryRowsByIds(ids: number[], db: Db = getDb()): Promise<StoryRow[]> {
  return queryInChunks(ids, (chunk) => db.story.findMany({ where: { id: { in: chunk } }, select: storySelect }));
}

/** The story a slug names, following merges to the story it became (`mergedFrom` says a redirect is due). */
export async function findStoryRowBySlug(slug: string, db: Db = getDb()): Promise<{ story: StoryRow; movedFrom: string | null } | null> {
  let story = await db.story.findUnique({ where: { slug }, select: storySelect });
  if (!story) return null;
  const movedFrom = story.mergedIntoId === null ? null : story.slug;
  // Merges re-point older merges too, so one hop normally suffices; the bound guards against a cycle.
  for (let hops = 0; story.mergedIntoId !== null && hops < 10; hops++) {
    const next: StoryRow | null = await db.story.findUnique({ where: { id: story.mergedIntoId }, select: storySelect });
    if (!next) return null;
    story = next;
  }
  return { story, movedFrom };
}

/**
 * Each story's articles: its lead first, then the others newest first, at most `perStory`. One statement for
 * all the stories (a window per story), not one per story: every instance reads the stories whose coverage
 * changed to update its readers, and at a busy moment that is hundreds of stories a minute.
 */
export async function listStoryArticles(stories: StoryRow[], perStory: number, db: Db = getDb()): Promise<Map<number, Article[]>> {
  const byStory = new Map<number, Article[]>(stories.map((story) => [story.id, []]));
  // The lead may be older than the newest `perStory`: one more than wanted leaves room to put it first.
  const wanted = perStory + 1;
  for (const chunk of chunked(stories.map((story) => story.id), 1)) {
    const rows = await db.$queryRaw<(ArticleListSqlRow & { storyId: number | bigint })[]>`SELECT a."storyId", ${ARTICLE_LIST_SQL_COLUMNS}
      FROM (
        SELECT "storyId", "id", "slug", "title", "url", "summary", "imageUrl", "publishedAt", "sourceId",
          ROW_NUMBER() OVER (PARTITION BY "storyId" ORDER BY "id" DESC) AS "position"
        FROM "Article" WHERE "storyId" IN (${Prisma.join(chunk)})
      ) a JOIN "Source" s ON s."id" = a."sourceId"
      WHERE a."position" <= ${wanted}
      ORDER BY a."storyId", a."id" DESC`;
    for (const row of rows) byStory.get(Number(row.storyId))?.push(toArticle(fromArticleListSql(row)));
  }
  for (const story of stories) {
    const articles = byStory.get(story.id) ?? [];
    const lead = articles.find((article) => article.id === story.leadArticleId);
    const rest = articles.filter((article) => article.id !== story.leadArticleId);
    byStory.set(story.id, (lead ? [lead, ...rest] : rest).slice(0, perStory));
  }
  return byStory;
}

export function toStory(row: StoryRow, articles: Article[]): Story {
  return {
    id: row.id,
    slug: row.slug,
    path: storyPath(row.slug),
    title: row.title,
    sourceCount: row.sourceCount,
    articleCount: row.articleCount,
    firstSeenAt: row.firstSeenAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    articles,
  };
}

/** The public story of an article, if it has one (article pages link to it). */
export async function findPublicStoryOfArticle(articleId: number, db: Db = getDb()): Promise<StoryRow | null> {
  const row = await db.article.findUnique({ where: { id: articleId }, select: { story: { select: storySelect } } });
  return row?.story && isPublicStory(row.story) && row.story.mergedIntoId === null ? row.story : null;
}

/** Public stories for the sitemap, newest coverage first. */
export async function listPublicStoriesForSitemap(limit: number, db: Db = getDb()): Promise<{ slug: string; updatedAt: Date }[]> {
  return db.story.findMany({
    where: { sourceCount: { gte: 2 }, mergedIntoId: null },
    select: { slug: true, updatedAt: true },
    orderBy: { updatedAt: "desc" },
    take: limit,
  });
}

/** Notified (PostgreSQL) with the ids of stories whose coverage changed, so every instance updates readers. */
export const STORIES_CHANNEL = "newswire_stories";
/** The site-wide role of running the story desk (a session-level advisory lock). */
export const STORY_DESK_LOCK = 7_307_001_003;

/** Ids per notification: 500 ids of up to ten digits, as JSON, stay under NOTIFY's 8,000-byte payload limit. */
const IDS_PER_NOTIFICATION = 500;

/** Tells every instance (itself included) which stories changed, in as many notifications as the ids need. */
export async function notifyStoriesChanged(storyIds: number[], db: Db = getDb()): Promise<void> {
  for (let start = 0; start < storyIds.length; start += IDS_PER_NOTIFICATION) {
    await db.$executeRaw`SELECT pg_notify(${STORIES_CHANNEL}, ${JSON.stringify(storyIds.slice(start, start + IDS_PER_NOTIFICATION))})`;
  }
}
