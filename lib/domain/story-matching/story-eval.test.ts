// The matcher against the evaluation set (tests/fixtures/story-eval/): fictional coverage of events by
// several outlets, hard negatives (same topic, different event) and singletons. Tuned on "dev"; "test" is
// held out, so its figures are the honest ones (docs/decisions/0010-stories.md).
import { describe, expect, it } from "vitest";
import { loadEvalSplit, scoreSplit } from "../../../tests/helpers/story-eval";

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

describe("story matching evaluation set", () => {
  for (const name of ["dev", "test"] as const) {
    it(`${name}: is a fair test — events covered by 2-5 outlets over several days, topics, languages, singletons`, () => {
      const split = loadEvalSplit(name);
      const byEvent = new Map<string, typeof split.articles>();
      for (const article of split.articles) byEvent.set(article.event, [...(byEvent.get(article.event) ?? []), article]);
      const covered = [...byEvent.values()].filter((articles) => articles.length >= 2);
      expect(covered.length).toBeGreaterThanOrEqual(30);
      for (const articles of covered) {
        expect(articles.length).toBeLessThanOrEqual(5);
        expect(new Set(articles.map((article) => article.sourceId)).size, articles[0].event).toBeGreaterThanOrEqual(2);
      }
      expect([...byEvent.values()].filter((articles) => articles.length === 1).length).toBeGreaterThanOrEqual(8);
      expect(new Set(Object.values(split.events).map((event) => event.topic))).toEqual(new Set(["economy", "politics", "sport", "weather", "tech", "science", "health", "crime", "culture"]));
      expect(new Set(split.articles.map((article) => article.publishedAt.slice(0, 10))).size).toBeGreaterThanOrEqual(5);
      for (const article of split.articles) {
        expect(Number.isNaN(Date.parse(article.publishedAt)), String(article.id)).toBe(false);
        expect(split.events[article.event], article.event).toBeDefined();
        expect(article.title.length).toBeGreaterThan(0);
      }
    });
  }

  it("both splits together have at least 60 events covered by several outlets", () => {
    const covered = (["dev", "test"] as const).flatMap((name) => {
      const counts = new Map<string, number>();
      for (const article of loadEvalSplit(name).articles) counts.set(article.event, (counts.get(article.event) ?? 0) + 1);
      return [...counts.values()].filter((count) => count >= 2);
    });
    expect(covered.length).toBeGreaterThanOrEqual(60);
  });

  it("dev (tuning split): pairwise precision and recall", () => {
    const score = scoreSplit(loadEvalSplit("dev"));
    process.stdout.write(`story matching, dev: precision ${percent(score.precision)}, recall ${percent(score.recall)} (${score.correctPairs} of ${score.predictedPairs} predicted pairs, ${score.truePairs} true pairs)\n`);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.recall).toBeGreaterThanOrEqual(0.7);
  });

  it("test (held-out split): pairwise precision ≥ 0.9 and recall ≥ 0.7", () => {
    const score = scoreSplit(loadEvalSplit("test"));
    process.stdout.write(`story matching, test: precision ${percent(score.precision)}, recall ${percent(score.recall)} (${score.correctPairs} of ${score.predictedPairs} predicted pairs, ${score.truePairs} true pairs)\n`);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.recall).toBeGreaterThanOrEqual(0.7);
  });
});
