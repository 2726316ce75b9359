// When to check a source next. Pure functions: the adaptive interval, error backoff and server hints.

export type ScheduleBounds = { floorSeconds: number; ceilingSeconds: number };

/**
 * Busy sources may be checked up to four times as often as the base interval; quiet ones never less often
 * than the base interval itself, so a story reaches readers within POLL_INTERVAL_SECONDS of publication
 * whatever the source's history (the `freshness` target in bench/README.md). A server's max-age can stretch it no further.
 */
export function scheduleBounds(baseIntervalSeconds: number): ScheduleBounds {
  return {
    floorSeconds: Math.max(5, Math.round(baseIntervalSeconds / 4)),
    ceilingSeconds: baseIntervalSeconds,
  };
}

/**
 * The next polling interval after a successful check: halve it when the check found something new, grow it
 * by half when it did not, and never poll sooner than the server's own Cache-Control max-age allows.
 */
export function nextPollInterval(options: {
  previousSeconds: number;
  newArticles: number;
  baseIntervalSeconds: number;
  cacheMaxAgeSeconds?: number | null;
}): number {
  const { floorSeconds, ceilingSeconds } = scheduleBounds(options.baseIntervalSeconds);
  const previous = Math.min(Math.max(options.previousSeconds || options.baseIntervalSeconds, floorSeconds), ceilingSeconds);
  let next = options.newArticles > 0 ? previous / 2 : previous * 1.5;
  if (options.cacheMaxAgeSeconds && options.cacheMaxAgeSeconds > next) next = options.cacheMaxAgeSeconds;
  return Math.round(Math.min(Math.max(next, floorSeconds), ceilingSeconds));
}

const MAX_BACKOFF_SECONDS = 24 * 60 * 60;

/** Exponential backoff after `errorCount` consecutive failures (1 = the first), capped at a day, with ±10 % jitter. */
export function backoffSeconds(errorCount: number, baseIntervalSeconds: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const exponential = baseIntervalSeconds * 2 ** Math.min(Math.max(errorCount - 1, 0), 10);
  const withHint = Math.max(exponential, retryAfterSeconds ?? 0);
  const capped = Math.min(withHint, Math.max(MAX_BACKOFF_SECONDS, retryAfterSeconds ?? 0));
  const jitter = 1 + (random() * 0.2 - 0.1);
  return Math.round(capped * jitter);
}
