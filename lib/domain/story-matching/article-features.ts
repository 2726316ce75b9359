// What the matcher compares: the terms of a headline and its summary, after the work that lets different
// wordings of one event meet — language-aware stemming, stop words, accent folding, the news vocabulary
// (synonyms, aliases), normalised numbers — and which of those terms name things (entities).
import { foldAccents, guessLanguage, isMostlyOtherScript, isStopword, stemWord, type Language } from "./language";
import { extractNumberMentions, numberTerm } from "./number-mentions";
import { acronymLookup, isEntityTerm, LONGEST_PHRASE, phraseLookup, PHRASE_FIRST_WORDS, wordLookup } from "./news-vocabulary";

/** Bits of a term's flags: where it occurs, whether it names something, whether it was written capitalised. */
export const IN_TITLE = 1;
export const IN_SUMMARY = 2;
export const ENTITY = 4;
/** Written with a capital somewhere: a name, or any word of a Title Case headline or of German. */
export const CAPITALISED = 8;

/** Strangers write feeds: what is read of each field is bounded (outlets' summaries are 1–3 sentences). */
const MAX_TITLE_CHARS = 300;
const MAX_SUMMARY_CHARS = 1200;
/** Terms kept per article, headline terms first; bounds memory and the cost of one comparison. */
export const MAX_TERMS = 64;
const MAX_WORD_CHARS = 40;

export type ArticleFeatures = {
  language: Language;
  /** term → IN_TITLE | IN_SUMMARY | ENTITY | CAPITALISED bits, headline terms first. */
  terms: Map<string, number>;
  /** Stems seen capitalised / in lower case in the middle of an ordinary sentence (for a lexicon of names). */
  capitalisedStems: string[];
  lowercaseStems: string[];
};

export type AnalyzeOptions = {
  /** Whether earlier articles showed this stem to be a name (capitalised mid-sentence). */
  isKnownName?: (stem: string) => boolean;
};

// Capitalised mid-sentence without being names: titles of office, days, months.
const NOT_NAMES = new Set(
  (
    "president prime minister chancellor mayor governor senator secretary mr mrs ms dr sir king queen prince princess pope general chief ceo coach manager captain " +
    "minister ministre president presidente ministro alcalde maire kanzler prasident bundeskanzler " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december " +
    "lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre " +
    "montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar marz juni juli oktober dezember " +
    "lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
  ).split(" "),
);

const STORM_NAME = /\b(?:Tropical Storm|Storm|Hurricane|Typhoon|Cyclone|Tempête|Tempete|Sturmtief|Sturm|Orkan|Borrasca|Tormenta|Huracán|Huracan|Tifón|Tifon)\s+(\p{Lu}\p{Ll}{2,})/gu;

