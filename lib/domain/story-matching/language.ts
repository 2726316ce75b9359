// Which language a headline + summary is in, and the stemmer and stop words that go with it.
// Why guess the language at all: stemming French with the English stemmer (or the reverse) mangles words
// differently on each side, and stop words differ. The guess counts stop words, which is all a 1–3 sentence
// news text needs; a text in another script gets no stemming and matches conservatively.
import { stemmer as stemDutch } from "@orama/stemmers/dutch";
import { stemmer as stemEnglish } from "@orama/stemmers/english";
import { stemmer as stemFrench } from "@orama/stemmers/french";
import { stemmer as stemGerman } from "@orama/stemmers/german";
import { stemmer as stemItalian } from "@orama/stemmers/italian";
import { stemmer as stemPortuguese } from "@orama/stemmers/portuguese";
import { stemmer as stemSpanish } from "@orama/stemmers/spanish";
import { stopwords as dutchStopwords } from "@orama/stopwords/dutch";
import { stopwords as englishStopwords } from "@orama/stopwords/english";
import { stopwords as frenchStopwords } from "@orama/stopwords/french";
import { stopwords as germanStopwords } from "@orama/stopwords/german";
import { stopwords as italianStopwords } from "@orama/stopwords/italian";
import { stopwords as portugueseStopwords } from "@orama/stopwords/portuguese";
import { stopwords as spanishStopwords } from "@orama/stopwords/spanish";

/** Latin-script languages we stem; "other" is any text mostly outside the Latin script. */
export type Language = "en" | "fr" | "de" | "es" | "it" | "pt" | "nl" | "other";

/**
 * Removes the diacritics of Latin letters: "séisme" → "seisme", "Zürich" → "Zurich". Marks on other scripts
 * stay (Japanese "が" is not "か", Russian "й" is not "и").
 */
export function foldAccents(text: string): string {
  // Most text is plain ASCII: skip the normalisation work.
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  return text.normalize("NFKD").replace(/(\p{Script=Latin})\p{M}+/gu, "$1").normalize("NFC");
}

// Words every outlet uses that say nothing about which event it is. The libraries' lists are function words
// only; these are news boilerplate, so they are stop words too.
const NEWS_BOILERPLATE: Record<Exclude<Language, "other">, string[]> = {
  en: "says said say saying told tells according amid also would could may might will just latest live update updates breaking watch video opinion analysis explainer exclusive report reported reports sources".split(" "),
  fr: "selon dit affirme annonce direct video analyse exclusif".split(" "),
  de: "sagt sagte laut teilte mit heute live video analyse exklusiv".split(" "),
  es: "dijo dice segun afirma anuncia directo video analisis exclusiva".split(" "),
  it: "ha detto secondo video".split(" "),
  pt: "disse segundo video".split(" "),
  nl: "zegt zei volgens video".split(" "),
};

type LanguageKit = {
  stem: (word: string) => string;
  stopwords: Set<string>;
  /** stemWord's results: the stemmers are pure but slow (about a microsecond a word), and news repeats its words. */
  stems: Map<string, string>;
};

/** A language's stem cache starts over past this many words (about 5 MB): a bound on memory, not a tuning. */
const STEM_CACHE_WORDS = 50_000;

function kit(stem: (word: string) => string, stopwords: string[], language: Exclude<Language, "other">): LanguageKit {
  // Stop words are compared after accent folding, like every token.
  return { stem, stopwords: new Set([...stopwords, ...NEWS_BOILERPLATE[language]].map((word) => foldAccents(word.toLowerCase()))), stems: new Map() };
}

const KITS: Record<Exclude<Language, "other">, LanguageKit> = {
  en: kit(stemEnglish, englishStopwords, "en"),
  fr: kit(stemFrench, frenchStopwords, "fr"),
  de: kit(stemGerman, germanStopwords, "de"),
  es: kit(stemSpanish, spanishStopwords, "es"),
  it: kit(stemItalian, italianStopwords, "it"),
  pt: kit(stemPortuguese, portugueseStopwords, "pt"),
  nl: kit(stemDutch, dutchStopwords, "nl"),
};

/** In this order: a tie goes to the earlier language (English first: most feeds are English). */
const STEMMED_LANGUAGES = Object.keys(KITS) as Exclude<Language, "other">[];

/**
 * How many of the languages list each stop word (a word only French uses says more than "la" or "de"), and
 * which they are, in STEMMED_LANGUAGES order: one lookup per word of the text instead of one per language.
 */
const STOPWORD_SHARE = new Map<string, { share: number; languages: number[] }>();
STEMMED_LANGUAGES.forEach((language, index) => {
  for (const word of KITS[language].stopwords) {
    let entry = STOPWORD_SHARE.get(word);
    if (!entry) STOPWORD_SHARE.set(word, (entry = { share: 0, languages: [] }));
    entry.share += 1;
    entry.languages.push(index);
  }
});

/**
 * True when most letters of the text are outside the Latin script (Cyrillic, Greek, Arabic, CJK, …). Counts
 * by code point range rather than with a Unicode regex per character: this runs on every article.
 */
export function isMostlyOtherScript(text: string): boolean {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff)) latin += 1;
    // Letters of other scripts; punctuation, symbols, emoji halves and specials (U+2000–U+2BFF, U+3000–U+303F,
    // surrogates, U+FE00 up) are neither.
    else if (c >= 0x370 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xd800 && c <= 0xdfff) && c < 0xfe00) other += 1;
  }
  return other > latin;
}

/**
 * Guesses the language from the words of a text (lower-case, accents folded). Each stop word votes for the
 * languages that list it, a shared word with less weight; no vote at all means English.
 */
export function guessLanguage(words: readonly string[]): Exclude<Language, "other"> {
  // By index in STEMMED_LANGUAGES.
  const votes = STEMMED_LANGUAGES.map(() => 0);
  for (const word of words) {
    const entry = STOPWORD_SHARE.get(word);
    if (!entry) continue;
    for (const index of entry.languages) votes[index] += 1 / entry.share;
  }
  let best: Exclude<Language, "other"> = "en";
  let bestVotes = 0;
  for (let index = 0; index < STEMMED_LANGUAGES.length; index++) {
    const count = votes[index];
    if (count > bestVotes + 1e-9) {
      best = STEMMED_LANGUAGES[index];
      bestVotes = count;
    }
  }
  return best;
}

export function isStopword(word: string, language: Language): boolean {
  return language !== "other" && KITS[language].stopwords.has(word);
}

/**
 * The stem of a lower-case word, accents folded afterwards (the French and Spanish stemmers read accents).
 * Never throws: a stemmer that fails on odd input leaves the word as it is.
 */
export function stemWord(word: string, language: Language): string {
  if (language === "other") return word;
  const kit = KITS[language];
  let stem = kit.stems.get(word);
  if (stem === undefined) {
    if (kit.stems.size >= STEM_CACHE_WORDS) kit.stems.clear();
    stem = stemUncached(word, kit);
    kit.stems.set(detached(word), detached(stem));
  }
  return stem;
}

/**
 * A copy of a string that does not hold on to the text it was cut from: V8 keeps a substring of 13 characters
 * or more as a view into the whole text, which the stem cache would otherwise keep alive.
 */
function detached(text: string): string {
  return ` ${text}`.slice(1);
}

function stemUncached(word: string, kit: LanguageKit): string {
  try {
    const stem = kit.stem(word);
    return foldAccents(typeof stem === "string" && stem.length > 0 ? stem : word);
  } catch {
    return foldAccents(word);
  }
}
