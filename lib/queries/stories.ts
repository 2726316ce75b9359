// The read side of stories for pages, API routes and live updates.
import { z } from "zod";
import type { Article } from "../domain/article";
import { ValidationError } from "../domain/errors";
import { couldBeStoredSlug } from "../domain/slug";
import { compareTopStories, isPublicStory, TOP_STORY_WINDOW_MS, type Story } from "../domain/story";
import {
  findPublicStoryOfArticle,
  findStoryRowBySlug,
  findStoryRowsByIds,
  listPublicStoriesForSitemap,
  listRecentPublicStories,
  listStoryArticles,
  toStory,
  type StoryRow,
} from "../db/stories";

export const DEFAULT_STORY_PAGE_SIZE = 20;
export const MAX_STORY_PAGE_SIZE = 50;
/** A story's articles listed at most (the page and API); the count says how many there are in all. */
export const MAX_STORY_ARTICLES = 50;
/** Top stories are ranked among at most this many recent public stories. */
const TOP_CANDIDATES = 500;

const storyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_STORY_PAGE_SIZE).default(DEFAULT_STORY_PAGE_SIZE),
  // The cursor is the position in the ranking where the next page starts (opaque to clients).
  cursor: z.string().trim().regex(/^\d{1,4}$/, "is not a valid cursor").optional(),
});

async function withArticles(rows: StoryRow[], perStory: number): Promise<Story[]> {
  const articles = await listStoryArticles(rows, perStory);
  return rows.map((row) => toStory(row, articles.get(row.id) ?? []));
}

/** Public stories ranked top first: breadth of coverage, decaying with the time since the last of it. */
async function rankedTopStories(nowMs: number): Promise<StoryRow[]> {
  const candidates = await listRecentPublicStories(new Date(nowMs - TOP_STORY_WINDOW_MS), TOP_CANDIDATES);
  return candidates.sort(compareTopStories(nowMs));
}

/** GET /api/stories: validates raw query parameters and returns one page of the ranking. */
export async function queryTopStories(raw: Record<string, string | undefined>, nowMs = Date.now()): Promise<{ stories: Story[]; nextCursor: string | null }> {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = storyQuerySchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${issue.path.join(".") || "query"}: ${issue.message}`, "invalid_query");
  }
  const { limit } = parsed.data;
  const start = parsed.data.cursor === undefined ? 0 : Number(parsed.data.cursor);
  const ranked = await rankedTopStories(nowMs);
  const page = ranked.slice(start, start + limit);
  const next = start + limit < ranked.length ? String(start + limit) : null;
  return { stories: await withArticles(page, MAX_STORY_ARTICLES), nextCursor: next };
}

/** The homepage's top stories (the same ranking as GET /api/stories), each with a few of its articles. */
export async function getTopStories(limit: number, articlesPerStory: number, nowMs = Date.now()): Promise<Story[]> {
  return withArticles((await rankedTopStories(nowMs)).slice(0, limit), articlesPerStory);
}

/**
 * A public story by slug. `movedTo` is set when the slug belongs to a story that merged into another:
 * links to the old slug lead there.
 */
export async function getStoryBySlug(slug: string): Promise<{ story: Story; movedTo: string | null } | null> {
  if (!couldBeStoredSlug(slug, 120)) return null;
  const found = await findStoryRowBySlug(slug);
  if (!found || !isPublicStory(found.story)) return null;
  const [story] = await withArticles([found.story], MAX_STORY_ARTICLES);
  return { story, movedTo: found.movedFrom === null ? null : story.path };
}

/** Public stories by id, for live updates (stories that are not public are left out). */
export async function getPublicStoriesByIds(ids: number[]): Promise<Story[]> {
  const rows = (await findStoryRowsByIds(ids)).filter((row) => isPublicStory(row) && row.mergedIntoId === null);
  return withArticles(rows, MAX_STORY_ARTICLES);
}

/** The story an article belongs to, when it is public: its other coverage ("also covered by"). */
export async function getStoryOfArticle(article: { id: number }, otherArticles = 8): Promise<{ story: Story; others: Article[] } | null> {
  const row = await findPublicStoryOfArticle(article.id);
  if (!row) return null;
  const [story] = await withArticles([row], MAX_STORY_ARTICLES);
  return { story, others: story.articles.filter((other) => other.id !== article.id).slice(0, otherArticles) };
}

export async function getStoriesForSitemap(limit = 5_000): Promise<{ path: string; updatedAt: string }[]> {
  return (await listPublicStoriesForSitemap(limit)).map((row) => ({ path: `/stories/${row.slug}`, updatedAt: row.updatedAt.toISOString() }));
}
