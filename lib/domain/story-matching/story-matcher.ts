// Groups articles into stories — one event covered by several outlets in their own words — as they arrive.
//
// Each article is compared with the articles of the last two days through an inverted index: IDF-weighted
// terms of headline and summary (cosine), adjusted for names (outlets of one event name the same things),
// for values that cannot both be true of one event (two central banks, two scores, two storms), and for time.
// A story is joined on its best link AND its mean link over members, so one article half-way between two
// events cannot chain them; an article that strongly matches two compatible stories merges them.
// Everything is deterministic: the same articles added in the same order give the same stories, on every
// server. See docs/decisions/0010-stories.md. What it keeps of each article and story is in stored-article.ts,
// the values that argue against one event in value-conflicts.ts, how text becomes terms in article-features.ts.
import { ConflictError, ValidationError } from "../errors";
import type { StoryMatcher as StoryDeskMatcher } from "../story-matcher";
import * as features from "./article-features";
import { DEFAULT_TUNING, type StoryMatchingTuning } from "./matching-tuning";
import { describeTerm } from "./term-kinds";
import type { NameObservations, Story, StoredArticle, Term } from "./stored-article";
import { conflictFactor, valuesOfStory } from "./value-conflicts";

export type ArticleToMatch = {
  id: number;
  sourceId: number;
  title: string;
  /** Plain text; may be empty. */
  summary?: string | null;
  publishedAtMs: number;
};

export type MatchResult = {
  /** The story the article is in now: an existing story's id, or the article's own id for a new story. */
  storyId: number;
  /** True when the article joined an existing story. */
  joined: boolean;
  /** Stories absorbed into storyId because this article strongly matched them too (their ids are gone). */
  mergedStoryIds: number[];
};

export type StorySnapshot = {
  id: number;
  /** In the order they were added. */
  articleIds: number[];
  /** Distinct sources, in the order they first covered the story. */
  sourceIds: number[];
  /** Two or more distinct sources: a source's own follow-ups do not count twice. */
  coveredBySeveralSources: boolean;
  firstPublishedAtMs: number;
  lastPublishedAtMs: number;
};

/** Weights of an article's terms under the index's current statistics, and the norms a comparison needs. */
type Weighted = {
  /** Full weights, and weights with summary-only terms discounted (against a bare headline). */
  full: number;
  short: number;
  flags: number;
  /** Names, numbers and concepts: what an article in another language can share with it. */
  neutral: boolean;
};

type Query = {
  article: StoredArticle;
  terms: Map<Term, Weighted>;
  norm: number;
  shortNorm: number;
  neutralNorm: number;
  entityNormSquared: number;
};

// The term flags, read once: an imported binding is a getter call once compiled to CommonJS (tsx), and these
// are read for every term of every comparison.
const { analyzeArticle } = features;
const IN_TITLE = features.IN_TITLE;
const IN_SUMMARY = features.IN_SUMMARY;
const ENTITY = features.ENTITY;
const CAPITALISED = features.CAPITALISED;

/** At most this many of the query's rarest terms look for candidates, each reading at most this many postings. */
const CANDIDATE_TERMS = 12;
const POSTINGS_READ = 1000;
/** Terms in more than this share of the index find no candidates on their own (their postings are long). */
const COMMON_TERM_SHARE = 0.01;
/** Candidate articles whose stories are compared in full, best first, and at most this many stories. */
const CANDIDATE_ARTICLES = 40;
const CANDIDATE_STORIES = 8;
/** Members of a story compared with a new article: the most recent ones. */
const MEMBERS_COMPARED = 12;
/** A name in the lexicon: seen capitalised mid-sentence in this many articles, and mostly so. */
const NAME_MIN_ARTICLES = 2;

