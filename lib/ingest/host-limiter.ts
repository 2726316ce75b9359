// At most N fetches at a time to any one host: politeness towards publishers with many feeds.

export function createHostLimiter(perHost: number) {
  const running = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();

  function hostOf(url: string): string {
    try {
      return new URL(url).host.toLowerCase();
    } catch {
      return url;
    }
  }

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
    async run<T>(url: string, task: () => Promise<T>): Promise<T> {
      const host = hostOf(url);
      await acquire(host);
      try {
        return await task();
      } finally {
        release(host);
      }
    },
  };
}
