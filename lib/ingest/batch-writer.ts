// Gathers writes that arrive close together and performs them as one. Each caller's promise settles when
// its item is written (or the batch fails), so a caller can still rely on "after await, it is stored".
export type BatchWriter<T> = {
  write(item: T): Promise<void>;
};

export function createBatchWriter<T>(writeAll: (items: T[]) => Promise<void>, maxBatch = 200): BatchWriter<T> {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = pending;
    pending = [];
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
        if (pending.length >= maxBatch) void flush();
        else if (!scheduled) {
          scheduled = true;
          // Everything that finishes in this turn of the event loop goes in the same statement.
          setImmediate(() => void (pending.length > 0 ? flush() : (scheduled = false)));
        }
      });
    },
  };
}
