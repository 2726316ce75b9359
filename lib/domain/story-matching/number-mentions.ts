// Numbers in news text, normalised so that outlets' different ways of writing one figure meet:
// "25bp" = "25 basis points" = "a quarter point" = "0.25 percentage point"; "$1.2bn" = "1.2 billion dollars";
// "6.1-magnitude" = "magnitude 6.1"; "2-1" = "1-2" (a score read from either side).
// Kinds whose values must agree for two articles to be one event (a rate move, a score, a magnitude) are
// told apart from figures that merely support a match (counts, money, percentages: outlets round and update
// them).
import type { Language } from "./language";

export type NumberKind = "bp" | "score" | "magnitude" | "pct" | "temperature" | "quantity";

export type NumberMention = { kind: NumberKind; value: number | string };

/**
 * Digits with "." or "," inside: "1,200", "4.25", "1.200" (German thousands), "0,25" (French decimal).
 * Bounded, and every rule starts it after a non-digit: a stranger's 1,000-digit summary must not make the
 * regex engine retry from every position (that was quadratic: 28 ms for 1,200 nines).
 */
const NUM = String.raw`(?<![\d.,])\d{1,15}(?:[.,]\d{1,15}){0,5}`;

/**
 * Reads a number as written in the given language: "1,200" is 1200 in English, "1.200" is 1200 in German,
 * "0,25" is 0.25 anywhere a comma cannot be a thousands separator. NaN for nonsense ("1.2.3.4.5").
 */
export function parseNewsNumber(raw: string, language: Language): number {
  const text = raw.replace(/[\s\u00a0\u202f]/g, "");
  if (/^\d{1,3}(,\d{3})+$/.test(text)) return Number(text.replace(/,/g, ""));
  if (language !== "en" && /^\d{1,3}(\.\d{3})+$/.test(text)) return Number(text.replace(/\./g, ""));
  if (/^\d+([.,]\d+)?$/.test(text)) return Number(text.replace(",", "."));
  // "1,200.5" (English) or "1.200,5" (German style).
  if (/^\d{1,3}(,\d{3})+\.\d+$/.test(text)) return Number(text.replace(/,/g, ""));
  if (/^\d{1,3}(\.\d{3})+,\d+$/.test(text)) return Number(text.replace(/\./g, "").replace(",", "."));
  return NaN;
}

/** Two significant digits: "1.25 billion" and "1.2 billion" stay apart, "1,200,000" and "1.2 million" meet. */
function roundQuantity(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(value >= 100 ? 2 : 3));
}

const SCALES: Array<[RegExp, number]> = [
  [/^(?:trillions?|tn|trn|billones)$/, 1e12],
  [/^(?:billions?|bn|b|milliards?|mrd|md|milliarden?|mil millones|miliardi|bilh[oõ]es|bili[oõ]es)$/, 1e9],
  [/^(?:millions?|mn|m|mio|millionen?|millones|mill[oó]n|milioni|milh[oõ]es)$/, 1e6],
  [/^(?:thousand|k)$/, 1e3],
];

function scaleOf(word: string | undefined): number {
  if (!word) return 1;
  const lower = word.toLowerCase();
  for (const [pattern, scale] of SCALES) if (pattern.test(lower)) return scale;
  return 1;
}

type Rule = { pattern: RegExp; read: (match: RegExpExecArray, language: Language) => NumberMention[] };

const bp = (value: number): NumberMention[] => (Number.isFinite(value) && value > 0 && value <= 1000 ? [{ kind: "bp", value: Math.round(value) }] : []);

