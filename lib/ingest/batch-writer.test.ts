import { describe, expect, it } from "vitest";
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
    const batches: number[][] = [];
    let writing = 0;
    let mostAtOnce = 0;
    const writer = createBatchWriter<number>(async (items) => {
      writing += 1;
      mostAtOnce = Math.max(mostAtOnce, writing);
      await new Promise((resolve) => setTimeout(resolve, 30));
      batches.push(items);
      writing -= 1;
    });
    const first = writer.write(1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first batch is being written
    const later = [2, 3, 4].map((n, i) => new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => writer.write(n)));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(mostAtOnce).toBe(1);
  });

  it("with gatherMs, waits that long after a batch's first item; flush writes what is pending at once", async () => {
    const batches: number[][] = [];
    const writer = createBatchWriter<number>(async (items) => void batches.push(items), { gatherMs: 50 });
    void writer.write(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    void writer.write(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(batches).toEqual([[1, 2]]);
    void writer.write(3);
    await writer.flush();
    expect(batches).toEqual([[1, 2], [3]]);
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
