// How top stories rank and when a story is public: the rules the server ranks by and the browser's live
// top-stories list keeps to. Imports nothing, so client code can take it without the server's slug hashing.

/** A story is shown (top stories, its own page, the API) once this many distinct sources cover it. */
export const MIN_PUBLIC_SOURCES = 2;

/** Stories whose last coverage is older than this are no longer top stories. */
export const TOP_STORY_WINDOW_MS = 48 * 3600 * 1000;

/**
 * Every 6 hours without new coverage halves a story's weight: a story five outlets covered yesterday gives
 * way to one two outlets are covering now.
 */
const HALF_LIFE_HOURS = 6;

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
