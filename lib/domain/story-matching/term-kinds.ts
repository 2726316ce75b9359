// What an index term is, read once when the term is first seen: whether two articles with different values
// of it must be different events (a conflict group), how common it is before the index has seen enough
// articles to say (the IDF prior), and whether it gets extra weight.
import { stemWord } from "./language";

/**
 * Groups whose values exclude each other. Hard: never one event. Soft: rarely one event. Directions (raised,
 * held, cut) count only between articles that both speak of a rate or an indicator (see the matcher).
 */
const HARD_GROUPS = new Set(["@cb", "@storm", "#bp", "#score", "#magnitude", "~dir"]);
const SOFT_GROUPS = new Set(["@country", "~outcome"]);
/** Groups whose conflicts are read from the headline when it has any (summaries mention context). */
const HEADLINE_GROUPS = new Set(["~dir", "~outcome"]);

export type TermKind = {
  /** "@cb", "#score", "~dir"…, or "" for a plain word. */
  group: string;
  value: string;
  /** Magnitudes compare with a tolerance: outlets' first readings differ by a tenth or two. */
  numeric: number;
  conflict: "hard" | "soft" | null;
  /** Whether the headline's values, when there are any, stand for the article in a conflict. */
  headlineDecides: boolean;
  /** Share of articles assumed to contain the term before the index knows better. */
  priorShare: number;
  /** Rate moves, scores and magnitudes are as telling as names. */
  isTellingNumber: boolean;
  /** Rates, inflation, unemployment: the things whose direction (up, held, down) tells events apart. */
  isIndicator: boolean;
};

const INDICATORS = new Set(["~rate", "~inflation", "~unemployment"]);

// Words in most news whatever the event: a small prior keeps them from looking rare in a small index.
const GENERIC_STEMS = new Set(
  "year years day days week weeks month time people first last new two three percent state country city nation world public plan plans group company companies market price prices official officials leader leaders local national report home officials million billion says week people".split(" ").map((word) => stemWord(word, "en")),
);

function priorShare(group: string, value: string): number {
  switch (group) {
    case "":
      return GENERIC_STEMS.has(value) ? 0.05 : 0.003;
    case "#quantity": {
      const year = Number(value);
      return Number.isInteger(year) && year >= 1900 && year <= 2100 ? 0.1 : 0.01;
    }
    case "#pct":
    case "#temperature":
      return 0.02;
    case "#bp":
    case "#score":
      return 0.01;
    case "#magnitude":
      return 0.005;
    case "~dir":
      return 0.08;
    case "~outcome":
      return 0.03;
    case "@country":
      return 0.03;
    case "@org":
      return 0.02;
    case "@cb":
      return 0.01;
    case "@storm":
      return 0.002;
    default:
      // Other concepts ("~rate", "~quake", "~jobs"): common topics.
      return group.startsWith("~") ? 0.02 : 0.003;
  }
}

export function describeTerm(term: string): TermKind {
  const first = term[0];
  let group = "";
  let value = term;
  if (first === "@" || first === "#" || first === "~") {
    const colon = term.indexOf(":");
    group = colon > 0 ? term.slice(0, colon) : term;
    value = colon > 0 ? term.slice(colon + 1) : "";
  }
  return {
    group,
    value,
    numeric: group === "#magnitude" ? Number(value) : NaN,
    conflict: HARD_GROUPS.has(group) ? "hard" : SOFT_GROUPS.has(group) ? "soft" : null,
    headlineDecides: HEADLINE_GROUPS.has(group),
    priorShare: priorShare(group, value),
    isTellingNumber: group === "#bp" || group === "#score" || group === "#magnitude",
    isIndicator: INDICATORS.has(term),
  };
}

/** Magnitudes within this are one reading of one quake. */
export const MAGNITUDE_TOLERANCE = 0.3;