/** Also the story desk's matcher (lib/domain/story-matcher.ts): `new StoryMatcher()` where it wants one. */
export class StoryMatcher implements StoryDeskMatcher {
  private readonly tuning: StoryMatchingTuning;
  private readonly articles = new Map<number, StoredArticle>();
  private readonly stories = new Map<number, Story>();
  private readonly terms = new Map<string, Term>();
  private seq = 0;
  private epoch = 0;
  // Per slot: the article, and in typed arrays what the candidate search reads for thousands of postings
  // per query (publication time, order added, and the query's scratch score), so that loop stays in cache.
  private slots: Array<StoredArticle | undefined> = [];
  private readonly freeSlots: number[] = [];
  private slotTime = new Float64Array(1024);
  private slotSeq = new Float64Array(1024);
  private slotScore = new Float64Array(1024);
  private slotEpoch = new Uint32Array(1024);
  /** Changes whenever the document frequencies do (an article indexed or pruned). */
  private statsVersion = 0;

  constructor(tuning: Partial<StoryMatchingTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
  }

  /** Articles stored (and matchable). */
  get size(): number {
    return this.articles.size;
  }

  get storyCount(): number {
    return this.stories.size;
  }

  /** The story an article is in, or undefined if it was never added or has been pruned. */
  storyOf(articleId: number): number | undefined {
    return this.articles.get(articleId)?.story.id;
  }

  story(storyId: number): StorySnapshot | undefined {
    const story = this.stories.get(storyId);
    if (!story) return undefined;
    const sourceIds: number[] = [];
    for (const member of story.members) if (!sourceIds.includes(member.sourceId)) sourceIds.push(member.sourceId);
    let first = Infinity;
    let last = -Infinity;
    for (const member of story.members) {
      first = Math.min(first, member.publishedAtMs);
      last = Math.max(last, member.publishedAtMs);
    }
    return {
      id: story.id,
      articleIds: story.members.map((member) => member.id),
      sourceIds,
      coveredBySeveralSources: sourceIds.length >= 2,
      firstPublishedAtMs: first,
      lastPublishedAtMs: last,
    };
  }

  /**
   * Places an article in a story: the best matching existing story, or a new one with the article's id.
   * Throws ValidationError for a malformed article and ConflictError for an id already added.
   */
  add(input: ArticleToMatch): MatchResult {
    const { article, names } = this.stored(input);
    if (this.stories.has(input.id)) throw new ConflictError(`Story ${input.id} already exists in the story matcher`, "duplicate_article");
    const result = this.place(article);
    this.index(article, names);
    return result;
  }

  /** The story desk's name for add: the same decision, `joined` included. */
  assign(input: ArticleToMatch): MatchResult {
    return this.add(input);
  }

  /**
   * Remembers an article whose story was decided before (stored in the database, or decided by another
   * instance) without matching it: after a restart, replay the recent articles in id order through restore.
   * Their stories then take new articles as if this matcher had decided them itself.
   */
  restore(input: ArticleToMatch, storyId: number): void {
    if (!Number.isSafeInteger(storyId)) throw new ValidationError(`Story id must be an integer (got ${String(storyId)})`);
    const { article, names } = this.stored(input);
    let story = this.stories.get(storyId);
    if (!story) this.stories.set(storyId, (story = { id: storyId, seq: article.seq, members: [] }));
    story.members.push(article);
    article.story = story;
    this.index(article, names);
  }

  /** A validated, analysed article, not yet in any story or index. */
  private stored(input: ArticleToMatch): { article: StoredArticle; names: NameObservations } {
    validate(input);
    if (this.articles.has(input.id)) throw new ConflictError(`Article ${input.id} is already in the story matcher`, "duplicate_article");
    const analyzed = analyzeArticle(input.title, input.summary ?? "", { isKnownName: (stem) => this.isKnownName(stem) });
    const article: StoredArticle = {
      id: input.id,
      sourceId: input.sourceId,
      publishedAtMs: input.publishedAtMs,
      seq: this.seq++,
      slot: -1,
      language: analyzed.language,
      hasSummary: [...analyzed.terms.values()].some((flags) => (flags & IN_SUMMARY) !== 0),
      story: undefined as unknown as Story,
      terms: [],
      flags: [],
    };
    for (const [text, flags] of analyzed.terms) {
      article.terms.push(this.terms.get(text) ?? this.newTerm(text));
      article.flags.push(flags);
    }
    return { article, names: { capitalised: analyzed.capitalisedStems, lowercase: analyzed.lowercaseStems } };
  }