/** Spellings that would otherwise split into one-letter words. */
function normaliseSpellings(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    // Dotted acronyms: "U.S." is US, "F.D.A." is FDA.
    .replace(/\b(?:\p{Lu}\.){2,}/gu, (acronym) => acronym.replace(/\./g, ""))
    // English possessive: "Arsenal's" is Arsenal.
    .replace(/(\p{L})'s\b/gu, "$1");
}

function bounded(text: unknown, max: number): string {
  if (typeof text !== "string") return "";
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return space > max / 2 ? cut.slice(0, space) : cut;
}

type Token = { original: string; lower: string; folded: string; sentenceStart: boolean };

const WORD = /[\p{L}\p{N}]+/gu;
const QUOTES_AND_BRACKETS = new Set([..."\"'«»“”„‚()[]{}-–—|*"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const original = match[0];
    let i = (match.index ?? 0) - 1;
    while (i >= 0 && (text[i] === " " || QUOTES_AND_BRACKETS.has(text[i]))) i -= 1;
    const sentenceStart = i < 0 || ".!?:;".includes(text[i]);
    const lower = original.toLowerCase();
    tokens.push({ original, lower, folded: foldAccents(lower), sentenceStart });
  }
  return tokens;
}

function isCapitalised(word: string): boolean {
  const first = word[0];
  return first !== first.toLowerCase();
}

function isAllCaps(word: string): boolean {
  return word.length >= 2 && word === word.toUpperCase() && word !== word.toLowerCase();
}

/**
 * True when capitals in this field say nothing about names: Title Case or ALL CAPS headlines (no content word
 * left in lower case), German (every noun is capitalised), other scripts. A sentence dense with names still
 * has its verbs in lower case ("Arsenal beat Chelsea"), so it stays informative.
 */
function capitalsAreUninformative(tokens: Token[], language: Language): boolean {
  if (language === "de" || language === "other") return true;
  let words = 0;
  let lowercase = 0;
  for (const token of tokens) {
    if (token.folded.length < 3 || isStopword(token.folded, language) || /\d/.test(token.folded)) continue;
    words += 1;
    if (!isCapitalised(token.original)) lowercase += 1;
  }
  return words >= 3 && lowercase === 0;
}

type FieldResult = { entityStems: Set<string> };

function addTerm(terms: Map<string, number>, term: string, flags: number): void {
  const existing = terms.get(term);
  if (existing !== undefined) terms.set(term, existing | flags);
  else if (terms.size < MAX_TERMS) terms.set(term, flags);
}

function analyzeField(text: string, field: number, language: Language, features: ArticleFeatures): FieldResult {
  const entityStems = new Set<string>();
  if (text.length === 0) return { entityStems };
  const { mentions, rest } = extractNumberMentions(text, language);
  for (const mention of mentions) addTerm(features.terms, numberTerm(mention), field);

  const tokens = tokenize(rest).filter((token) => token.folded.length >= 2 && token.folded.length <= MAX_WORD_CHARS && !/^\d+$/.test(token.folded));
  const uninformativeCapitals = capitalsAreUninformative(tokens, language);
  if (!uninformativeCapitals) {
    for (const match of text.matchAll(STORM_NAME)) addTerm(features.terms, `@storm:${foldAccents(match[1].toLowerCase())}`, field);
  }
  const allCapsField = tokens.length > 0 && tokens.every((token) => !/\p{Ll}/u.test(token.original));

  for (let i = 0; i < tokens.length; ) {
    // Phrases first, longest first: "bank of england", "interest rates", "steps down".
    if (language !== "other" && PHRASE_FIRST_WORDS.has(tokens[i].folded)) {
      let matched = 0;
      for (let n = Math.min(LONGEST_PHRASE, tokens.length - i); n >= 2 && matched === 0; n--) {
        const terms = phraseLookup(tokens.slice(i, i + n).map((token) => token.folded).join(" "));
        if (terms) {
          for (const term of terms) addTerm(features.terms, term, field);
          matched = n;
        }
      }
      if (matched > 0) {
        i += matched;
        continue;
      }
    }
    const token = tokens[i];
    i += 1;
    if (isStopword(token.folded, language)) {
      const acronym = allCapsField ? undefined : acronymLookup(token.original);
      if (acronym) for (const term of acronym) addTerm(features.terms, term, field);
      continue;
    }
    const hasDigit = /\d/.test(token.folded);
    const capitalised = isCapitalised(token.original);
    const languageStem = hasDigit ? token.folded : stemWord(token.lower, language);
    const mapped = hasDigit ? undefined : wordLookup(token.folded, languageStem, language, token.original);
    if (mapped) {
      for (const term of mapped) addTerm(features.terms, term, field);
      continue;
    }
    // A capitalised word may be a name, and names are spelled alike in every language: one stemmer for all
    // of them, so the German "Kessler" and "Bayern" meet the English ones (German's stemmer makes "kessl", "bay").
    const stem = capitalised && !hasDigit && language !== "other" && language !== "en" ? stemWord(token.lower, "en") : languageStem;
    addTerm(features.terms, stem, capitalised && !hasDigit ? field | CAPITALISED : field);
    if (uninformativeCapitals || NOT_NAMES.has(token.folded)) {
      // Acronyms stay names even in a Title Case headline ("NASA", "IMF"), unless the whole field shouts.
      if (!allCapsField && isAllCaps(token.original) && token.original.length <= 6 && !hasDigit) entityStems.add(stem);
      continue;
    }
    if (!token.sentenceStart) {
      if (capitalised) {
        entityStems.add(stem);
        features.capitalisedStems.push(stem);
      } else features.lowercaseStems.push(stem);
    } else if (isAllCaps(token.original) && !hasDigit) entityStems.add(stem);
  }
  return { entityStems };
}

/** The features of one article. Pure; never throws, whatever the text (any script, any length, empty). */
export function analyzeArticle(title: unknown, summary: unknown, options: AnalyzeOptions = {}): ArticleFeatures {
  const cleanTitle = normaliseSpellings(bounded(title, MAX_TITLE_CHARS));
  const cleanSummary = normaliseSpellings(bounded(summary, MAX_SUMMARY_CHARS));
  const whole = `${cleanTitle} ${cleanSummary}`;
  const language: Language = isMostlyOtherScript(whole)
    ? "other"
    : guessLanguage((whole.match(WORD) ?? []).map((word) => foldAccents(word.toLowerCase())));
  const features: ArticleFeatures = { language, terms: new Map(), capitalisedStems: [], lowercaseStems: [] };
  const fromTitle = analyzeField(cleanTitle, IN_TITLE, language, features);
  const fromSummary = analyzeField(cleanSummary, IN_SUMMARY, language, features);
  // A word shown to be a name anywhere in the article is a name everywhere in it (a Title Case headline
  // names "Lisbon" in capitals that prove nothing; the summary's "in Lisbon" does).
  for (const [term, flags] of features.terms) {
    if (term.startsWith("~") || term.startsWith("#")) continue;
    if (isEntityTerm(term) || fromTitle.entityStems.has(term) || fromSummary.entityStems.has(term) || options.isKnownName?.(term)) {
      features.terms.set(term, flags | ENTITY);
    }
  }
  return features;
}
