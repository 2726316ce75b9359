// The story-matching benchmark's baseline (with story-index.ts): headline Jaccard, as the site matched stories
// before lib/domain/story-matching. Near-identical headlines: the same story told by two publishers ("Fed raises rates by a quarter point" /
// "Federal Reserve raises interest rates a quarter point"). Compared as sets of significant words.

const STOPWORDS = new Set(
  "a an and are as at be by for from has have he her his in is it its of on or that the their this to was were will with after over into than up new says said say report reports about amid".split(" "),
);

/** Lower-case significant words of a headline, accents folded, without stop words or one-letter words. */
export function headlineTokens(title: string): string[] {
  const words = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  if (!words) return [];
  return [...new Set(words.filter((word) => word.length > 1 && !STOPWORDS.has(word)).map(stem))];
}

/** A crude plural/tense folding so "raises"/"raised"/"raise" meet; enough for headlines. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && (word.endsWith("es") || word.endsWith("ed"))) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Jaccard similarity of two token sets, 0…1. */
export function headlineSimilarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const setB = new Set(b);
  const shared = a.filter((token) => setB.has(token)).length;
  return shared / (a.length + b.length - shared);
}

/** Headlines this similar (and with at least three significant words each) are one story. */
export const SAME_STORY_THRESHOLD = 0.5;

export function isSameStory(a: string[], b: string[]): boolean {
  return a.length >= 3 && b.length >= 3 && headlineSimilarity(a, b) >= SAME_STORY_THRESHOLD;
}
