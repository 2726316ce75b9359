// Slugs: how they are made, and what a well-formed one looks like. Every check of a slug in a URL, a query
// parameter or a live filter uses the rules below, so they cannot drift apart.
import { shortHash } from "./hash";

/** A source or category slug: a lower-case letter or digit, then up to 99 letters, digits or hyphens. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A category slug is a slug of at most this many characters (one typed in admin, or made from an OPML category). */
export const CATEGORY_SLUG_MAX_LENGTH = 40;

/** SLUG_PATTERN as an HTML form field's `pattern` (the browser anchors it; the field's maxLength bounds it). */
export const SLUG_INPUT_PATTERN = "[a-z0-9][a-z0-9-]*";

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

/**
 * Whether `value` could be a stored slug of at most `maxLength` characters (lower-case letters, digits and
 * hyphens). Pages answer 404 for anything else without asking the database.
 */
export function couldBeStoredSlug(value: string, maxLength: number): boolean {
  return value.length >= 1 && value.length <= maxLength && /^[a-z0-9-]+$/.test(value);
}

/** Lower-case ASCII words joined by hyphens; accents folded, everything else dropped. */
export function slugify(text: string, maxLength = 80): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf("-");
  return (lastHyphen > maxLength / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, "");
}

/**
 * A readable slug that is unique without a database round trip: the headline's words plus a short hash
 * of the article's identity (source and dedupe key), so re-ingesting the same item yields the same slug.
 */
export function articleSlug(title: string, sourceId: number, dedupeKey: string): string {
  const words = slugify(title, 72) || "story";
  return `${words}-${shortHash(`${sourceId}\u0000${dedupeKey}`, 8)}`;
}
