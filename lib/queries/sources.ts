import { z } from "zod";
import {
  listSourcesWithHealth,
  listSourceHealthPage,
  listSourcesForExport,
  findSourceHealthById,
  findSourceHealthBySlug,
  listCategories,
  summarizeSources,
  type SourceForExport,
  type SourceSummary,
} from "../db/sources";
import type { SourceHealth } from "../domain/article";
import { categoryName } from "../domain/category";
import { cachedRead } from "./cached-read";
import { couldBeStoredSlug } from "../domain/slug";
import { ValidationError } from "../domain/errors";
import { decodeSourceCursor, encodeSourceCursor, tryDecodeSourceCursor, MAX_SOURCE_CURSOR_LENGTH } from "../domain/source-cursor";

export type { SourceSummary, SourceForExport };

/**
 * Every source with its health. Grows with the number of sources: for pages that really list them all
 * (admin, a category's publishers). Public listings page through getSourcesPage / querySources.
 */
export async function getSources(): Promise<SourceHealth[]> {
  return listSourcesWithHealth();
}

export const DEFAULT_SOURCE_PAGE_SIZE = 100;
export const MAX_SOURCE_PAGE_SIZE = 1000;

const sourceQuerySchema = z.object({
  // Digits only: "1e3", "1.0" or " 5" are not what a client meant to send.
  limit: z
    .string()
    .regex(/^\d{1,7}$/, "must be a positive integer")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(MAX_SOURCE_PAGE_SIZE, `must be at most ${MAX_SOURCE_PAGE_SIZE}`))
    .optional(),
  cursor: z.string().max(MAX_SOURCE_CURSOR_LENGTH, "is not a valid cursor").optional(),
});

export type SourceListPage = { sources: SourceHealth[]; nextCursor: string | null };

/**
 * GET /api/sources: validated `limit` and `cursor` (raw query strings), one page by id. Ids never change
 * and new sources come last, so a client walking every page sees each source once.
 */
export async function querySources(raw: { limit?: string | null; cursor?: string | null }): Promise<SourceListPage> {
  // An empty parameter (`?limit=&cursor=`, as a form or a template leaves it) means "not given", as in /api/articles.
  const parsed = sourceQuerySchema.safeParse({ limit: raw.limit || undefined, cursor: raw.cursor || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "query");
    throw new ValidationError(`${field}: ${issue.message}`, field === "cursor" ? "invalid_cursor" : "invalid_limit");
  }
  const limit = parsed.data.limit ?? DEFAULT_SOURCE_PAGE_SIZE;
  const after = parsed.data.cursor === undefined ? undefined : decodeSourceCursor(parsed.data.cursor, "id");
  const rows = await listSourceHealthPage({ order: "id", after, limit: limit + 1 });
  const sources = rows.slice(0, limit);
  const last = sources.at(-1);
  return { sources, nextCursor: rows.length > limit && last ? encodeSourceCursor({ order: "id", id: last.id }) : null };
}

export async function getSourceById(id: number): Promise<SourceHealth | null> {
  return findSourceHealthById(id);
}

export type SourcesPage = {
  sources: SourceHealth[];
  /** For `?after=`: the page that follows, or null on the last page. */
  nextCursor: string | null;
  /** For `?before=`: the page that precedes, or null on the first page. */
  previousCursor: string | null;
};

/**
 * One page of the /sources listing, alphabetical. `after`/`before` are cursors from an earlier page's links;
 * null when a cursor is not one we issued (the page answers 404). A page reached with `after` always has a
 * previous page; one reached with `before` has one if a row precedes it.
 */
export async function getSourcesPage(
  position: { after?: string; before?: string },
  pageSize = DEFAULT_SOURCE_PAGE_SIZE,
): Promise<SourcesPage | null> {
  const after = position.after === undefined ? undefined : tryDecodeSourceCursor(position.after, "name");
  const before = position.before === undefined ? undefined : tryDecodeSourceCursor(position.before, "name");
  if (after === null || before === null) return null;
  const rows = await listSourceHealthPage({ order: "name", after, before: after ? undefined : before, limit: pageSize + 1 });
  const more = rows.length > pageSize;
  // Going back, the extra row is the one furthest back (rows come ascending): drop it from the front.
  const sources = before && !after ? rows.slice(more ? 1 : 0) : rows.slice(0, pageSize);
  const cursorOf = (source: SourceHealth | undefined) => (source ? encodeSourceCursor({ order: "name", name: source.name, id: source.id }) : null);
  const hasNext = before && !after ? true : more;
  const hasPrevious = after ? true : before ? more : false;
  return {
    sources,
    nextCursor: hasNext ? cursorOf(sources.at(-1)) : null,
    previousCursor: hasPrevious ? cursorOf(sources[0]) : null,
  };
}

/** How long the /sources summary line may be old: it scans the Source table, the rows below it do not. */
export const SOURCE_SUMMARY_TTL_MS = 2_000;
const cachedSummary = cachedRead(() => summarizeSources(), SOURCE_SUMMARY_TTL_MS);

/** Counts for the /sources summary line, at most SOURCE_SUMMARY_TTL_MS old. */
export async function getSourceSummary(): Promise<SourceSummary> {
  return cachedSummary();
}

/** Batches of sources for an export, grouped by category (category order, then id), read lazily. */
export async function* readSourcesForExport(batchSize = 500): AsyncGenerator<SourceForExport[]> {
  let after: { category: string; id: number } | null = null;
  for (;;) {
    const batch = await listSourcesForExport(after, batchSize);
    if (batch.length > 0) yield batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1];
    after = { category: last.category, id: last.id };
  }
}

export async function getSourceBySlug(slug: string): Promise<SourceHealth | null> {
  if (!couldBeStoredSlug(slug, 100)) return null;
  return findSourceHealthBySlug(slug);
}

export type CategorySummary = { slug: string; name: string; sourceCount: number };

export { categoryName };

export async function getCategories(): Promise<CategorySummary[]> {
  const categories = await listCategories();
  return categories.map((category) => ({ ...category, name: categoryName(category.slug) }));
}
