// The polling loop. The database is the job queue: a source is due when its nextCheckAt has
// passed; claiming it leases it (checkLeaseUntil) so no other loop (or instance) takes it meanwhile.
import type { Article } from "../domain/article";
import { claimDueSources, claimSource, findNextCheckAt, markSourceDue, recordCheckSuccesses, releaseClaims, renewClaims, type CheckSuccess, type SourceForFetch } from "../db/source-checks";
import { createBatchWriter } from "./batch-writer";
import { refreshSource, type RefreshContext, type RefreshResult } from "./refresh-source";
import { createHostLimiter, type SharedHostSlots } from "./host-limiter";

export type SchedulerOptions = {
  context: RefreshContext;
  /** Called as soon as a source's new articles are committed (before the check's bookkeeping), oldest first. */
  onNewArticles: (articles: Article[]) => void | Promise<void>;
  /** Called after every check, whatever its outcome (metrics, WebSub bookkeeping). */
  onChecked?: (source: SourceForFetch, result: RefreshResult, durationMs: number) => void;
  concurrency?: number;
  perHostConcurrency?: number;
  /** With several instances: the per-host limit held for the whole site (lib/cluster/host-slots.ts). */
  sharedHostSlots?: SharedHostSlots;
  /** Longest sleep between looks at the queue; a wake() cuts it short. */
  idleMs?: number;
  /** How long a claimed source is this loop's (see DEFAULT_CLAIM_LEASE_SECONDS). */
  leaseSeconds?: number;
};

export type Scheduler = {
  /** Looks at the queue now instead of at the next planned time. */
  wake(): void;
  /** Makes a source due and wakes the loop. Resolves false when the source does not exist. */
  refreshNow(sourceId: number): Promise<boolean>;
  close(): Promise<void>;
};

/**
 * Long enough for one check to be fetched, parsed and stored (a claim waiting for its turn is renewed, see
 * renewWaitingClaims); a crashed check is retried after it. FEED_CHECK_LEASE_SECONDS changes it (a faster
 * takeover of a killed instance's sources, at the risk of a second fetch of a source whose check really is
 * that slow).
 */
const DEFAULT_CLAIM_LEASE_SECONDS = 120;
/** Sources claimed per concurrent check: one claim statement serves several checks. */
const CLAIM_AHEAD = 4;

