import { describe, expect, it } from "vitest";
import { parseCacheMaxAge, parseRetryAfter } from ".";

describe("header parsing", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("parses Retry-After as seconds or an HTTP-date", () => {
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Wednesday, 01-Jan-25 00:02:00 GMT", now)).toBe(120);
    expect(parseRetryAfter("Wed Jan  1 00:03:00 2025", now)).toBe(180);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("takes max-age, ignores s-maxage, and falls back to Expires", () => {
    expect(parseCacheMaxAge({ "cache-control": "max-age=300" }, now)).toBe(300);
    expect(parseCacheMaxAge({ "cache-control": "s-maxage=100, max-age=20" }, now)).toBe(20);
    expect(parseCacheMaxAge({ "cache-control": "s-maxage=100" }, now)).toBeNull();
    expect(parseCacheMaxAge({ "cache-control": 'max-age="45"' }, now)).toBe(45);
    expect(parseCacheMaxAge({ expires: "Wed, 01 Jan 2025 00:10:00 GMT" }, now)).toBe(600);
    expect(
      parseCacheMaxAge({ expires: "Wed, 01 Jan 2025 00:10:00 GMT", date: "Wed, 01 Jan 2025 00:05:00 GMT" }, now),
    ).toBe(300);
    expect(parseCacheMaxAge({ expires: "0" }, now)).toBe(0);
    expect(parseCacheMaxAge({}, now)).toBeNull();
  });
});
