// Which articles a reader's live view wants: everything, one source, or one category (slugs). Shared by the
// server (what to send, what to replay) and the browser (what to keep): one rule, so they cannot disagree.
import type { Article } from "./article";

export type ArticleFilter = { source?: string; category?: string };

export function matchesFilter(article: Pick<Article, "category" | "source">, filter: ArticleFilter): boolean {
  if (filter.source && article.source.slug !== filter.source) return false;
  if (filter.category && article.category !== filter.category) return false;
  return true;
}

/** Adds the filter to a query string as the API and the live routes read it (`source=`, `category=`). */
export function withFilterParams(filter: ArticleFilter, params: URLSearchParams): URLSearchParams {
  if (filter.source) params.set("source", filter.source);
  if (filter.category) params.set("category", filter.category);
  return params;
}
