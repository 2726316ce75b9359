import { shortHash } from "./hash";

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
