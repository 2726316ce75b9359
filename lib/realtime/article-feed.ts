// The live feed of one instance: every stored article, delivered once, in id (cursor) order, to this
// process's listeners (the recent buffer, Socket.IO, SSE, page caches). It reads the articles table itself
// instead of being handed rows by whoever stored them, because only the table knows the order: article ids
// become visible in id order (docs/decisions/0009), so "everything after the last id delivered" never skips
// an article that commits late, whichever instance stored it. Wake-ups come from this process's own inserts,
// from the database's notifications (other instances' inserts) and, as a safety net, from a slow timer.
import type { Logger } from "pino";
import type { Article } from "../domain/article";

export type ArticleListener = (articles: Article[]) => void;

/** The articles with an id above `afterId`, oldest first, at most `limit`. */
export type ReadArticlesAfter = (afterId: number, limit: number) => Promise<Article[]>;

export type ArticleFeed = {
  /**
   * Something was stored (here, or elsewhere according to a notification): read and deliver it now.
   * `storedUpTo`, when known (a notification's newest id): nothing is read if that id was delivered already.
   */
  wake(storedUpTo?: number): void;
  /** Listeners get every article once, in id order; all listeners of a batch are called in one turn. */
  subscribe(listener: ArticleListener): () => void;
  /** The newest id delivered: everything at or below it has reached the listeners. */
  deliveredUpTo(): number;
  /** Resolves when no read is pending (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export type ArticleFeedOptions = {
  /** The newest article id at start: what the feed starts after. */
  startAfter: number;
  readAfter: ReadArticlesAfter;
  logger: Logger;
  /** A wake-up missed (a notification lost with its connection) is caught up by this timer. */
  pollMs?: number;
  pageSize?: number;
  /**
   * Reads start at least this far apart (ms). A wake-up after a quiet spell reads at once; while articles keep
   * coming, the ones stored meanwhile are read together. Default 25.
   */
  minReadIntervalMs?: number;
};

export function createArticleFeed(options: ArticleFeedOptions): ArticleFeed {
  const { readAfter, logger } = options;
  const pageSize = options.pageSize ?? 500;
  // Every insert on any instance wakes every instance's feed, and each read is a statement on the shared
  // database: with two instances polling 10,000 sources, ~1,200 reads a round for 1,000 changed feeds. At
  // most one read per 25 ms lets a busy stream's wake-ups share reads, for at most 25 ms more latency while it
  // is busy and none after a quiet spell.
  const minReadIntervalMs = options.minReadIntervalMs ?? 25;
  /** When the last read started (performance.now()). */
  let lastReadAt = -Infinity;
  /** Ends the wait for the next read's turn at once (close). */
  let stopWaiting: (() => void) | undefined;
  const listeners = new Set<ArticleListener>();
  let delivered = options.startAfter;
  let reading: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  function deliver(articles: Article[]): void {
    for (const listener of listeners) {
      try {
        listener(articles);
      } catch (error) {
        // One listener's bug must not keep the others (or the next batch) from their articles.
        logger.error({ err: error }, "a live feed listener failed");
      }
    }
  }

  async function readAll(): Promise<void> {
    for (;;) {
      const page = await readAfter(delivered, pageSize);
      if (closed || page.length === 0) return;
      const fresh = page.filter((article) => article.id > delivered);
      if (fresh.length > 0) {
        delivered = fresh[fresh.length - 1].id;
        deliver(fresh);
      }
      if (page.length < pageSize) return;
    }
  }

  function wake(storedUpTo?: number): void {
    if (closed) return;
    // Ids become visible in id order (docs/decisions/0009), so with everything up to `storedUpTo` delivered
    // there is nothing to read. Typically the notification of an insert this instance already read after its
    // own wake-up: skipping it saves that read (when the notification comes while the read still runs, the
    // read is repeated as before).
    if (storedUpTo !== undefined && storedUpTo <= delivered) return;
    if (reading) {
      // A read is under way (or waiting for its turn) and may miss what woke us: read once more after it.
      again = true;
      return;
    }
    reading = (async () => {
      do {
        const wait = lastReadAt + minReadIntervalMs - performance.now();
        if (wait > 0) {
          await new Promise<void>((resolve) => {
            const turn = setTimeout(resolve, wait);
            stopWaiting = () => {
              clearTimeout(turn);
              resolve();
            };
          });
          stopWaiting = undefined;
        }
        if (closed) break;
        // Wake-ups until now are served by this read.
        again = false;
        lastReadAt = performance.now();
        try {
          await readAll();
          failures = 0;
        } catch (error) {
          failures += 1;
          if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, "could not read new articles for live delivery; retrying");
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => wake(), Math.min(200 * failures, 5_000));
          retryTimer.unref();
        }
      } while (again && !closed);
      reading = null;
    })();
  }

  const poll = setInterval(() => wake(), options.pollMs ?? 2_000);
  poll.unref();

  return {
    wake,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliveredUpTo: () => delivered,
    async idle() {
      while (reading) await reading;
    },
    async close() {
      closed = true;
      stopWaiting?.();
      clearInterval(poll);
      clearTimeout(retryTimer);
      while (reading) await reading;
      listeners.clear();
    },
  };
}
