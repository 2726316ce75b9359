// A StoryMatcher over near-identical headlines (Jaccard over significant words, lib/domain/story-index.ts):
// what "also covered by" used. Kept as the matcher's simplest implementation.
import { headlineTokens } from "./headline";
import { StoryIndex } from "./story-index";
import type { StoryDecision, StoryMatcher, StorySubjectText } from "./story-matcher";

export function createHeadlineMatcher(windowMs = 48 * 3600 * 1000): StoryMatcher {
  const index = new StoryIndex(windowMs);
  const entry = (article: StorySubjectText, storyId: number | null) => ({
    id: article.id,
    sourceId: article.sourceId,
    publishedAtMs: article.publishedAtMs,
    clusterId: storyId,
    tokens: headlineTokens(article.title),
  });
  return {
    restore(article, storyId) {
      index.add(entry(article, storyId));
    },
    assign(article): StoryDecision {
      const subject = entry(article, null);
      const match = index.bestMatch(subject);
      const storyId = match ? (match.entry.clusterId ?? match.entry.id) : article.id;
      subject.clusterId = storyId;
      index.add(subject);
      return { storyId, mergedStoryIds: [] };
    },
    prune(cutoffMs) {
      index.pruneOlderThan(cutoffMs);
    },
  };
}
