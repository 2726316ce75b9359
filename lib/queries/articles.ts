// The read side for pages and API routes. Pages and routes import from here, never from lib/db.
import { z } from "zod";
import { listArticles, findArticleBySlug, findLatestSequence, listArticlesAfter, searchArticles } from "../db/articles";
import { decodeCursor } from "../domain/cursor";
import { ValidationError } from "../domain/errors";
import { couldBeStoredSlug, SLUG_PATTERN } from "../domain/slug";
import type { Article, ArticleDetail } from "../domain/article";

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

const slugParam = z.string().trim().regex(SLUG_PATTERN, "must be a slug (lower-case letters, digits, hyphens)");

export const articleQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().trim().min(1).max(32).optional(),
  source: slugParam.optional(),
  category: slugParam.optional(),
  q: z.string().trim().max(200).optional(),
});

export type ArticlePage = { articles: Article[]; nextCursor: string | null };

/** Validates raw query parameters (strings, possibly empty) and returns one page, newest first. */
export async function queryArticles(raw: Record<string, string | undefined>): Promise<ArticlePage> {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = articleQuerySchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${issue.path.join(".") || "query"}: ${issue.message}`, "invalid_query");
  }
  const { limit, cursor, source, category, q } = parsed.data;
  return listArticles({
    limit,
    beforeSequence: cursor === undefined ? undefined : decodeCursor(cursor),
    sourceSlug: source,
    category,
    search: q || undefined,
  });
}

export async function getLatestArticles(limit = DEFAULT_PAGE_SIZE, filter: { source?: string; category?: string } = {}): Promise<ArticlePage> {
  return listArticles({ limit, sourceSlug: filter.source, category: filter.category });
}

export async function getArticleBySlug(slug: string): Promise<ArticleDetail | null> {
  if (!couldBeStoredSlug(slug, 200)) return null;
  return findArticleBySlug(slug);
}

/** The newest stored article's sequence (0 when there is none): where live resume starts from memory. */
export async function getLatestSequence(): Promise<number> {
  return findLatestSequence();
}

/** What a reader that last saw `afterSequence` missed, up to `upToSequence`, oldest first (live catch-up). */
export async function getArticlesBetween(
  afterSequence: number,
  upToSequence: number,
  filter: { source?: string; category?: string },
  limit: number,
): Promise<Article[]> {
  return listArticlesAfter(afterSequence, { sourceSlug: filter.source, category: filter.category, limit, upToSequence });
}

/** The live feed's read: every article after `afterSequence`, oldest first. */
export async function getArticlesAfter(afterSequence: number, limit: number): Promise<Article[]> {
  return listArticlesAfter(afterSequence, { limit });
}

export const SEARCH_PAGE_SIZE = 20;

/** Ranked full-text search for /search: best matches first, page by page (1-based). */
export async function searchArticlesRanked(q: string, page = 1, filter: { source?: string; category?: string } = {}): Promise<Article[]> {
  const query = q.trim().slice(0, 200);
  if (!query) return [];
  const safePage = Math.min(Math.max(1, Math.floor(page) || 1), 50);
  return searchArticles(query, { limit: SEARCH_PAGE_SIZE, offset: (safePage - 1) * SEARCH_PAGE_SIZE, sourceSlug: filter.source, category: filter.category });
}

/** More from the same source, excluding the article itself. */
export async function getMoreFromSource(sourceSlug: string, exceptId: number, limit = 5): Promise<Article[]> {
  const page = await listArticles({ limit: limit + 1, sourceSlug });
  return page.articles.filter((article) => article.id !== exceptId).slice(0, limit);
}
