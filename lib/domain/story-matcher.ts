// What the story desk needs of a story matcher: decide, for each new article in id order, which story it
// belongs to, and be restorable from decisions already stored (after a restart, or when another instance's
// desk made them). Deterministic: the same articles in the same order give the same stories.
export type StorySubjectText = { id: number; sourceId: number; title: string; summary: string; publishedAtMs: number };

export type StoryDecision = {
  /** The story's id: an existing story's, or the article's own id when it starts a new one. */
  storyId: number;
  /** Existing stories this article showed to be the same event as `storyId` (they merge into it). */
  mergedStoryIds: number[];
};

export interface StoryMatcher {
  /** An article whose story was decided before: remember it as such. */
  restore(article: StorySubjectText, storyId: number): void;
  /** Decides a new article's story and remembers it. */
  assign(article: StorySubjectText): StoryDecision;
  /** Forgets articles published before `cutoffMs`. */
  prune(cutoffMs: number): void;
}
