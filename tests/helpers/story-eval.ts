// The story-matching evaluation set (tests/fixtures/story-eval/*.json) and its score: articles are fed to a
// StoryMatcher in publication order, and the stories it ends with are compared with the true events pair by
// pair. Precision: of the article pairs put in one story, the share truly about one event. Recall: of the
// pairs truly about one event, the share put in one story.
import fs from "node:fs";
import path from "node:path";
import { StoryMatcher } from "../../lib/domain/story-matching/story-matcher";
import type { StoryMatchingTuning } from "../../lib/domain/story-matching/matching-tuning";

export type EvalArticle = { id: number; event: string; sourceId: number; publishedAt: string; title: string; summary: string };
export type EvalSplit = {
  split: "dev" | "test";
  description: string;
  sources: Record<string, string>;
  events: Record<string, { topic: string; note?: string }>;
  articles: EvalArticle[];
};

export type PairError = { a: EvalArticle; b: EvalArticle };
export type EvalScore = {
  precision: number;
  recall: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  falseMerges: PairError[];
  missedPairs: PairError[];
  merges: number;
};

const FIXTURES = path.resolve(import.meta.dirname, "..", "fixtures", "story-eval");

export function loadEvalSplit(split: "dev" | "test"): EvalSplit {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${split}.json`), "utf8")) as EvalSplit;
}

/** Publication order, ties by id: the order a site would ingest them. */
export function inPublicationOrder(articles: EvalArticle[]): EvalArticle[] {
  return [...articles].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || a.id - b.id);
}

export function scoreSplit(split: EvalSplit, tuning: Partial<StoryMatchingTuning> = {}): EvalScore {
  const matcher = new StoryMatcher(tuning);
  let merges = 0;
  for (const article of inPublicationOrder(split.articles)) {
    const result = matcher.add({ id: article.id, sourceId: article.sourceId, title: article.title, summary: article.summary, publishedAtMs: Date.parse(article.publishedAt) });
    merges += result.mergedStoryIds.length;
  }
  const falseMerges: PairError[] = [];
  const missedPairs: PairError[] = [];
  let truePairs = 0;
  let predictedPairs = 0;
  let correctPairs = 0;
  const articles = split.articles;
  for (let i = 0; i < articles.length; i++) {
    for (let j = i + 1; j < articles.length; j++) {
      const a = articles[i];
      const b = articles[j];
      const sameEvent = a.event === b.event;
      const sameStory = matcher.storyOf(a.id) === matcher.storyOf(b.id);
      if (sameEvent) truePairs += 1;
      if (sameStory) predictedPairs += 1;
      if (sameEvent && sameStory) correctPairs += 1;
      if (sameStory && !sameEvent) falseMerges.push({ a, b });
      if (sameEvent && !sameStory) missedPairs.push({ a, b });
    }
  }
  return {
    precision: predictedPairs === 0 ? 1 : correctPairs / predictedPairs,
    recall: truePairs === 0 ? 1 : correctPairs / truePairs,
    truePairs,
    predictedPairs,
    correctPairs,
    falseMerges,
    missedPairs,
    merges,
  };
}
