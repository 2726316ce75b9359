// Runs in the parse pool's worker threads (pool.ts). Errors a feed can cause are returned as values, because
// an Error crossing the thread boundary loses its class, and the check must tell "not a feed" from a bug.
import { FeedParseError } from "../../domain/errors";
import { processFeed, type FeedDocument, type ProcessedFeed, type ProcessOptions } from "./processor";

export type WorkerOutcome<T> = { ok: true; value: T } | { ok: false; notAFeed: string };

/** Every task carries a shared slot where the worker writes when it began (the pool's time limit starts then). */
type Started = { startedAt: BigInt64Array };

function sayStarted(task: Started): void {
  Atomics.store(task.startedAt, 0, BigInt(Date.now()));
}

export async function processDocument(task: { document: FeedDocument; options: ProcessOptions } & Started): Promise<WorkerOutcome<ProcessedFeed>> {
  sayStarted(task);
  const { document } = task;
  try {
    // The body arrives as a plain Uint8Array (structured clone drops the Buffer class).
    const body = Buffer.from(document.body.buffer, document.body.byteOffset, document.body.byteLength);
    return { ok: true, value: await processFeed({ ...document, body }, task.options) };
  } catch (error) {
    if (error instanceof FeedParseError) return { ok: false, notAFeed: error.message };
    throw error;
  }
}
