// One source, one check: fetch → parse → normalize (+ sanitize) → store only what is new → record the outcome.
// Any failure is recorded on the source and returned, never thrown: one bad feed never stops the others.
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import { FeedFetchError, FeedParseError, FeedProcessingError } from "../domain/errors";
import { insertNewArticles, type InsertResult } from "../db/article-writes";
import { databaseUnavailable } from "../db/client";
import { recordCheckSuccesses, recordFetchOutcome, type CheckSuccess, type SourceForFetch } from "../db/source-checks";
import { fetchFeed } from "./fetch";
import { onThisThread, type FeedProcessor, type ProcessedFeed } from "./parse-pool/processor";
import { backoffSeconds, nextPollInterval } from "./schedule";
import type { SeenCheck, SeenItems } from "./seen-items";

export type RefreshContext = {
  allowPrivate: boolean;
  /**
   * Origins fetched although the address policy would refuse them: the server's own feeds (the demo
   * newsroom on loopback). See FetchPolicy.trustedOrigins in ./fetch.
   */
  trustedOrigins?: ReadonlySet<string>;
  baseIntervalSeconds: number;
  logger: Logger;
  now?: () => Date;
  /** Per-fetch limits; defaults are the fetch stage's own. */
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * Hands new articles to readers (the scheduler's onNewArticles). Called as soon as they are committed,
   * before the check's bookkeeping is written: readers should not wait for it.
   */
  publish?: (articles: Article[]) => void | Promise<void>;
  /** Entries stored at each source's last check, skipped when they come again unchanged (seen-items.ts). */
  seenItems?: SeenItems;
  /**
   * Where successful checks are recorded (all but a feed's move to a new URL); the scheduler batches them
   * (lib/ingest/batch-writer.ts). Default: written at once.
   */
  recordSuccess?: (outcome: CheckSuccess) => Promise<void>;
  /** Where parse and normalize run: the server hands in its worker pool (parse-pool/pool.ts); default this thread. */
  processor?: FeedProcessor;
};

/**
 * Where a check's time went, in milliseconds, logged with "feed refreshed": which stage to look at when a
 * publisher's story is slow to reach readers. Measured by the caller, before the fetch began: `claimMs`, a
 * refresh's claim of its source; `turnMs`, waiting for the host's turn (this process's limit, then the
 * site-wide host slot in Redis).
 */
export type CheckTimings = { claimMs?: number; turnMs?: number; fetchMs: number; parseMs: number; normalizeMs: number; storeMs: number };

/**
 * What the caller measured before the check (see CheckTimings), and `fetched`: called once the publisher has
 * answered (the body read, or the fetch failed), to give the host's turn to its next fetch.
 */
export type CheckWait = { claimMs?: number; turnMs: number; fetched?: () => void };

const tenths = (ms: number) => Math.round(ms * 10) / 10;

export type RefreshResult =
  /** `bodyToStoredMs`: from the fetched body to its new articles committed (parse, normalize, sanitize, store). */
  | { status: "updated"; inserted: Article[]; updated: number; hubUrl: string | null; selfUrl: string | null; bodyToStoredMs: number }
  | { status: "not-modified" }
  | { status: "failed"; error: string; code: string };

export function describeFailure(error: unknown): { code: string; message: string; retryAfterSeconds?: number } {
  if (error instanceof FeedFetchError) return { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof FeedParseError) return { code: error.code, message: error.message };
  if (error instanceof FeedProcessingError) return { code: error.code, message: error.message };
  // The database, not the feed: locked, full or away. Named as such (a warning an operator can act on).
  const unavailable = databaseUnavailable(error);
  if (unavailable) return unavailable;
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}

/**
 * Parse → normalize (+ sanitize) → store what is new. Shared by polling and by WebSub pushes, which bring
 * the body themselves.
 */
export async function ingestFeedBody(
  sourceId: number,
  document: { body: Buffer; contentType: string | null; url: string },
  fetchedAt: Date,
  seen?: SeenCheck,
  processor: FeedProcessor = onThisThread,
): Promise<{ processed: ProcessedFeed; stored: InsertResult; timings: Pick<CheckTimings, "parseMs" | "normalizeMs" | "storeMs"> }> {
  const processed = await processor.process(document, { fetchedAt, seen: seen?.seen });
  const storeStarted = performance.now();
  const stored = await insertNewArticles(sourceId, processed.candidates, new Date());
  const storeMs = tenths(performance.now() - storeStarted);
  // Only once stored: a check that fails here looks at every entry again next time.
  seen?.remember(processed.fingerprints);
  return { processed, stored, timings: { parseMs: processed.parseMs, normalizeMs: processed.normalizeMs, storeMs } };
}

/**
 * A move to a new feed URL is written at once and on its own (it checks that no other source has that URL);
 * every other success goes where the context says.
 */
async function recordSuccess(context: RefreshContext, outcome: CheckSuccess): Promise<void> {
  if (outcome.feedUrl) await recordFetchOutcome(outcome.sourceId, { kind: "success", ...outcome });
  else await (context.recordSuccess ? context.recordSuccess(outcome) : recordCheckSuccesses([outcome]));
}

/** `waited`: how long the check waited before this call, as its caller measured it (see CheckTimings). */
export async function refreshSource(source: SourceForFetch, context: RefreshContext, waited?: CheckWait): Promise<RefreshResult> {
  const now = context.now ?? (() => new Date());
  const fetchedAt = now();
  const log = context.logger.child({ sourceId: source.id, url: source.feedUrl });
  try {
    const fetchStarted = performance.now();
    const response = await fetchFeed(source.feedUrl, {
      etag: source.etag,
      lastModified: source.lastModified,
      allowPrivate: context.allowPrivate,
      trustedOrigins: context.trustedOrigins,
      timeoutMs: context.timeoutMs,
      maxBytes: context.maxBytes,
    }).finally(() => waited?.fetched?.());
    if (response.status === "not-modified") {
      const interval = nextPollInterval({
        previousSeconds: source.pollIntervalSeconds,
        newArticles: 0,
        baseIntervalSeconds: context.baseIntervalSeconds,
        cacheMaxAgeSeconds: response.cacheMaxAgeSeconds,
      });
      if (!response.permanentRedirectTo) context.seenItems?.notModified(source.id, source.lastSuccessAt, fetchedAt);
      await recordSuccess(context, { sourceId: source.id, fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + interval * 1000), pollIntervalSeconds: interval, feedUrl: response.permanentRedirectTo ?? undefined });
      log.debug({ interval }, "feed not modified");
      return { status: "not-modified" };
    }

    const fetchMs = tenths(performance.now() - fetchStarted);
    const bodyStarted = performance.now();
    const { processed, stored, timings } = await ingestFeedBody(source.id, { body: response.body, contentType: response.contentType, url: response.finalUrl }, fetchedAt, context.seenItems?.forCheck(source.id, source.lastSuccessAt, fetchedAt), context.processor);
    const bodyToStoredMs = performance.now() - bodyStarted;
    const interval = nextPollInterval({
      previousSeconds: source.pollIntervalSeconds,
      newArticles: stored.inserted.length,
      baseIntervalSeconds: context.baseIntervalSeconds,
      cacheMaxAgeSeconds: response.cacheMaxAgeSeconds,
    });
    const ms: CheckTimings = {
      ...(waited?.claimMs === undefined ? {} : { claimMs: tenths(waited.claimMs) }),
      ...(waited === undefined ? {} : { turnMs: tenths(waited.turnMs) }),
      fetchMs,
      ...timings,
    };
    const { feed } = processed;
    log.info({ items: processed.itemCount, changedItems: processed.candidates.length, inserted: stored.inserted.length, updated: stored.updated, interval, ms }, "feed refreshed");
    if (stored.inserted.length > 0 && context.publish) {
      try {
        await context.publish(stored.inserted);
      } catch (error) {
        log.error({ err: error }, "publishing new articles failed");
      }
    }
    await recordSuccess(context, {
      sourceId: source.id,
      fetchedAt,
      nextCheckAt: new Date(fetchedAt.getTime() + interval * 1000),
      pollIntervalSeconds: interval,
      etag: response.etag,
      lastModified: response.lastModified,
      feedUrl: response.permanentRedirectTo ?? undefined,
      siteUrl: source.siteUrl ? undefined : feed.siteUrl,
      websubHub: feed.hubUrl,
    });
    return { status: "updated", inserted: stored.inserted, updated: stored.updated, hubUrl: feed.hubUrl, selfUrl: feed.selfUrl, bodyToStoredMs };
  } catch (error) {
    const failure = describeFailure(error);
    const errorCount = source.errorCount + 1;
    const delay = backoffSeconds(errorCount, context.baseIntervalSeconds, failure.retryAfterSeconds);
    try {
      await recordFetchOutcome(source.id, {
        kind: "failure",
        fetchedAt,
        nextCheckAt: new Date(fetchedAt.getTime() + delay * 1000),
        error: `${failure.code}: ${failure.message}`,
      });
    } catch (recordError) {
      log.error({ err: recordError }, "could not record the failure on the source");
    }
    const level = failure.code === "internal" ? "error" : "warn";
    log[level]({ code: failure.code, err: failure.code === "internal" ? error : undefined, retryInSeconds: delay }, `feed check failed: ${failure.message}`);
    return { status: "failed", error: failure.message, code: failure.code };
  }
}
