// The numbers behind a "same event" decision, in one place. Tuned on the dev half of the evaluation set
// (tests/fixtures/story-eval/dev.json) and reported on the held-out test half; see
// docs/decisions/0010-stories.md before changing one, and re-run lib/domain/story-matching/story-eval.test.ts.

export type StoryMatchingTuning = {
  /** Articles published further apart than this are never the same event. */
  maxGapMs: number;
  /** A link loses this share of its strength at maxGapMs, quadratically: little at hours, more at a day. */
  timeDecay: number;
  /** Term weights by where the term occurs. */
  titleWeight: number;
  summaryWeight: number;
  /** Extra weight of a term in both fields, over titleWeight. */
  bothFieldsBonus: number;
  /** Against a bare headline (no summary), the other side's summary-only terms count this much. */
  bareHeadlineSummaryShare: number;
  /** Two languages: the similarity of names, numbers and concepts alone counts this much. */
  crossLanguageShare: number;
  /** Multiplier of a term that names something (an entity) and of a rate move, score or magnitude. */
  entityBoost: number;
  numberBoost: number;
  /** Pseudo-articles behind the IDF prior, so a small index does not take its first articles' words as rare. */
  priorArticles: number;
  /** Both sides name things but share none of them: the link keeps this share. */
  entityDisagreement: number;
  /** Entity overlap (cosine of the entity terms) at which agreement counts in full. */
  entityFullOverlap: number;
  /** Only one side names anything: the link keeps this share. */
  oneSidedEntities: number;
  /** A conflict of central bank, storm, rate move, score or magnitude: the link keeps this share. */
  hardConflict: number;
  /** A conflict of country, direction (raise/hold/cut) or outcome (win/draw): the link keeps this share. */
  softConflict: number;
  /** Two articles of one source: the link keeps this share (follow-ups may join, templates must not). */
  sameSource: number;
  /** Either text is not in the Latin script (no stemming, no synonyms): the link keeps this share. */
  otherScript: number;
  /** Story score = maxLinkShare × best link + (1 − maxLinkShare) × mean link over the story's members. */
  maxLinkShare: number;
  /** An article joins the best story scoring at least this, if its best link is at least minBestLink. */
  joinScore: number;
  minBestLink: number;
  /** A second story scoring at least this is merged into the first (if nothing in them conflicts). */
  mergeScore: number;
};

export const DEFAULT_TUNING: StoryMatchingTuning = {
  maxGapMs: 48 * 3600 * 1000,
  timeDecay: 0.3,
  titleWeight: 2,
  summaryWeight: 1,
  bothFieldsBonus: 0.5,
  bareHeadlineSummaryShare: 0.5,
  crossLanguageShare: 0.8,
  entityBoost: 1.5,
  numberBoost: 1.3,
  priorArticles: 300,
  entityDisagreement: 0.35,
  entityFullOverlap: 0.35,
  oneSidedEntities: 0.85,
  hardConflict: 0.15,
  softConflict: 0.5,
  sameSource: 0.85,
  otherScript: 0.8,
  maxLinkShare: 0.5,
  joinScore: 0.3,
  minBestLink: 0.3,
  mergeScore: 0.45,
};