  /** Forgets every article published before `olderThanMs`; a story with no article left goes too. Returns how many. */
  prune(olderThanMs: number): number {
    if (!Number.isFinite(olderThanMs)) throw new ValidationError("prune needs a finite time in milliseconds");
    const dropped = new Set<StoredArticle>();
    for (const article of this.articles.values()) if (article.publishedAtMs < olderThanMs) dropped.add(article);
    if (dropped.size === 0) return 0;
    this.statsVersion += 1;
    const touchedTerms = new Set<Term>();
    const touchedStories = new Set<Story>();
    const droppedSlots = new Set<number>();
    for (const article of dropped) {
      this.articles.delete(article.id);
      for (const term of article.terms) touchedTerms.add(term);
      touchedStories.add(article.story);
      droppedSlots.add(article.slot);
    }
    for (const term of touchedTerms) {
      term.postings = term.postings.filter((slot) => !droppedSlots.has(slot));
      if (term.postings.length === 0) this.terms.delete(term.text);
    }
    // Freed slots are reused smallest first, whatever order the articles were dropped in (determinism).
    for (const slot of [...droppedSlots].sort((a, b) => b - a)) {
      this.slots[slot] = undefined;
      this.freeSlots.push(slot);
    }
    this.freeSlots.sort((a, b) => b - a);
    for (const story of touchedStories) {
      story.members = story.members.filter((member) => !dropped.has(member));
      if (story.members.length === 0) this.stories.delete(story.id);
    }
    return dropped.size;
  }

  private newTerm(text: string): Term {
    const term: Term = { text, kind: describeTerm(text), postings: [], capitalised: 0, lowercase: 0, idf: 0, idfVersion: -1 };
    this.terms.set(text, term);
    return term;
  }

  private isKnownName(stem: string): boolean {
    const term = this.terms.get(stem);
    return term !== undefined && term.capitalised >= NAME_MIN_ARTICLES && term.capitalised >= 3 * term.lowercase;
  }

  /** Adds the article to the inverted index and the name lexicon (after matching: it must not match itself). */
  private index(article: StoredArticle, names: NameObservations): void {
    article.slot = this.takeSlot(article);
    for (const term of article.terms) term.postings.push(article.slot);
    for (const stem of new Set(names.capitalised)) {
      const term = this.terms.get(stem);
      if (term) term.capitalised += 1;
    }
    for (const stem of new Set(names.lowercase)) {
      const term = this.terms.get(stem);
      if (term) term.lowercase += 1;
    }
    this.articles.set(article.id, article);
    this.statsVersion += 1;
  }