export function startScheduler(options: SchedulerOptions): Scheduler {
  // 32 checks at once per instance: most of a check is waiting (the publisher's answer, a database round
  // trip, a host's turn), and with 10,000 sources a round at 8 took 26 s where 32 took 19 s in the same
  // conditions (npm run bench -- --only cluster). The cost is memory in the worst case: 32 bodies of up to
  // the fetch stage's 10 MiB cap at once.
  const concurrency = options.concurrency ?? 32;
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS;
  const idleMs = options.idleMs ?? 30_000;
  const logger = options.context.logger;
  // Every successful check's bookkeeping (most of a large source list's checks answer 304; a changed feed's
  // articles are stored and published by then) is written in batches gathered over 25 ms, and the check does
  // not wait for it (its slot goes to the next source at once). Nothing is lost by not waiting: until the
  // write lands, the source's lease keeps every loop from claiming it, and a refresh asked for meanwhile is
  // kept by that same write (recordCheckSuccesses makes the source due again). A failed write leaves the
  // lease to run out, after which the source is checked again (its stored articles are not stored twice).
  // close() flushes. The loop may have looked at the queue before the write landed (a check ends first) and
  // gone to sleep until the lease's end: the write says when its sources are due, and the loop looks then.
  const successes = createBatchWriter(
    async (outcomes: CheckSuccess[]) => {
      const earliest = await recordCheckSuccesses(outcomes);
      if (earliest) lookBy(earliest.getTime());
    },
    { gatherMs: 25 },
  );
  const recordSuccessLater = (outcome: CheckSuccess): Promise<void> => {
    successes.write(outcome).catch((error) => logger.warn({ err: error, sourceId: outcome.sourceId }, "could not record a successful check; the source is checked again when its lease ends"));
    return Promise.resolve();
  };
  const context: RefreshContext = { recordSuccess: recordSuccessLater, publish: options.onNewArticles, ...options.context };
  const hostLimiter = createHostLimiter(options.perHostConcurrency ?? 2, options.sharedHostSlots);
  const active = new Set<Promise<void>>();
  /** Claimed (leased in the database) but not started yet, oldest claim first. */
  const queue: SourceForFetch[] = [];
  /** Claims not fetching yet (in `queue` or waiting for their host's turn): when each lease was taken or renewed (Date.now()). */
  const waitingClaims = new Map<number, number>();
  const renewEveryMs = (leaseSeconds * 1000) / 4;
  /** Sources being checked by this loop, and those asked to be checked again as soon as that ends. */
  const checking = new Set<number>();
  const recheck = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (Date.now() time). */
  let timerDueAt = 0;
  let closing = false;
  let looking = false;
  let lookAgain = false;

  function schedule(delayMs: number): void {
    if (closing) return;
    if (timer) clearTimeout(timer);
    const wait = Math.max(0, Math.min(delayMs, idleMs));
    timerDueAt = Date.now() + wait;
    timer = setTimeout(() => void look(), wait);
  }

  /** Looks at the queue at `at` (Date.now() time) at the latest; a look planned sooner stands. */
  function lookBy(at: number): void {
    if (timer && timerDueAt <= at) return;
    schedule(at - Date.now());
  }

  /** `askedAt`: when a refresh was asked for (performance.now()), so its claim counts as waiting too. */
  async function check(source: SourceForFetch, askedAt?: number): Promise<void> {
    const started = performance.now();
    const claimMs = askedAt === undefined ? undefined : started - askedAt;
    const result = await hostLimiter.run(source.feedUrl, async (turnMs, fetched) => ((await holdLease(source.id)) ? refreshSource(source, context, { claimMs, turnMs, fetched }) : undefined));
    if (result) options.onChecked?.(source, result, performance.now() - started);
  }

  /**
   * Claims ahead of the checks (CLAIM_AHEAD per slot) and checks waiting for a busy host's turn can wait behind
   * slow feeds, each up to the fetch timeout: with a short lease, one could run out before its fetch starts
   * and another loop would fetch the same source too. So every quarter of a lease, the claims that have waited
   * that long are renewed (one statement for all of them), and a fetch starts only with at least three
   * quarters of its lease ahead.
   */
  async function renewWaitingClaims(): Promise<void> {
    const now = Date.now();
    const stale = [...waitingClaims].filter(([, leasedAt]) => now - leasedAt >= renewEveryMs).map(([sourceId]) => sourceId);
    if (stale.length === 0) return;
    for (const sourceId of await renewClaims(stale, new Date(now), leaseSeconds)) if (waitingClaims.has(sourceId)) waitingClaims.set(sourceId, now);
  }
  let renewing = false;
  const renewal = setInterval(() => {
    if (renewing || closing) return;
    renewing = true;
    renewWaitingClaims()
      .catch((error) => logger.warn({ err: error }, "could not renew the leases of claimed sources"))
      .finally(() => (renewing = false));
  }, renewEveryMs);
  renewal.unref();

  /**
   * Right before a fetch: renews a claim that has waited a quarter of its lease since it was taken or renewed.
   * False when its lease already ran out (a stalled process): it may be another loop's by now, so this loop
   * leaves it (it is due again anyway).
   */
  async function holdLease(sourceId: number): Promise<boolean> {
    const leasedAt = waitingClaims.get(sourceId);
    waitingClaims.delete(sourceId);
    if (leasedAt === undefined || Date.now() - leasedAt < renewEveryMs) return true;
    if ((await renewClaims([sourceId], new Date(), leaseSeconds)).length > 0) return true;
    logger.warn({ sourceId }, "a claimed source waited past its lease; left to whichever loop claims it next");
    return false;
  }

  function start(source: SourceForFetch, askedAt?: number): void {
    checking.add(source.id);
    const task = check(source, askedAt)
      .catch((error) => {
        // A check that crashed before its fetch must not keep renewing a lease it no longer uses (while it
        // ran, no other claim of this source could be taken, so the entry is this check's).
        waitingClaims.delete(source.id);
        logger.error({ err: error, sourceId: source.id, url: source.feedUrl }, "source check crashed");
      })
      .then(async () => {
        checking.delete(source.id);
        // A refresh asked for during the check runs now, after the check's outcome is recorded.
        if (recheck.delete(source.id) && !closing) await markSourceDue(source.id);
      })
      .catch((error) => logger.error({ err: error, sourceId: source.id, url: source.feedUrl }, "could not queue the requested refresh"))
      .finally(() => {
        active.delete(task);
        schedule(0);
      });
    active.add(task);
  }

  async function look(): Promise<void> {
    if (closing) return;
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = true;
    try {
      let drained = false;
      if (queue.length < concurrency) {
        const wanted = concurrency * CLAIM_AHEAD - queue.length;
        const claimed = await claimDueSources(new Date(), wanted, leaseSeconds);
        if (closing) {
          await releaseClaims(claimed.map((source) => source.id));
          return;
        }
        const leasedAt = Date.now();
        for (const source of claimed) waitingClaims.set(source.id, leasedAt);
        queue.push(...claimed);
        drained = claimed.length < wanted;
      }
      while (active.size < concurrency && queue.length > 0) start(queue.shift()!);
      // More is due than was claimed: the next finished check looks again. Otherwise sleep until the next due time.
      if (drained) {
        const next = await findNextCheckAt();
        schedule(next ? next.getTime() - Date.now() : idleMs);
      }
    } catch (error) {
      logger.error({ err: error }, "scheduler could not read the queue; retrying");
      schedule(5_000);
    } finally {
      looking = false;
      if (lookAgain && !closing) {
        lookAgain = false;
        schedule(0);
      }
    }
  }

  schedule(0);

  return {
    wake: () => schedule(0),
    async refreshNow(sourceId) {
      const askedAt = performance.now();
      // Already claimed and about to be checked: that check will see the feed as it is now.
      if (queue.some((source) => source.id === sourceId)) return true;
      if (checking.has(sourceId)) {
        // Never two fetches of one source at once: check it again when this one ends.
        recheck.add(sourceId);
        return true;
      }
      // Claim it directly (one statement) and start it now if a slot is free, rather than marking it due
      // and waiting for the loop to find it: a publisher's refresh is latency readers feel.
      const claimed = closing ? null : await claimSource(sourceId, new Date(), leaseSeconds);
      if (!claimed) return closing ? markSourceDue(sourceId) : false;
      // Another instance is checking it: the source is due again as soon as that check ends.
      if (claimed === "busy") return true;
      // The loop may have taken it meanwhile: a check already under way may predate this request.
      if (checking.has(sourceId)) {
        recheck.add(sourceId);
        return true;
      }
      if (queue.some((source) => source.id === sourceId)) return true;
      waitingClaims.set(claimed.id, Date.now());
      if (active.size < concurrency) start(claimed, askedAt);
      else queue.unshift(claimed);
      return true;
    },
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      clearInterval(renewal);
      // Claimed but never started: due again at once for whoever polls next (a restart, another instance).
      const unstarted = queue.splice(0).map((source) => source.id);
      for (const sourceId of unstarted) waitingClaims.delete(sourceId);
      await releaseClaims(unstarted).catch((error) => logger.warn({ err: error, sources: unstarted.length }, "could not release claimed sources"));
      // Let checks in flight finish and commit: no lost writes on shutdown.
      await Promise.allSettled([...active]);
      await successes.flush();
    },
  };
}
