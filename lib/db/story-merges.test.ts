import { describe, expect, it } from "vitest";
import { resolveMerges } from "./stories";

describe("resolveMerges", () => {
  it("sends each merged story to where the batch ends it", () => {
    expect(resolveMerges([{ from: 1, into: 2 }, { from: 2, into: 3 }, { from: 7, into: 3 }])).toEqual(
      new Map([
        [1, 3],
        [2, 3],
        [7, 3],
      ]),
    );
  });

  it("stops a cycle instead of looping, and drops a merge that comes back to itself", () => {
    const final = resolveMerges([{ from: 1, into: 2 }, { from: 2, into: 1 }]);
    expect(final.size).toBeLessThanOrEqual(1);
    for (const [from, into] of final) expect(from).not.toBe(into);
  });
});
