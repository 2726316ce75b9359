import { isSlug } from "../domain/slug";
import type { LiveFilter } from "./events";

/** Keeps only well-formed slugs; anything else is treated as "no filter" rather than an error. */
export function cleanFilter(raw: { source?: unknown; category?: unknown }): LiveFilter {
  const filter: LiveFilter = {};
  if (typeof raw.source === "string" && isSlug(raw.source)) filter.source = raw.source;
  if (typeof raw.category === "string" && isSlug(raw.category)) filter.category = raw.category;
  return filter;
}

// The matching rule itself lives in lib/domain, where the browser's live list imports it too.
export { matchesFilter } from "../domain/live-filter";
