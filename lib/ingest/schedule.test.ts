import { describe, expect, it } from "vitest";
import { backoffSeconds, nextPollInterval, scheduleBounds } from "./schedule";

describe("adaptive schedule", () => {
  const base = 300;
  const { floorSeconds, ceilingSeconds } = scheduleBounds(base);

  it("polls busy sources more often, down to the floor", () => {
    let interval = base;
    for (let i = 0; i < 10; i++) interval = nextPollInterval({ previousSeconds: interval, newArticles: 3, baseIntervalSeconds: base });
    expect(interval).toBe(floorSeconds);
    expect(floorSeconds).toBeLessThan(base);
  });

  it("polls quiet sources less often, up to the ceiling", () => {
    let interval = base;
    for (let i = 0; i < 20; i++) interval = nextPollInterval({ previousSeconds: interval, newArticles: 0, baseIntervalSeconds: base });
    expect(interval).toBe(ceilingSeconds);
  });

  it("never polls a quiet source less often than the base interval", () => {
    expect(ceilingSeconds).toBe(base);
    expect(scheduleBounds(10)).toEqual({ floorSeconds: 5, ceilingSeconds: 10 });
  });

  it("never polls sooner than the server's max-age, within the ceiling", () => {
    expect(nextPollInterval({ previousSeconds: floorSeconds, newArticles: 5, baseIntervalSeconds: base, cacheMaxAgeSeconds: 200 })).toBe(200);
    expect(nextPollInterval({ previousSeconds: base, newArticles: 5, baseIntervalSeconds: base, cacheMaxAgeSeconds: 10 ** 6 })).toBe(ceilingSeconds);
  });
});

describe("error backoff", () => {
  const noJitter = () => 0.5;

  it("doubles with each consecutive error and is capped at a day", () => {
    expect(backoffSeconds(1, 300, undefined, noJitter)).toBe(300);
    expect(backoffSeconds(2, 300, undefined, noJitter)).toBe(600);
    expect(backoffSeconds(3, 300, undefined, noJitter)).toBe(1200);
    expect(backoffSeconds(30, 300, undefined, noJitter)).toBe(86_400);
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(backoffSeconds(1, 300, 3600, noJitter)).toBe(3600);
  });

  it("jitters by at most ten percent", () => {
    expect(backoffSeconds(2, 300, undefined, () => 0)).toBe(540);
    expect(backoffSeconds(2, 300, undefined, () => 0.999999)).toBe(660);
  });
});
