import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createThrottledAnnouncer } from "./throttled-announcer";

describe("throttled announcements", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("speaks the first change at once, then at most once per interval, summing what piled up", () => {
    const spoken: string[] = [];
    const announcer = createThrottledAnnouncer<number>(60_000, (items) => `${items.reduce((a, b) => a + b, 0)} changed`, (text) => spoken.push(text));
    announcer.add([1]);
    vi.advanceTimersByTime(0);
    expect(spoken).toEqual(["1 changed"]);
    announcer.add([2]);
    announcer.add([3]);
    vi.advanceTimersByTime(59_000);
    expect(spoken).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    // Same sentence twice would not be a change to the live region: the text differs by a no-break space.
    expect(spoken).toEqual(["1 changed", "5 changed\u00a0"]);
    announcer.add([]);
    vi.advanceTimersByTime(120_000);
    expect(spoken).toHaveLength(2);
  });

  it("says nothing after close", () => {
    const spoken: string[] = [];
    const announcer = createThrottledAnnouncer<string>(1_000, (items) => items.join(), (text) => spoken.push(text));
    announcer.add(["a"]);
    announcer.close();
    vi.advanceTimersByTime(5_000);
    expect(spoken).toEqual([]);
  });
});
