import { afterEach, describe, expect, it, vi } from "vitest";
import { gatherIds } from "./gathered-ids";

describe("gatherIds", () => {
  afterEach(() => vi.useRealTimers());

  it("delivers ids that arrive within one interval together, each once", async () => {
    vi.useFakeTimers();
    const deliveries: number[][] = [];
    const gathered = gatherIds(500, async (ids) => void deliveries.push(ids));
    gathered.add([3, 1]);
    await vi.advanceTimersByTimeAsync(200);
    gathered.add([1, 2]);
    expect(deliveries).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(deliveries).toEqual([[3, 1, 2]]);
    gathered.add([4]);
    await vi.advanceTimersByTimeAsync(499);
    expect(deliveries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(deliveries).toEqual([[3, 1, 2], [4]]);
  });

  it("never runs two deliveries at once, and flush delivers at once", async () => {
    let active = 0;
    let most = 0;
    const deliveries: number[][] = [];
    const gathered = gatherIds(10_000, async (ids) => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      deliveries.push(ids);
      active -= 1;
    });
    gathered.add([1]);
    const first = gathered.flush();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first delivery is under way
    gathered.add([2]);
    await Promise.all([first, gathered.flush()]);
    expect(deliveries).toEqual([[1], [2]]);
    expect(most).toBe(1);
    gathered.close();
  });

  it("delivers nothing after close", async () => {
    vi.useFakeTimers();
    const deliver = vi.fn(async () => undefined);
    const gathered = gatherIds(100, deliver);
    gathered.add([1]);
    gathered.close();
    gathered.add([2]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(deliver).not.toHaveBeenCalled();
  });
});
