import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createAdminRateLimiter, type AdminRateLimiter, type AdminRateVerdict } from "./admin-rate-limit";

async function failures(limiter: AdminRateLimiter, address: string, count: number): Promise<AdminRateVerdict[]> {
  const verdicts: AdminRateVerdict[] = [];
  for (let i = 0; i < count; i++) verdicts.push(await limiter.fail(address));
  return verdicts;
}

function retryAfter(verdict: AdminRateVerdict): number {
  if (!verdict.blocked) throw new Error("expected the address to be blocked");
  return verdict.retryAfterSeconds;
}

describe("admin rate limiter in memory", () => {
  it("blocks an address after its allowed failures, with a Retry-After, and leaves others alone", async () => {
    const limiter = createAdminRateLimiter({ keyPrefix: `test-${randomUUID()}`, points: 3, blockSeconds: 60 });
    expect(await limiter.check("198.51.100.1")).toEqual({ blocked: false });
    const verdicts = await failures(limiter, "198.51.100.1", 4);
    expect(verdicts.slice(0, 3)).toEqual([{ blocked: false }, { blocked: false }, { blocked: false }]);
    expect(retryAfter(verdicts[3])).toBeGreaterThan(50);
    const blocked = retryAfter(await limiter.check("198.51.100.1"));
    expect(blocked).toBeGreaterThan(50);
    expect(blocked).toBeLessThanOrEqual(60);
    expect(await limiter.check("198.51.100.2")).toEqual({ blocked: false });
  });

  it("counts an IPv6 client by its /64: a new address of the same network per guess does not escape the limit", async () => {
    const limiter = createAdminRateLimiter({ keyPrefix: `test-${randomUUID()}`, points: 3, blockSeconds: 60 });
    const verdicts: AdminRateVerdict[] = [];
    for (let i = 1; i <= 4; i++) verdicts.push(await limiter.fail(`2001:db8:7:7::${i.toString(16)}`));
    expect(verdicts.map((verdict) => verdict.blocked)).toEqual([false, false, false, true]);
    expect(retryAfter(await limiter.check("2001:db8:7:7:abcd::1"))).toBeGreaterThan(50);
    expect(await limiter.check("2001:db8:7:8::1")).toEqual({ blocked: false });
  });
});

describe("admin rate limiter in Redis (127.0.0.1:6379)", () => {
  const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  const prefix = `newswire-test-${process.pid}-${randomUUID()}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("counts the failures of one address across instances sharing Redis", async () => {
    await redis.connect().catch((error: unknown) => {
      throw new Error(`Redis at 127.0.0.1:6379 is not reachable (start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379): ${String(error)}`);
    });
    const first = createAdminRateLimiter({ redis, keyPrefix: prefix, points: 4, blockSeconds: 120 });
    const second = createAdminRateLimiter({ redis, keyPrefix: prefix, points: 4, blockSeconds: 120 });
    expect(await failures(first, "203.0.113.5", 2)).toEqual([{ blocked: false }, { blocked: false }]);
    expect(await failures(second, "203.0.113.5", 2)).toEqual([{ blocked: false }, { blocked: false }]);
    expect((await first.fail("203.0.113.5")).blocked).toBe(true);
    expect(retryAfter(await second.check("203.0.113.5"))).toBeGreaterThan(100);
    // The counters are in Redis, under the prefix given.
    expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    expect(await second.check("203.0.113.6")).toEqual({ blocked: false });
  });
});
