// The story-matching benchmark's baseline (bench/scenarios/story-matching.ts): the in-memory inverted index of
// recent headlines that grouped "also covered by" before the story matcher (lib/domain/story-matching).
// Why in memory: the full-text query it replaces scored every article sharing any word with the new headline
// (bm25 over the whole OR), which cost 1.5 ms per new article at 12k articles and 14 ms at 60k; counting
// shared words here costs microseconds. Only headlines with enough significant words are kept, since the
// others can never be the same story (isSameStory needs three on each side).
import { SAME_STORY_THRESHOLD } from "./headline-jaccard";

export type StoryEntry = {
  id: number;
  sourceId: number;
  publishedAtMs: number;
  clusterId: number | null;
  /** headlineTokens(title): distinct significant words. */
  tokens: string[];
};

export type StoryMatch = { entry: StoryEntry; similarity: number };

const MIN_TOKENS = 3;

export class StoryIndex {
  private readonly entries = new Map<number, StoryEntry>();
  /** token → ids of the headlines containing it, and the one copy of the token string they share. */
  private readonly postings = new Map<string, { token: string; ids: Set<number> }>();

  /** `windowMs`: a match must have been published within this long of the subject, either way. */
  constructor(private readonly windowMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: number): StoryEntry | undefined {
    return this.entries.get(id);
  }

  add(entry: StoryEntry): void {
    if (entry.tokens.length < MIN_TOKENS || this.entries.has(entry.id)) return;
    // Each headline's words are fresh strings; keeping the shared copy instead halves the index's memory.
    const tokens = entry.tokens.map((token) => {
      let posting = this.postings.get(token);
      if (!posting) this.postings.set(token, (posting = { token, ids: new Set() }));
      posting.ids.add(entry.id);
      return posting.token;
    });
    this.entries.set(entry.id, { ...entry, tokens });
  }

  /**
   * The most similar headline from another source within the window (ties: the earliest article), or null.
   * Similarity is Jaccard over significant words, as in headlineSimilarity.
   */
  bestMatch(subject: StoryEntry): StoryMatch | null {
    const n = subject.tokens.length;
    if (n < MIN_TOKENS) return null;
    const shared = new Map<number, number>();
    for (const token of subject.tokens) {
      const posting = this.postings.get(token);
      if (posting) for (const id of posting.ids) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    let best: StoryMatch | null = null;
    for (const [id, count] of shared) {
      // Jaccard ≥ 1/2 needs at least half of the subject's words in common; skip the rest cheaply.
      if (count * 2 < n || id === subject.id) continue;
      const entry = this.entries.get(id)!;
      if (entry.sourceId === subject.sourceId || Math.abs(entry.publishedAtMs - subject.publishedAtMs) > this.windowMs) continue;
      const similarity = count / (n + entry.tokens.length - count);
      if (similarity < SAME_STORY_THRESHOLD) continue;
      if (!best || similarity > best.similarity || (similarity === best.similarity && id < best.entry.id)) best = { entry, similarity };
    }
    return best;
  }

  setCluster(id: number, clusterId: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.clusterId = clusterId;
  }

  /** Forgets headlines published before `cutoffMs`. Returns how many were dropped. */
  pruneOlderThan(cutoffMs: number): number {
    let dropped = 0;
    for (const [id, entry] of this.entries) {
      if (entry.publishedAtMs >= cutoffMs) continue;
      this.entries.delete(id);
      for (const token of entry.tokens) {
        const posting = this.postings.get(token);
        posting?.ids.delete(id);
        if (posting?.ids.size === 0) this.postings.delete(token);
      }
      dropped += 1;
    }
    return dropped;
  }
}
