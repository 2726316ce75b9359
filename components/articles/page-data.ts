// Server-only helpers shared by the list pages (home, source, category). Never import from client code:
// lib/queries reaches the database.
import { tryDecodeCursor } from "@/lib/domain/cursor";
import { getLatestArticles, queryArticles, type ArticlePage } from "@/lib/queries/articles";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export function firstParam(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
}

/** `?before=<cursor>`: undefined for the latest page, null when present but not a cursor (→ 404). */
export function parseBefore(value: string | string[] | undefined): string | undefined | null {
  const before = firstParam(value);
  if (before === undefined) return undefined;
  return tryDecodeCursor(before) === undefined ? null : before;
}

/** The newest page, or the page older than `before`. */
export async function loadArticlePage(filter: { source?: string; category?: string }, before?: string): Promise<ArticlePage> {
  if (before === undefined) return getLatestArticles(undefined, filter);
  return queryArticles({ cursor: before, source: filter.source, category: filter.category });
}
