// What the story matcher keeps of each article, term and story it has seen: the records its inverted index,
// its candidate search and its conflict rules (value-conflicts.ts) all read.
import type { Language } from "./language";
import type { TermKind } from "./term-kinds";

export type Term = {
  text: string;
  kind: TermKind;
  /** Slots of the stored articles containing the term, in the order they were added (small integers). */
  postings: number[];
  /** Articles showing the term capitalised / in lower case mid-sentence: a lexicon of names. */
  capitalised: number;
  lowercase: number;
  /** idf() under the statistics of statsVersion, cached: every comparison reads it. */
  idf: number;
  idfVersion: number;
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
};
