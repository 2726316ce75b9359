// A story: one event, covered by one or more sources. The public shape (API, Socket.IO `story:update`, SSE
// `event: story`) and the rules every reader of stories shares: when a story is public, and how top stories
// rank. Pure: no database here.
import type { Article } from "./article";
import { slugify } from "./slug";

export type Story = {
  id: number;
  slug: string;
  path: string;
  title: string;
  sourceCount: number;
  articleCount: number;
  firstSeenAt: string;
  updatedAt: string;
  /** Lead first, then the others newest first. */
  articles: Article[];
};

/** A story is shown (top stories, its own page, the API) once this many distinct sources cover it. */
export const MIN_PUBLIC_SOURCES = 2;

/** Stories whose last coverage is older than this are no longer top stories. */
export const TOP_STORY_WINDOW_MS = 48 * 3600 * 1000;

/**
 * Every 6 hours without new coverage halves a story's weight: a story five outlets covered yesterday gives
 * way to one two outlets are covering now.
 */
const HALF_LIFE_HOURS = 6;

export function storyPath(slug: string): string {
  return `/stories/${slug}`;
}

/** Readable and unique without a lookup: the first headline's words and the story's id. */
export function storySlug(title: string, id: number): string {
  return `${slugify(title, 72) || "story"}-${id}`;
}

export function isPublicStory(story: { sourceCount: number }): boolean {
  return story.sourceCount >= MIN_PUBLIC_SOURCES;
}

/** The weight top stories are ordered by: breadth of coverage, decaying with the time since the last of it. */
export function topStoryScore(story: { sourceCount: number; updatedAt: string | Date }, nowMs: number): number {
  const ageHours = Math.max(0, nowMs - new Date(story.updatedAt).getTime()) / 3_600_000;
  return story.sourceCount * 0.5 ** (ageHours / HALF_LIFE_HOURS);
}

/** Top first: by score, then more sources, then newer coverage, then id (a stable order for paging). */
export function compareTopStories<T extends { id: number; sourceCount: number; updatedAt: string | Date }>(nowMs: number): (a: T, b: T) => number {
  return (a, b) =>
    topStoryScore(b, nowMs) - topStoryScore(a, nowMs) ||
    b.sourceCount - a.sourceCount ||
    new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime() ||
    b.id - a.id;
}
