// At most N fetches at a time to any one host: politeness towards publishers with many feeds. With several
// instances the limit is the whole site's, not each process's: a fetch also holds one of the host's shared
// slots (in Redis, lib/cluster/host-slots.ts), taken after its local turn comes so that only the head of each
// process's queue asks for one.

/** The site-wide side of the limit; absent with one instance. */
export type SharedHostSlots = {
  /** Resolves with a release function once one of the host's `perHost` site-wide slots is this fetch's. */
  acquire(host: string, perHost: number): Promise<() => void>;
};

/**
 * `task` is handed how long it waited for its turn (the local queue and the site-wide slot), in ms, and
 * `fetched`, which gives the turn back before the task ends: the limit is on requests a publisher answers at
 * once, so a check calls it as soon as the feed's body is read, and its parse and store (tens of ms under
 * load) no longer keep the host's next fetch waiting. The turn is given back when the task ends in any case.
 */
export type HostLimiter = { run<T>(url: string, task: (waitedMs: number, fetched: () => void) => Promise<T>): Promise<T> };

export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

export function createHostLimiter(perHost: number, shared?: SharedHostSlots): HostLimiter {
  const running = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();

  async function acquire(host: string): Promise<void> {
    const count = running.get(host) ?? 0;
    if (count < perHost) {
      running.set(host, count + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = waiting.get(host) ?? [];
      queue.push(resolve);
      waiting.set(host, queue);
    });
  }

  function release(host: string): void {
    const next = waiting.get(host)?.shift();
    if (next) {
      // The slot passes straight to the next waiter; the running count stays the same.
      if (waiting.get(host)?.length === 0) waiting.delete(host);
      next();
      return;
    }
    const count = (running.get(host) ?? 1) - 1;
    if (count <= 0) running.delete(host);
    else running.set(host, count);
  }

  return {
    async run<T>(url: string, task: (waitedMs: number, fetched: () => void) => Promise<T>): Promise<T> {
      const host = hostOf(url);
      const asked = performance.now();
      await acquire(host);
      let releaseShared: (() => void) | undefined;
      let givenBack = false;
      const giveBack = () => {
        if (givenBack) return;
        givenBack = true;
        releaseShared?.();
        release(host);
      };
      try {
        releaseShared = shared ? await shared.acquire(host, perHost) : undefined;
        return await task(performance.now() - asked, giveBack);
      } finally {
        giveBack();
      }
    },
  };
}
