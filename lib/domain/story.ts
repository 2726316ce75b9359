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

// Public-ness and ranking sit in story-ranking.ts (no imports), so the browser's live list shares them.
export { compareTopStories, isPublicStory, TOP_STORY_WINDOW_MS, topStoryScore } from "./story-ranking";

export function storyPath(slug: string): string {
  return `/stories/${slug}`;
}

/** Readable and unique without a lookup: the first headline's words and the story's id. */
export function storySlug(title: string, id: number): string {
  return `${slugify(title, 72) || "story"}-${id}`;
}
