// Parsing and normalizing (+ sanitizing) a feed is CPU work measured in seconds for the largest feeds (a
// 9 MB feed held the event loop for ~2 s: every page, API call and live message waited). The server does it
// in a pool of worker threads instead, so the event loop only moves bytes and results.
//
// - Sized to the machine: one thread per core left over after the main thread (at least one, at most
//   MAX_THREADS); started on the first feed, not at import, and idle threads exit after a minute.
// - Bounded: at most `maxQueue` documents wait; past that a check fails at once ("busy") rather than piling
//   up memory. Each document has `timeoutMs`: a parse that runs longer is stopped by terminating its thread
//   (the pool starts another), and only that source's check fails. A worker is also capped in heap, so a
//   document that blows up in memory kills its thread, not the server.
// - Closed by the server's shutdown (close()).
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { FeedParseError, FeedProcessingError } from "../../domain/errors";
import type { FeedDocument, FeedProcessor, ProcessedFeed, ProcessOptions } from "./processor";
import type { WorkerOutcome } from "./worker";

const MAX_THREADS = 4;
// Generous: the limit is for a parse that never ends, not a slow one. Sanitizing a 9 MB feed took over 10 s
// on a loaded 2-core machine; parsing and cleaning together get this much, within the scheduler's 120 s claim.
const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_MAX_QUEUE = 64;
/** Heap per worker: a 10 MiB feed (the fetch stage's cap) parses in well under this. */
const WORKER_HEAP_MB = 512;
const IDLE_THREAD_MS = 60_000;
/** How long a thread may take to start (load its code) before its document's own time limit begins. */
const THREAD_START_ALLOWANCE_MS = 30_000;
/** How often a document whose thread has not started on it yet is looked at again. */
const START_POLL_MS = 50;


export type ParsePoolOptions = {
  /** Worker threads; default: cores − 1, between 1 and MAX_THREADS. */
  threads?: number;
  /** Longest time one document may take to parse and normalize. Default 90 s. */
  timeoutMs?: number;
  /** Documents allowed to wait for a thread. Default 64. */
  maxQueue?: number;
};

export type ParsePool = FeedProcessor & {
  /** Threads running now and documents waiting (0 before the first feed: the pool starts lazily). */
  stats(): { threads: number; queued: number; completed: number };
  close(): Promise<void>;
};

export function defaultThreadCount(): number {
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism() - 1));
}

export function createParsePool(options: ParsePoolOptions = {}): ParsePool {
  const threads = options.threads ?? defaultThreadCount();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  let piscina: Piscina | undefined;
  let closed = false;

  function start(): Piscina {
    piscina ??= new Piscina({
      filename: path.join(import.meta.dirname, "worker-entry.cjs"),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_THREAD_MS,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    return piscina;
  }

  // The queue is ours, not piscina's: a document's time limit starts when a thread takes it, so a feed that
  // waits behind a big one is not timed out for the wait.
  let running = 0;
  const waiting: (() => void)[] = [];

  async function takeThread(): Promise<void> {
    if (running < threads) {
      running += 1;
      return;
    }
    if (waiting.length >= maxQueue) {
      throw new FeedProcessingError(`The parse queue is full (${maxQueue} feeds waiting); the check will be retried`, "parse_busy");
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function releaseThread(): void {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next document
    else running -= 1;
  }

  async function run<T>(name: "processDocument", task: unknown, what: string): Promise<T> {
    if (closed) throw closedError();
    await takeThread();
    if (closed) {
      releaseThread();
      throw closedError();
    }
    const pool = start();
    // The time limit starts when the worker starts on the document, so that a thread being (re)started — a
    // second or so under load — is not counted against the feed. The worker writes the time it began (Date.now())
    // into a shared 8-byte buffer; the timer reads it. (A MessageChannel per document, as before, cost ~1 ms of
    // the event loop's time each: its port had to be transferred to the worker.)
    const startedAt = new BigInt64Array(new SharedArrayBuffer(8));
    const limit = new AbortController();
    const posted = Date.now();
    const checkLimit = () => {
      const began = Number(Atomics.load(startedAt, 0));
      const deadline = began === 0 ? posted + timeoutMs + THREAD_START_ALLOWANCE_MS : began + timeoutMs;
      const remaining = deadline - Date.now();
      if (remaining <= 0) limit.abort();
      // Not started yet (its thread is starting): look again shortly, when its own limit may begin.
      else timer = setTimeout(checkLimit, began === 0 ? Math.min(remaining, START_POLL_MS) : remaining);
    };
    let timer = setTimeout(checkLimit, timeoutMs);
    let outcome: WorkerOutcome<T>;
    try {
      outcome = await pool.run({ ...(task as object), startedAt }, { name, signal: limit.signal });
    } catch (error) {
      throw describeRunFailure(error, limit.signal, what);
    } finally {
      clearTimeout(timer);
      releaseThread();
    }
    if (!outcome.ok) throw new FeedParseError(outcome.notAFeed);
    return outcome.value;
  }

  function describeRunFailure(error: unknown, signal: AbortSignal, what: string): Error {
    if (signal.aborted) return new FeedProcessingError(`${what} took longer than ${timeoutMs} ms and was stopped`, "parse_timeout");
    const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
    if (code === "ERR_WORKER_OUT_OF_MEMORY") return new FeedProcessingError(`${what} needed more than ${WORKER_HEAP_MB} MB and was stopped`, "parse_crashed");
    return error instanceof Error ? error : new Error(String(error));
  }

  function closedError(): FeedProcessingError {
    return new FeedProcessingError("The parse pool is closed (the server is shutting down)", "parse_busy");
  }

  return {
    process(document: FeedDocument, options: ProcessOptions): Promise<ProcessedFeed> {
      return run<ProcessedFeed>("processDocument", { document, options }, "Parsing and cleaning the feed");
    },
    stats() {
      return { threads: piscina?.threads.length ?? 0, queued: waiting.length, completed: piscina?.completed ?? 0 };
    },
    async close() {
      closed = true;
      // Documents still waiting fail at once (run() refuses once closed); their checks record it.
      for (const next of waiting.splice(0)) next();
      const pool = piscina;
      piscina = undefined;
      await pool?.destroy();
    },
  };
}
