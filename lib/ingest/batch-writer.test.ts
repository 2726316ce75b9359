import { describe, expect, it, vi } from "vitest";
import { createBatchWriter } from "./batch-writer";

describe("createBatchWriter", () => {
  it("writes what arrives in one turn of the event loop as one batch, and settles each caller after it", async () => {
    const batches: number[][] = [];
    const writer = createBatchWriter<number>(async (items) => void batches.push(items));
    const settled: number[] = [];
    await Promise.all([1, 2, 3].map((n) => writer.write(n).then(() => settled.push(n))));
    await writer.write(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(settled).toEqual([1, 2, 3]);
  });

  it("writes one batch at a time; what arrives while one is written goes in the next, as one", async () => {
    // The test decides when each write ends (no timers: a loaded machine must not reorder anything).
    const batches: number[][] = [];
    const ends: (() => void)[] = [];
    let writing = 0;
    let mostAtOnce = 0;
    const writer = createBatchWriter<number>(async (items) => {
      writing += 1;
      mostAtOnce = Math.max(mostAtOnce, writing);
      batches.push(items);
      await new Promise<void>((resolve) => ends.push(resolve));
      writing -= 1;
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = writer.write(1);
    while (batches.length === 0) await turn();
    const later = [writer.write(2), writer.write(3)];
    await turn();
    later.push(writer.write(4));
    await turn();
    expect(batches).toEqual([[1]]);
    ends.shift()!();
    await first;
    while (batches.length === 1) await turn();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    ends.shift()!();
    await Promise.all(later);
    expect(mostAtOnce).toBe(1);
  });

  it("with gatherMs, waits that long after a batch's first item; flush writes what is pending at once", async () => {
    vi.useFakeTimers();
    try {
      const batches: number[][] = [];
      const writer = createBatchWriter<number>(async (items) => void batches.push(items), { gatherMs: 50 });
      void writer.write(1);
      await vi.advanceTimersByTimeAsync(20);
      void writer.write(2);
      await vi.advanceTimersByTimeAsync(29);
      expect(batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2]]);
      void writer.write(3);
      await writer.flush();
      expect(batches).toEqual([[1, 2], [3]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never lets a batch grow past its limit", async () => {
    const batches: number[][] = [];
    const writer = createBatchWriter<number>(async (items) => void batches.push(items), { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.write(n)));
    expect(batches.flat().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(2);
  });

  it("rejects every caller of a failed batch, and the next batch is written", async () => {
    let fail = true;
    const writer = createBatchWriter<number>(async () => {
      if (fail) throw new Error("disk full");
    });
    const results = await Promise.allSettled([writer.write(1), writer.write(2)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(writer.write(3)).resolves.toBeUndefined();
  });
});
