// Runs in the parse pool's worker threads (pool.ts). Errors a feed can cause are returned as values, because
// an Error crossing the thread boundary loses its class, and the check must tell "not a feed" from a bug.
import type { MessagePort } from "node:worker_threads";
import { FeedParseError } from "../../domain/errors";
import { processFeed, type FeedDocument, type ProcessedFeed, type ProcessOptions } from "./processor";

export type WorkerOutcome<T> = { ok: true; value: T } | { ok: false; notAFeed: string };

/** Every task carries a port on which the worker says it has started (the pool's time limit begins then). */
type Started = { started: MessagePort };

function sayStarted(task: Started): void {
  task.started.postMessage("started");
  task.started.close();
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