  private takeSlot(article: StoredArticle): number {
    const slot = this.freeSlots.pop() ?? this.slots.length;
    if (slot >= this.slotTime.length) {
      const grow = <T extends Float64Array | Uint32Array>(array: T, make: (length: number) => T): T => {
        const bigger = make(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      this.slotTime = grow(this.slotTime, (length) => new Float64Array(length));
      this.slotSeq = grow(this.slotSeq, (length) => new Float64Array(length));
      this.slotScore = grow(this.slotScore, (length) => new Float64Array(length));
      this.slotEpoch = grow(this.slotEpoch, (length) => new Uint32Array(length));
    }
    this.slots[slot] = article;
    this.slotTime[slot] = article.publishedAtMs;
    this.slotSeq[slot] = article.seq;
    this.slotEpoch[slot] = 0;
    return slot;
  }

  private idf(term: Term): number {
    if (term.idfVersion === this.statsVersion) return term.idf;
    const n = this.articles.size;
    const prior = this.tuning.priorArticles;
    term.idf = Math.log((n + prior) / (term.postings.length + prior * term.kind.priorShare + 1));
    term.idfVersion = this.statsVersion;
    return term.idf;
  }

  private weight(term: Term, flags: number): number {
    const { titleWeight, summaryWeight, bothFieldsBonus, entityBoost, numberBoost } = this.tuning;
    const inTitle = (flags & IN_TITLE) !== 0;
    const inSummary = (flags & IN_SUMMARY) !== 0;
    let weight = inTitle ? titleWeight + (inSummary ? bothFieldsBonus : 0) : summaryWeight;
    if (flags & ENTITY) weight *= entityBoost;
    else if (term.kind.isTellingNumber) weight *= numberBoost;
    return weight * this.idf(term);
  }

  private place(article: StoredArticle): MatchResult {
    const query = this.query(article);
    const candidates = this.candidates(query);
    // Score each candidate story by its links to its members (most recent first).
    const links = new Map<StoredArticle, number>();
    const linkTo = (member: StoredArticle) => {
      let value = links.get(member);
      if (value === undefined) links.set(member, (value = this.link(query, member)));
      return value;
    };
    const scored: Array<{ story: Story; score: number; best: number }> = [];
    for (const story of candidates) {
      let best = 0;
      let sum = 0;
      let compared = 0;
      for (let i = story.members.length - 1; i >= 0 && compared < MEMBERS_COMPARED; i--) {
        const member = story.members[i];
        if (Math.abs(member.publishedAtMs - article.publishedAtMs) > this.tuning.maxGapMs) continue;
        const value = linkTo(member);
        best = Math.max(best, value);
        sum += value;
        compared += 1;
      }
      if (compared === 0) continue;
      const score = this.tuning.maxLinkShare * best + (1 - this.tuning.maxLinkShare) * (sum / compared);
      scored.push({ story, score, best });
    }
    scored.sort((a, b) => b.score - a.score || a.story.seq - b.story.seq);
    const joinable = scored.filter((entry) => entry.score >= this.tuning.joinScore && entry.best >= this.tuning.minBestLink);
    if (joinable.length === 0) {
      const story: Story = { id: article.id, seq: article.seq, members: [article] };
      article.story = story;
      this.stories.set(story.id, story);
      return { storyId: story.id, joined: false, mergedStoryIds: [] };
    }
    // The best story, and every other that matches strongly and agrees with it: one event told twice.
    const together = [joinable[0].story];
    for (const entry of joinable.slice(1)) {
      if (entry.score >= this.tuning.mergeScore && joinable[0].score >= this.tuning.mergeScore && together.every((story) => !this.storiesConflict(story, entry.story))) {
        together.push(entry.story);
      }
    }
    together.sort((a, b) => a.seq - b.seq);
    const survivor = together[0];
    const mergedStoryIds: number[] = [];
    for (const absorbed of together.slice(1)) {
      for (const member of absorbed.members) member.story = survivor;
      survivor.members.push(...absorbed.members);
      this.stories.delete(absorbed.id);
      mergedStoryIds.push(absorbed.id);
    }
    if (mergedStoryIds.length > 0) survivor.members.sort((a, b) => a.seq - b.seq);
    survivor.members.push(article);
    article.story = survivor;
    return { storyId: survivor.id, joined: true, mergedStoryIds };
  }

  private query(article: StoredArticle): Query {
    const terms = new Map<Term, Weighted>();
    let normSquared = 0;
    let shortNormSquared = 0;
    let neutralNormSquared = 0;
    let entityNormSquared = 0;
    for (let i = 0; i < article.terms.length; i++) {
      const term = article.terms[i];
      const flags = article.flags[i];
      const full = this.weight(term, flags);
      const short = flags & IN_TITLE ? full : full * this.tuning.bareHeadlineSummaryShare;
      const neutral = isNeutral(term, flags);
      terms.set(term, { full, short, flags, neutral });
      normSquared += full * full;
      shortNormSquared += short * short;
      if (neutral) neutralNormSquared += full * full;
      if (flags & ENTITY) entityNormSquared += full * full;
    }
    return { article, terms, norm: Math.sqrt(normSquared), shortNorm: Math.sqrt(shortNormSquared), neutralNorm: Math.sqrt(neutralNormSquared), entityNormSquared };
  }

  /** Stories of the stored articles that share the query's rarest terms, within the time window. */
  private candidates(query: Query): Story[] {
    // Epochs tell this query's scratch scores from stale ones without clearing them (wraps after 4e9 queries).
    const epoch = (this.epoch = (this.epoch % 0xfffffffe) + 1);
    const n = this.articles.size;
    const ranked = [...query.terms.keys()]
      .filter((term) => term.postings.length > 0)
      .sort((a, b) => a.postings.length - b.postings.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    const commonAbove = Math.max(50, n * COMMON_TERM_SHARE);
    const touched: number[] = [];
    const scores = this.slotScore;
    const epochs = this.slotEpoch;
    for (let rank = 0; rank < ranked.length && rank < CANDIDATE_TERMS; rank++) {
      const term = ranked[rank];
      if (rank >= 3 && term.postings.length > commonAbove) break;
      const weight = query.terms.get(term)!.full;
      const postings = term.postings;
      // Newest first: news is matched against recent news.
      for (let i = postings.length - 1, read = 0; i >= 0 && read < POSTINGS_READ; i--, read++) {
        const slot = postings[i];
        if (epochs[slot] !== epoch) {
          epochs[slot] = epoch;
          scores[slot] = 0;
          touched.push(slot);
        }
        scores[slot] += weight;
      }
    }
    const best = this.topCandidates(touched, query.article.publishedAtMs);
    const stories: Story[] = [];
    for (const slot of best) {
      const story = this.slots[slot]!.story;
      if (stories.length < CANDIDATE_STORIES && !stories.includes(story)) stories.push(story);
    }
    return stories;
  }

  /** Ranks candidate slots: more shared rare terms first, then the earlier added. */
  private isBetterCandidate(a: number, b: number): boolean {
    const scores = this.slotScore;
    return scores[a] > scores[b] || (scores[a] === scores[b] && this.slotSeq[a] < this.slotSeq[b]);
  }

  /**
   * The CANDIDATE_ARTICLES best touched slots within the time window, best first. A bounded heap (worst on
   * top) instead of sorting everything touched: common terms touch thousands.
   */
  private topCandidates(touched: number[], publishedAtMs: number): number[] {
    const maxGapMs = this.tuning.maxGapMs;
    const times = this.slotTime;
    const scores = this.slotScore;
    // Articles sharing under a quarter of the best candidate's rare-term weight cannot win: skip them early.
    let bestScore = 0;
    for (const slot of touched) if (scores[slot] > bestScore) bestScore = scores[slot];
    const floor = bestScore * 0.25;
    const heap: number[] = [];
    const worse = (i: number, j: number) => this.isBetterCandidate(heap[j], heap[i]);
    const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
    for (const slot of touched) {
      if (scores[slot] < floor || Math.abs(times[slot] - publishedAtMs) > maxGapMs) continue;
      if (heap.length < CANDIDATE_ARTICLES) {
        heap.push(slot);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!worse(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
      } else if (this.isBetterCandidate(slot, heap[0])) {
        heap[0] = slot;
        for (let i = 0; ; ) {
          const left = 2 * i + 1;
          const right = left + 1;
          let worst = i;
          if (left < heap.length && worse(left, worst)) worst = left;
          if (right < heap.length && worse(right, worst)) worst = right;
          if (worst === i) break;
          swap(i, worst);
          i = worst;
        }
      }
    }
    return heap.sort((a, b) => (this.isBetterCandidate(a, b) ? -1 : this.isBetterCandidate(b, a) ? 1 : 0));
  }

  /** How strongly two articles look like one event, 0…1. */
  private link(query: Query, other: StoredArticle): number {
    const t = this.tuning;
    const gap = Math.abs(other.publishedAtMs - query.article.publishedAtMs);
    if (gap > t.maxGapMs) return 0;
    // A bare headline against a headline with a summary: the summary's extra words should not drown it.
    const short = !query.article.hasSummary || !other.hasSummary;
    const crossLanguage = query.article.language !== other.language && query.article.language !== "other" && other.language !== "other";
    let dot = 0;
    let normSquared = 0;
    let neutralDot = 0;
    let neutralNormSquared = 0;
    let entityNormSquared = 0;
    let sharedEntities = 0;
    for (let i = 0; i < other.terms.length; i++) {
      const term = other.terms[i];
      const flags = other.flags[i];
      const full = this.weight(term, flags);
      const weight = short && !(flags & IN_TITLE) ? full * t.bareHeadlineSummaryShare : full;
      const neutral = crossLanguage && isNeutral(term, flags);
      normSquared += weight * weight;
      if (neutral) neutralNormSquared += full * full;
      if (flags & ENTITY) entityNormSquared += full * full;
      const mine = query.terms.get(term);
      if (mine === undefined) continue;
      dot += (short ? mine.short : mine.full) * weight;
      if (crossLanguage && (neutral || mine.neutral)) neutralDot += mine.full * full;
      if ((flags | mine.flags) & ENTITY) sharedEntities += mine.full * full;
    }
    const queryNorm = short ? query.shortNorm : query.norm;
    if (dot === 0 || queryNorm === 0 || normSquared === 0) return 0;
    let score = dot / (queryNorm * Math.sqrt(normSquared));
    if (crossLanguage && neutralDot > 0 && query.neutralNorm > 0 && neutralNormSquared > 0) {
      // Outlets in two languages share only names, numbers and concepts: compare those.
      score = Math.max(score, t.crossLanguageShare * Math.min(1, neutralDot / (query.neutralNorm * Math.sqrt(neutralNormSquared))));
    }

    if (query.entityNormSquared > 0 && entityNormSquared > 0) {
      const overlap = Math.min(1, sharedEntities / Math.sqrt(query.entityNormSquared * entityNormSquared));
      score *= t.entityDisagreement + (1 - t.entityDisagreement) * Math.min(1, overlap / t.entityFullOverlap);
    } else if (query.entityNormSquared > 0 || entityNormSquared > 0) {
      score *= t.oneSidedEntities;
    }
    score *= conflictFactor(query.article, other, t);
    if (other.sourceId === query.article.sourceId) score *= t.sameSource;
    if (other.language === "other" || query.article.language === "other") score *= t.otherScript;
    const relativeGap = gap / t.maxGapMs;
    return score * (1 - t.timeDecay * relativeGap * relativeGap);
  }

  /** Whether two stories hold values that argue against one event (their members' values taken together). */
  private storiesConflict(a: Story, b: Story): boolean {
    return conflictFactor(valuesOfStory(a, MEMBERS_COMPARED), valuesOfStory(b, MEMBERS_COMPARED), this.tuning) < 1;
  }
}

/** Names, numbers and concepts are alike in every language; other words are not. */
function isNeutral(term: Term, flags: number): boolean {
  return term.kind.group !== "" || (flags & (ENTITY | CAPITALISED)) !== 0;
}

function validate(input: ArticleToMatch): void {
  if (typeof input !== "object" || input === null) throw new ValidationError("An article to match must be an object");
  if (!Number.isSafeInteger(input.id)) throw new ValidationError(`Article id must be an integer (got ${String(input.id)})`);
  if (!Number.isSafeInteger(input.sourceId)) throw new ValidationError(`Article ${input.id}: sourceId must be an integer`);
  if (typeof input.publishedAtMs !== "number" || !Number.isFinite(input.publishedAtMs)) {
    throw new ValidationError(`Article ${input.id}: publishedAtMs must be a finite number of milliseconds`);
  }
  if (typeof input.title !== "string") throw new ValidationError(`Article ${input.id}: title must be a string`);
  if (input.summary !== undefined && input.summary !== null && typeof input.summary !== "string") {
    throw new ValidationError(`Article ${input.id}: summary must be a string when given`);
  }
}
