import { describe, expect, it } from "vitest";
import { cachedRead } from "./cached-read";

describe("cachedRead", () => {
  it("keeps an answer for its time to live, shares the load in flight, and does not keep a failure", async () => {
    let clock = 0;
    let calls = 0;
    let fail = true;
    const read = cachedRead(
      async () => {
        calls += 1;
        if (fail) throw new Error("database gone");
        return calls;
      },
      1_000,
      () => clock,
    );
    const failures = await Promise.allSettled([read(), read(), read()]);
    expect(failures.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(calls).toBe(1);
    fail = false;
    // A failure is not cached: the very next call asks again.
    expect(await Promise.all([read(), read()])).toEqual([2, 2]);
    clock += 999;
    expect(await read()).toBe(2);
    clock += 1;
    expect(await read()).toBe(3);
    expect(calls).toBe(3);
  });
});
