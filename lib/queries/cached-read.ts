// A read whose answer may be a few seconds old, asked for by many requests at once (health checks, the
// summary line of /sources): one query serves every caller for `ttlMs`, and callers arriving while it runs
// share it. Per process: it caches a read, never state that other processes must see.

/** Wraps `load`. A load that fails is not kept: the next caller tries again. */
export function cachedRead<T>(load: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let cached: { value: T; at: number } | null = null;
  let inFlight: Promise<T> | null = null;
  return () => {
    if (cached && now() - cached.at < ttlMs) return Promise.resolve(cached.value);
    inFlight ??= load().then(
      (value) => {
        cached = { value, at: now() };
        inFlight = null;
        return value;
      },
      (error: unknown) => {
        inFlight = null;
        throw error;
      },
    );
    return inFlight;
  };
}