/** Applied in order; each rule consumes what it matched, so "25 basis points" is not also the quantity 25. */
const RULES: Rule[] = [
  // Rate moves in basis points and percentage points.
  {
    pattern: new RegExp(String.raw`(${NUM})\s*-?\s*(?:bps?|basis[- ]points?|points? de base|basispunkte?n?|puntos? b[aá]sicos|punti base)\b`, "gi"),
    read: (m, language) => bp(parseNewsNumber(m[1], language)),
  },
  {
    pattern: new RegExp(String.raw`(${NUM})\s*-?\s*(?:percentage[- ]points?|pp|points? de pourcentage|prozentpunkte?n?|puntos? porcentuales?|punti percentuali)\b`, "gi"),
    read: (m, language) => bp(parseNewsNumber(m[1], language) * 100),
  },
  {
    pattern: /\b(?:(?:a|one)[- ])?quarter(?:[- ]of[- ]an?)?[- ](?:percentage[- ])?point\b|\b(?:un )?quart de point\b|\bviertel ?prozentpunkt\w*|\b(?:un )?cuarto de punto\b/gi,
    read: () => bp(25),
  },
  {
    pattern: /\b(?:(?:a|one)[- ])?half(?:[- ]an?)?[- ](?:percentage[- ])?point\b|\b(?:un )?demi[- ]point\b|\bhalbe?n? prozentpunkt\w*|\bmedio punto\b/gi,
    read: () => bp(50),
  },
  {
    pattern: /\bthree[- ]quarters?(?:[- ]of[- ]an?)?[- ](?:percentage[- ])?point\b/gi,
    read: () => bp(75),
  },
  // "0.25 point" / "0,5 Punkte": a decimal of points below 5 is a rate move, not a basketball score.
  {
    pattern: new RegExp(String.raw`(?<![\d.,])(\d{0,15}[.,]\d{1,15})\s*-?\s*(?:points?|punkte?|puntos?|punti)\b`, "gi"),
    read: (m, language) => {
      const value = parseNewsNumber(m[1], language);
      return value < 5 ? bp(value * 100) : [{ kind: "quantity", value: roundQuantity(value) }];
    },
  },
  // Earthquake magnitudes: "magnitude 6.1", "6.1-magnitude", "M6.1", "Stärke 6,1", "magnitud 6,1".
  {
    pattern: /(?<![\p{L}])(?:magnitude|magnitud|st[aä]rke|magnitudo)(?:[- ](?:of|to|at|de|von))?\s*-?\s*(\d(?:[.,]\d)?)(?![\d])|(?<![\d.,])(\d(?:[.,]\d)?)\s*-?\s*(?:magnitude|magnitud)(?![\p{L}])|(?<![\p{L}])m ?(\d[.,]\d)(?![\d])/giu,
    read: (m, language) => {
      const value = parseNewsNumber(m[1] ?? m[2] ?? m[3], language);
      return Number.isFinite(value) && value > 0 && value < 10 ? [{ kind: "magnitude", value }] : [];
    },
  },
  // Percentages, ranges first ("4.25-4.5%").
  {
    pattern: new RegExp(String.raw`(${NUM})\s*%?\s*[-–]\s*(${NUM})\s*(?:%|percent\b|per cent\b|pour cent\b|prozent\b|por ciento\b|per cento\b)`, "gi"),
    read: (m, language) => [m[1], m[2]].map((raw) => ({ kind: "pct" as const, value: parseNewsNumber(raw, language) })).filter((mention) => Number.isFinite(mention.value)),
  },
  {
    pattern: new RegExp(String.raw`(${NUM})\s*(?:%|percent\b|per cent\b|pour cent\b|prozent\b|por ciento\b|per cento\b)`, "gi"),
    read: (m, language) => {
      const value = parseNewsNumber(m[1], language);
      return Number.isFinite(value) ? [{ kind: "pct", value }] : [];
    },
  },
  // Temperatures: "40C", "40 °C", "104 degrees", "40 Grad".
  {
    pattern: new RegExp(String.raw`(-?${NUM})\s*(?:°\s*[cf]?|c\b|f\b|degrees?(?: celsius| fahrenheit)?\b|grad\b|grados\b)`, "gi"),
    read: (m, language) => {
      const value = parseNewsNumber(m[1].replace("-", ""), language);
      return Number.isFinite(value) && value < 200 ? [{ kind: "temperature", value: m[1].startsWith("-") ? -value : value }] : [];
    },
  },
  // Scores and tallies: "2-1", "3–0", "102-98", German "2:1". Read from either side, so sorted.
  {
    // A range with a unit ("10-15 cm", "18-24 year-olds") is not a score: the unit list keeps it a quantity.
    pattern: /(?<![\d.,:/-])(\d{1,3}) ?[-–] ?(\d{1,3})(?![\d.,%/]|[-–]\d| ?(?:cm|mm|km|m|kg|inch|inches|ft|feet|mph|kmh|km\/h|years?|year|days?|hours?|minutes?|months?|weeks?|ans|jahre|a[nñ]os|percent|per cent)\b)|(?<![\d.,:/-])(\d{1,2}):(\d)(?![\d.,:])/gi,
    read: (m) => {
      const a = Number(m[1] ?? m[3]);
      const b = Number(m[2] ?? m[4]);
      return [{ kind: "score", value: `${Math.min(a, b)}-${Math.max(a, b)}` }];
    },
  },
  // Money and other quantities with a scale: "$1.2bn", "€500m", "1.2 billion dollars", "2 millions d'euros".
  {
    pattern: new RegExp(
      String.raw`[$€£¥]\s?(${NUM})\s*(trillions?|tn|trn|billions?|bn|b|millions?|mn|m|k|thousand)?\b|(${NUM})\s*(trillions?|tn|trn|billions?|bn|milliards?|mrd|md|milliarden?|mil millones|miliardi|millions?|mn|mio|millionen?|millones|mill[oó]n|milioni|thousand)\b`,
      "gi",
    ),
    read: (m, language) => {
      const value = parseNewsNumber(m[1] ?? m[3], language) * scaleOf(m[2] ?? m[4]);
      return Number.isFinite(value) ? [{ kind: "quantity", value: roundQuantity(value) }] : [];
    },
  },
  // Any other number: a count, a year, an amount. French "1 200" (space-grouped thousands) is one number.
  {
    pattern: /(?<![\p{L}\d.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4}|\d{1,15}(?:[.,]\d{1,15}){0,5})(?![\p{L}\d])/gu,
    read: (m, language) => {
      const value = parseNewsNumber(m[1], language);
      return Number.isFinite(value) ? [{ kind: "quantity", value: roundQuantity(value) }] : [];
    },
  },
];

/**
 * The numbers a text mentions, and the text with them blanked out (so the word tokenizer does not see them
 * again). Case-insensitive; accents as written. Bounded by the text's length; never throws on odd input.
 */
export function extractNumberMentions(text: string, language: Language): { mentions: NumberMention[]; rest: string } {
  const mentions: NumberMention[] = [];
  let rest = text;
  if (!/\d|quarter|half|quart|demi|viertel|halb|cuarto|medio/i.test(rest)) return { mentions, rest };
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    rest = rest.replace(rule.pattern, (...args) => {
      const match = args.slice(0, -2) as unknown as RegExpExecArray;
      // Groups the pattern did not use arrive as undefined, as in exec().
      mentions.push(...rule.read(match, language));
      return " ".repeat((args[0] as string).length);
    });
  }
  return { mentions, rest };
}

/** The index term of a mention: "#bp:25", "#score:1-2", "#magnitude:6.1", "#quantity:1200000000". */
export function numberTerm(mention: NumberMention): string {
  return `#${mention.kind}:${mention.value}`;
}
