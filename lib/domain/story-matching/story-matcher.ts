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

/**
 * Weights of an article's terms under the index's current statistics, and the norms a comparison needs, by
 * position in article.terms. The matcher's termQueryMark/termQueryIndex find a term's position (a scratch per
 * term instead of a Map keyed by term: link() looks up every term of every member compared).
 */
type Query = {
  article: StoredArticle;
  mark: number;
  /** Full weights, and weights with summary-only terms discounted (against a bare headline). */
  full: number[];
  short: number[];
  flags: number[];
  /** Names, numbers and concepts: what an article in another language can share with it. */
  neutral: boolean[];
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
/** A term's weight before IDF is in StoryMatcher.weightsBeforeIdf at its flags, plus this (the bit above them) for a telling number. */
const TELLING_NUMBER = (IN_TITLE | IN_SUMMARY | ENTITY | CAPITALISED) + 1;

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
  // Per term id (Term.id), in typed arrays: what the comparisons read for each of the thousands of terms they
  // visit per article — document frequency, the IDF prior, the cached IDF, whether it is a telling number, and
  // the query's scratch — so that they do not chase a Term, its kind, its postings and its boxed numbers.
  private termDf = new Int32Array(4096);
  /** priorArticles × kind.priorShare. */
  private termPrior = new Float64Array(4096);
  /** idf() under the statistics of termIdfVersion (cached: every comparison reads it). */
  private termIdf = new Float64Array(4096);
  private termIdfVersion = new Float64Array(4096);
  /** kind.isTellingNumber, as 1 or 0. */
  private termTelling = new Uint8Array(4096);
  /** Whether the term is in the query being matched (its mark), and where in it. */
  private termQueryMark = new Float64Array(4096);
  private termQueryIndex = new Int32Array(4096);
  private nextTermId = 0;
  private readonly freeTermIds: number[] = [];
  /** Changes whenever the document frequencies do (an article indexed or pruned). */
  private statsVersion = 0;
  /** The last query's mark in termQueryMark. */
  private queryMark = 0;
  /** weightBeforeIdf by flags (+ TELLING_NUMBER), worked out once: the comparisons read it for every term. */
  private readonly weightsBeforeIdf = new Float64Array(2 * TELLING_NUMBER);

  constructor(tuning: Partial<StoryMatchingTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    for (let flags = 0; flags < TELLING_NUMBER; flags++) {
      this.weightsBeforeIdf[flags] = this.weightBeforeIdf(flags, false);
      this.weightsBeforeIdf[flags + TELLING_NUMBER] = this.weightBeforeIdf(flags, true);
    }
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
      termIds: [],
      conflicts: undefined,
    };
    for (const [text, flags] of analyzed.terms) {
      const term = this.terms.get(text) ?? this.newTerm(text);
      article.terms.push(term);
      article.flags.push(flags);
      article.termIds.push(term.id);
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
      this.termDf[term.id] = term.postings.length;
      if (term.postings.length === 0) {
        this.terms.delete(term.text);
        this.freeTermIds.push(term.id);
      }
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
    const term: Term = { text, kind: describeTerm(text), id: this.takeTermId(), postings: [], capitalised: 0, lowercase: 0 };
    this.termDf[term.id] = 0;
    this.termPrior[term.id] = this.tuning.priorArticles * term.kind.priorShare;
    this.termIdfVersion[term.id] = -1;
    this.termTelling[term.id] = term.kind.isTellingNumber ? 1 : 0;
    this.termQueryMark[term.id] = 0;
    this.terms.set(text, term);
    return term;
  }

  private takeTermId(): number {
    const id = this.freeTermIds.pop() ?? this.nextTermId++;
    if (id >= this.termDf.length) {
      this.termDf = grow(this.termDf, (length) => new Int32Array(length));
      this.termPrior = grow(this.termPrior, (length) => new Float64Array(length));
      this.termIdf = grow(this.termIdf, (length) => new Float64Array(length));
      this.termIdfVersion = grow(this.termIdfVersion, (length) => new Float64Array(length));
      this.termTelling = grow(this.termTelling, (length) => new Uint8Array(length));
      this.termQueryMark = grow(this.termQueryMark, (length) => new Float64Array(length));
      this.termQueryIndex = grow(this.termQueryIndex, (length) => new Int32Array(length));
    }
    return id;
  }

  private isKnownName(stem: string): boolean {
    const term = this.terms.get(stem);
    return term !== undefined && term.capitalised >= NAME_MIN_ARTICLES && term.capitalised >= 3 * term.lowercase;
  }

  /** Adds the article to the inverted index and the name lexicon (after matching: it must not match itself). */
  private index(article: StoredArticle, names: NameObservations): void {
    article.slot = this.takeSlot(article);
    for (const term of article.terms) {
      term.postings.push(article.slot);
      this.termDf[term.id] = term.postings.length;
    }
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

  private idf(id: number): number {
    if (this.termIdfVersion[id] === this.statsVersion) return this.termIdf[id];
    const n = this.articles.size;
    const prior = this.tuning.priorArticles;
    // termPrior[id] is prior × kind.priorShare.
    const idf = Math.log((n + prior) / (this.termDf[id] + this.termPrior[id] + 1));
    this.termIdf[id] = idf;
    this.termIdfVersion[id] = this.statsVersion;
    return idf;
  }

  /** A term's weight in an article (its flags there), under the index's current statistics. */
  private weight(id: number, flags: number): number {
    return this.weightsBeforeIdf[(flags & (TELLING_NUMBER - 1)) + (this.termTelling[id] ? TELLING_NUMBER : 0)] * this.idf(id);
  }

  /** A term's weight is this (by where it occurs, whether it names something or is a telling number) × its IDF. */
  private weightBeforeIdf(flags: number, isTellingNumber: boolean): number {
    const { titleWeight, summaryWeight, bothFieldsBonus, entityBoost, numberBoost } = this.tuning;
    const inTitle = (flags & IN_TITLE) !== 0;
    const inSummary = (flags & IN_SUMMARY) !== 0;
    let weight = inTitle ? titleWeight + (inSummary ? bothFieldsBonus : 0) : summaryWeight;
    if (flags & ENTITY) weight *= entityBoost;
    else if (isTellingNumber) weight *= numberBoost;
    return weight;
  }

  private place(article: StoredArticle): MatchResult {
    const query = this.query(article);
    const candidates = this.candidates(query);
    // Score each candidate story by its links to its members (most recent first). A member is in one story
    // only, so each link is worked out once.
    const scored: Array<{ story: Story; score: number; best: number }> = [];
    for (const story of candidates) {
      let best = 0;
      let sum = 0;
      let compared = 0;
      for (let i = story.members.length - 1; i >= 0 && compared < MEMBERS_COMPARED; i--) {
        const member = story.members[i];
        if (Math.abs(member.publishedAtMs - article.publishedAtMs) > this.tuning.maxGapMs) continue;
        const value = this.link(query, member);
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
    const mark = ++this.queryMark;
    const fullWeights: number[] = [];
    const shortWeights: number[] = [];
    const neutrals: boolean[] = [];
    let normSquared = 0;
    let shortNormSquared = 0;
    let neutralNormSquared = 0;
    let entityNormSquared = 0;
    for (let i = 0; i < article.terms.length; i++) {
      const term = article.terms[i];
      const flags = article.flags[i];
      const id = article.termIds[i];
      const full = this.weight(id, flags);
      const short = flags & IN_TITLE ? full : full * this.tuning.bareHeadlineSummaryShare;
      const neutral = isNeutral(term, flags);
      this.termQueryMark[id] = mark;
      this.termQueryIndex[id] = i;
      fullWeights.push(full);
      shortWeights.push(short);
      neutrals.push(neutral);
      normSquared += full * full;
      shortNormSquared += short * short;
      if (neutral) neutralNormSquared += full * full;
      if (flags & ENTITY) entityNormSquared += full * full;
    }
    return {
      article,
      mark,
      full: fullWeights,
      short: shortWeights,
      flags: article.flags,
      neutral: neutrals,
      norm: Math.sqrt(normSquared),
      shortNorm: Math.sqrt(shortNormSquared),
      neutralNorm: Math.sqrt(neutralNormSquared),
      entityNormSquared,
    };
  }

  /** Stories of the stored articles that share the query's rarest terms, within the time window. */
  private candidates(query: Query): Story[] {
    // Epochs tell this query's scratch scores from stale ones without clearing them (wraps after 4e9 queries).
    const epoch = (this.epoch = (this.epoch % 0xfffffffe) + 1);
    const n = this.articles.size;
    const ranked = query.article.terms
      .filter((term) => term.postings.length > 0)
      .sort((a, b) => a.postings.length - b.postings.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    const queryIndex = this.termQueryIndex;
    const commonAbove = Math.max(50, n * COMMON_TERM_SHARE);
    const touched: number[] = [];
    const scores = this.slotScore;
    const epochs = this.slotEpoch;
    for (let rank = 0; rank < ranked.length && rank < CANDIDATE_TERMS; rank++) {
      const term = ranked[rank];
      if (rank >= 3 && term.postings.length > commonAbove) break;
      const weight = query.full[queryIndex[term.id]];
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

  /**
   * The CANDIDATE_ARTICLES best touched slots within the time window, best first: more shared rare terms
   * first, then the earlier added. A bounded heap (worst on top) instead of sorting everything touched: common
   * terms touch thousands.
   */
  private topCandidates(touched: number[], publishedAtMs: number): number[] {
    const maxGapMs = this.tuning.maxGapMs;
    const times = this.slotTime;
    const scores = this.slotScore;
    const seqs = this.slotSeq;
    // The order of candidates, on local typed arrays rather than a method reading this.slotScore each time.
    const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && seqs[a] < seqs[b]);
    // Articles sharing under a quarter of the best candidate's rare-term weight cannot win: skip them early.
    let bestScore = 0;
    for (const slot of touched) if (scores[slot] > bestScore) bestScore = scores[slot];
    const floor = bestScore * 0.25;
    const heap: number[] = [];
    // The heap ends up with the same best slots in any order of insertion (no two slots tie: seqs differ). Last
    // touched first: postings are read newest first, and among equal scores the earlier added wins, so this
    // order fills the heap with winners early and most later slots are turned away by one comparison.
    for (let k = touched.length - 1; k >= 0; k--) {
      const slot = touched[k];
      if (scores[slot] < floor) continue;
      // Once the heap is full, most slots are turned away by the worst kept, before their time is even read.
      if (heap.length === CANDIDATE_ARTICLES && !better(slot, heap[0])) continue;
      if (Math.abs(times[slot] - publishedAtMs) > maxGapMs) continue;
      if (heap.length < CANDIDATE_ARTICLES) {
        // Sift up: parents better than the new slot move down (a hole moves up instead of swapping pairs).
        let i = heap.length;
        heap.push(slot);
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!better(heap[parent], slot)) break;
          heap[i] = heap[parent];
          i = parent;
        }
        heap[i] = slot;
      } else {
        // Sift down: the worse child moves up while it is worse than the new slot.
        let i = 0;
        for (;;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let worst = i;
          let worstSlot = slot;
          if (left < heap.length && better(worstSlot, heap[left])) {
            worst = left;
            worstSlot = heap[left];
          }
          if (right < heap.length && better(worstSlot, heap[right])) {
            worst = right;
            worstSlot = heap[right];
          }
          if (worst === i) break;
          heap[i] = worstSlot;
          i = worst;
        }
        heap[i] = slot;
      }
    }
    // Best first, in the order of better (scores are finite, seqs distinct).
    return heap.sort((a, b) => scores[b] - scores[a] || seqs[a] - seqs[b]);
  }

  /** How strongly two articles look like one event, 0…1. */
  private link(query: Query, other: StoredArticle): number {
    const t = this.tuning;
    const gap = Math.abs(other.publishedAtMs - query.article.publishedAtMs);
    if (gap > t.maxGapMs) return 0;
    // A bare headline against a headline with a summary: the summary's extra words should not drown it.
    const short = !query.article.hasSummary || !other.hasSummary;
    const crossLanguage = query.article.language !== other.language && query.article.language !== "other" && other.language !== "other";
    const mark = query.mark;
    const mineWeights = short ? query.short : query.full;
    const mineFull = query.full;
    const { termQueryMark, termQueryIndex } = this;
    const { terms, flags: termFlags, termIds } = other;
    let dot = 0;
    let normSquared = 0;
    let neutralDot = 0;
    let neutralNormSquared = 0;
    let entityNormSquared = 0;
    let sharedEntities = 0;
    for (let i = 0; i < termIds.length; i++) {
      const id = termIds[i];
      const flags = termFlags[i];
      const full = this.weight(id, flags);
      const weight = short && !(flags & IN_TITLE) ? full * t.bareHeadlineSummaryShare : full;
      const neutral = crossLanguage && isNeutral(terms[i], flags);
      normSquared += weight * weight;
      if (neutral) neutralNormSquared += full * full;
      if (flags & ENTITY) entityNormSquared += full * full;
      if (termQueryMark[id] !== mark) continue;
      const mine = termQueryIndex[id];
      dot += mineWeights[mine] * weight;
      if (crossLanguage && (neutral || query.neutral[mine])) neutralDot += mineFull[mine] * full;
      if ((flags | query.flags[mine]) & ENTITY) sharedEntities += mineFull[mine] * full;
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

/** A typed array twice as long, with the same contents first. */
function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(array: T, make: (length: number) => T): T {
  const bigger = make(array.length * 2);
  bigger.set(array);
  return bigger;
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
