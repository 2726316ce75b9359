// Ids that arrive in bursts, handed on together: at most one delivery per interval, each id once per delivery.
// Used for story updates: coverage of a big event arrives in bursts (many articles a second across
// outlets), and every update costs each instance a read of the stories and a message to all its readers.
// Gathering for a moment reads each changed story once per burst, and keeps the live announcements rare.

export type GatheredIds = {
  add(ids: Iterable<number>): void;
  /** Delivers what is gathered now and resolves when every delivery has ended (tests, shutdown). */
  flush(): Promise<void>;
  close(): void;
};

export function gatherIds(intervalMs: number, deliver: (ids: number[]) => Promise<void>): GatheredIds {
  const gathered = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let delivering: Promise<void> = Promise.resolve();
  let closed = false;

  function deliverNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // One delivery at a time, in order: a later one never overtakes an earlier one with older data.
    delivering = delivering.then(async () => {
      if (gathered.size === 0) return;
      const ids = [...gathered];
      gathered.clear();
      await deliver(ids);
    });
    return delivering;
  }

  return {
    add(ids) {
      if (closed) return;
      for (const id of ids) gathered.add(id);
      if (!timer && gathered.size > 0) {
        timer = setTimeout(() => void deliverNow(), intervalMs);
        timer.unref();
      }
    },
    flush: deliverNow,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      gathered.clear();
    },
  };
}
