// Bounded parameter lists. Every statement built from a caller's list (an IN list, one VALUES tuple or CASE
// arm per entry) is cut into chunks that stay under one parameter budget, so a batch of any size runs.

/**
 * Bound parameters one statement may use. SQLite, through Prisma's better-sqlite3 adapter, refuses a
 * statement with more than 999 ("query parameter limit supported by your database is exceeded"), and 999
 * is also the oldest SQLite default; PostgreSQL allows 65,535. 900 leaves room for the statement's own
 * few parameters (a source id, a date) beside the list.
 */
export const MAX_PARAMETERS_PER_STATEMENT = 900;

/**
 * `items` in consecutive chunks of at most MAX_PARAMETERS_PER_STATEMENT / `parametersPerItem` items: pass
 * how many parameters each item binds (3 for an IN list on three columns, a row's column count for VALUES).
 */
export function chunked<T>(items: readonly T[], parametersPerItem = 1): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / parametersPerItem));
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Like `chunked`, and each chunk also carries at most `maxChars` characters of text (`charsOf` each item; an
 * item larger than that is a chunk of its own): statements whose parameters are whole articles.
 */
export function chunkedByText<T>(items: readonly T[], parametersPerItem: number, charsOf: (item: T) => number, maxChars: number): T[][] {
  const chunks: T[][] = [];
  for (const byParameters of chunked(items, parametersPerItem)) {
    let chunk: T[] = [];
    let chars = 0;
    for (const item of byParameters) {
      const size = charsOf(item);
      if (chunk.length > 0 && chars + size > maxChars) {
        chunks.push(chunk);
        chunk = [];
        chars = 0;
      }
      chunk.push(item);
      chars += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
  }
  return chunks;
}

/** Runs `query` once per chunk of `items`, one after another, and concatenates what they return. */
export async function queryInChunks<T, R>(items: readonly T[], query: (chunk: T[]) => Promise<R[]>, parametersPerItem = 1): Promise<R[]> {
  const results: R[] = [];
  for (const chunk of chunked(items, parametersPerItem)) results.push(...(await query(chunk)));
  return results;
}
