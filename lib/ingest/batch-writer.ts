// Gathers writes that arrive close together and performs them as one. Each caller's promise settles when
// its item is written (or the batch fails), so a caller can still rely on "after await, it is stored".
//
// Group commit: one batch is written at a time, and whatever arrives while it is being written goes in the
// next. Under load the batches grow by themselves; `gatherMs` also waits that long after a batch's first item
// (for callers that do not wait for the write, where a larger batch costs them nothing).
export type BatchWriter<T> = {
  write(item: T): Promise<void>;
  /** Resolves once everything written so far is stored (or failed): shutdown. */
  flush(): Promise<void>;
};

type Pending<T> = { item: T; resolve: () => void; reject: (error: unknown) => void };

export function createBatchWriter<T>(writeAll: (items: T[]) => Promise<void>, options: { maxBatch?: number; gatherMs?: number } = {}): BatchWriter<T> {
  const maxBatch = options.maxBatch ?? 500;
  const gatherMs = options.gatherMs ?? 0;
  let pending: Pending<T>[] = [];
  /** Cancels the scheduled flush, if one is scheduled. */
  let cancelScheduled: (() => void) | undefined;
  let writing: Promise<void> | undefined;

  function schedule(): void {
    if (cancelScheduled || writing) return;
    // Everything that arrives in this turn of the event loop (or within gatherMs) goes in the same statement.
    if (gatherMs > 0) {
      const timer = setTimeout(startFlush, gatherMs);
      cancelScheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(startFlush);
      cancelScheduled = () => clearImmediate(immediate);
    }
  }

  function startFlush(): void {
    cancelScheduled = undefined;
    if (writing || pending.length === 0) return;
    writing = flushOne().finally(() => {
      writing = undefined;
      // What arrived meanwhile is the next batch.
      if (pending.length > 0) schedule();
    });
  }

  async function flushOne(): Promise<void> {
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    try {
      await writeAll(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  return {
    write(item) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        schedule();
      });
    },
    async flush() {
      while (writing || pending.length > 0) {
        if (writing) await writing;
        else {
          cancelScheduled?.();
          startFlush();
        }
      }
    },
  };
}
