// Values that cannot both be true of one event: two central banks, two scores, two storms, a rate raised and a
// rate held. The story matcher multiplies a link between two articles (or two stories) by what is left after
// their conflicts (docs/decisions/0010-stories.md); each value's group and kind come from term-kinds.ts.
import * as features from "./article-features";
import type { StoryMatchingTuning } from "./matching-tuning";
import type { Story, StoredArticle, Term } from "./stored-article";
import { MAGNITUDE_TOLERANCE } from "./term-kinds";

// Read once: an imported binding is a getter call once compiled to CommonJS (tsx), and this one is read for
// every term of every comparison.
const IN_TITLE = features.IN_TITLE;

export type ConflictValues = Map<string, Array<{ term: Term; inTitle: boolean }>>;

/** Group under which conflictValues records that an article speaks of an indicator (rates, inflation…). */
const INDICATOR = "indicator";

/** Shared by every article without values in any group: it is only ever read. */
const NO_VALUES: ConflictValues = new Map();

/**
 * The article's (or story's) values in each conflict group. An article's are kept on it: its terms never
 * change, and every comparison with it (a hundred per new article) needs them.
 */
function conflictValues(source: StoredArticle | ConflictValues): ConflictValues {
  if (source instanceof Map) return source;
  return (source.conflicts ??= valuesOfArticle(source));
}

function valuesOfArticle(source: StoredArticle): ConflictValues {
  const values: ConflictValues = new Map();
  for (let i = 0; i < source.terms.length; i++) {
    const term = source.terms[i];
    if (term.kind.isIndicator) values.set(INDICATOR, []);
    if (!term.kind.conflict) continue;
    let list = values.get(term.kind.group);
    if (!list) values.set(term.kind.group, (list = []));
    list.push({ term, inTitle: (source.flags[i] & IN_TITLE) !== 0 });
  }
  return values.size === 0 ? NO_VALUES : values;
}

/** The values of a story: those of its `membersCompared` most recent members taken together. */
export function valuesOfStory(story: Story, membersCompared: number): ConflictValues {
  const values: ConflictValues = new Map();
  for (const member of story.members.slice(-membersCompared)) {
    for (const [group, list] of conflictValues(member)) values.set(group, [...(values.get(group) ?? []), ...list]);
  }
  return values;
}

function sameValue(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (a.kind.group === "#magnitude") return Math.abs(a.kind.numeric - b.kind.numeric) <= MAGNITUDE_TOLERANCE + 1e-9;
  return false;
}

/**
 * What is left of a link after conflicts, 0…1: a group with values on both sides and none in common costs
 * hardConflict or softConflict; a group of names (central banks, storms) where one side names more than
 * the other ("why the Fed and the ECB diverge" against "Fed raises rates") costs the square root of
 * hardConflict: a roundup is not the event.
 */
export function conflictFactor(a: StoredArticle | ConflictValues, b: StoredArticle | ConflictValues, tuning: StoryMatchingTuning): number {
  const valuesA = conflictValues(a);
  if (valuesA.size === 0) return 1;
  const valuesB = conflictValues(b);
  let factor = 1;
  for (const [group, listA] of valuesA) {
    const listB = valuesB.get(group);
    if (!listB || listA.length === 0 || listB.length === 0) continue;
    // "Oil rises as OPEC+ extends cuts": directions differ between events only when both speak of an
    // indicator (a rate raised vs held); elsewhere the verbs have different subjects.
    if (group === "~dir" && !(valuesA.has(INDICATOR) && valuesB.has(INDICATOR))) continue;
    let termsA = listA;
    let termsB = listB;
    if (listA[0].term.kind.headlineDecides) {
      // "Raises rates after holding them in March": the headline says which way this article's event went.
      if (listA.some((entry) => entry.inTitle)) termsA = listA.filter((entry) => entry.inTitle);
      if (listB.some((entry) => entry.inTitle)) termsB = listB.filter((entry) => entry.inTitle);
    }
    const unmatchedA = termsA.filter((x) => !termsB.some((y) => sameValue(x.term, y.term))).length;
    const unmatchedB = termsB.filter((y) => !termsA.some((x) => sameValue(x.term, y.term))).length;
    const hard = listA[0].term.kind.conflict === "hard";
    if (unmatchedA === termsA.length) factor *= hard ? tuning.hardConflict : tuning.softConflict;
    else if (hard && NAME_GROUPS.has(group) && (unmatchedA > 0 || unmatchedB > 0)) factor *= Math.sqrt(tuning.hardConflict);
  }
  return factor;
}

/** Conflict groups of names, where naming one more than the other side is a partial conflict. */
const NAME_GROUPS = new Set(["@cb", "@storm"]);
