// What the story matcher keeps of each article, term and story it has seen: the records its inverted index,
// its candidate search and its conflict rules (value-conflicts.ts) all read.
import type { Language } from "./language";
import type { TermKind } from "./term-kinds";
import type { ConflictValues } from "./value-conflicts";

export type Term = {
  text: string;
  kind: TermKind;
  /**
   * Index into the matcher's per-term typed arrays (document frequency, IDF, query scratch), which its
   * comparisons read for thousands of terms per article; reused after the term is pruned.
   */
  id: number;
  /** Slots of the stored articles containing the term, in the order they were added (small integers). */
  postings: number[];
  /** Articles showing the term capitalised / in lower case mid-sentence: a lexicon of names. */
  capitalised: number;
  lowercase: number;
};

export type Story = { id: number; seq: number; members: StoredArticle[] };

/** Stems an article showed capitalised / in lower case mid-sentence: they feed the lexicon of names. */
export type NameObservations = { capitalised: string[]; lowercase: string[] };

export type StoredArticle = {
  id: number;
  sourceId: number;
  publishedAtMs: number;
  seq: number;
  /** Index into the matcher's slot arrays; reused after the article is pruned. */
  slot: number;
  language: Language;
  /** False for a bare headline: its comparisons weigh the other side's summary less. */
  hasSummary: boolean;
  story: Story;
  terms: Term[];
  /** IN_TITLE | IN_SUMMARY | ENTITY | CAPITALISED per term. */
  flags: number[];
  /** Term.id per term: the comparisons read them for every term, without a hop to the Term. */
  termIds: number[];
  /** Its values in each conflict group, read from its terms on first use (value-conflicts.ts). */
  conflicts: ConflictValues | undefined;
};
