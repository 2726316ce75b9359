// Gathers writes that arrive close together and performs them as one. Each caller's promise settles when
// its item is written (or the batch fails), so a caller can still rely on "after await, it is stored".
//
// Group commit: one batch is written at a time, and whatever arrives while it is being written goes in the
// next. Under load the batches grow by themselves (a polling round's 304s: hundreds per statement instead of
// one or two), and when writes are rare each one still goes out at the next turn of the event loop.
export type BatchWriter<T> = {
  write(item: T): Promise<void>;
};

type Pending<T> = { item: T; resolve: () => void; reject: (error: unknown) => void };

export function createBatchWriter<T>(writeAll: (items: T[]) => Promise<void>, maxBatch = 500): BatchWriter<T> {
  let pending: Pending<T>[] = [];
  let scheduled = false;
  let writing = false;

  async function flush(): Promise<void> {
    scheduled = false;
    if (writing || pending.length === 0) return;
    writing = true;
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    try {
      await writeAll(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      writing = false;
      // What arrived meanwhile is the next batch.
      if (pending.length > 0) void flush();
    }
  }

  return {
    write(item) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (!scheduled && !writing) {
          scheduled = true;
          // Everything that finishes in this turn of the event loop goes in the same statement.
          setImmediate(() => void flush());
        }
      });
    },
  };
}
