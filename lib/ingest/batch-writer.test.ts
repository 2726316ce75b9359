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

  it("never lets a batch grow past its limit", async () => {
    const batches: number[][] = [];
    const writer = createBatchWriter<number>(async (items) => void batches.push(items), 2);
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
