// Against the machine's Redis: two "instances" (own connections and counts, one prefix).
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createSharedConnectionCounts } from "./connection-counts";
import type { RedisConnection } from "./redis";
import { connectTestRedis, deleteTestKeys, testRedisPrefix } from "./test-redis";

const prefix = testRedisPrefix("connection-counts");
const connections: RedisConnection[] = [];

async function instance() {
  const redis = await connectTestRedis(prefix);
  connections.push(redis);
  const counts = createSharedConnectionCounts({ redis, logger: pino({ level: "silent" }) });
  // The heartbeat is written on creation; wait for it so the other instance sees this one alive.
  await redis.client.ping();
  return { redis, counts };
}

afterAll(async () => {
  if (connections[0]) await deleteTestKeys(connections[0], prefix);
  await Promise.all(connections.map((connection) => connection.close()));
});

describe("live connections per address, counted for the whole site", () => {
  it("refuses an address at the cap whichever instance it reaches, and admits it again after a release", async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    expect(await a.counts.acquire("203.0.113.7", 3)).toBe(true);
    expect(await b.counts.acquire("203.0.113.7", 3)).toBe(true);
    expect(await a.counts.acquire("203.0.113.7", 3)).toBe(true);
    expect(await b.counts.acquire("203.0.113.7", 3)).toBe(false);
    expect(await a.counts.acquire("198.51.100.1", 3)).toBe(true);
    b.counts.release("203.0.113.7");
    await b.redis.client.ping();
    expect(await a.counts.acquire("203.0.113.7", 3)).toBe(true);
  });

  it("stops counting a killed instance's connections once its heartbeat is gone", async () => {
    const [survivor, killed] = await Promise.all([instance(), instance()]);
    expect(await killed.counts.acquire("192.0.2.50", 1)).toBe(true);
    expect(await survivor.counts.acquire("192.0.2.50", 1)).toBe(false);
    // kill -9: no release, no more heartbeats; its heartbeat key expires (here: deleted at once).
    await killed.counts.close();
    killed.redis.client.disconnect();
    expect(await survivor.counts.acquire("192.0.2.50", 1)).toBe(true);
  });

  it("answers null (count locally) when Redis is away", async () => {
    const { redis, counts } = await instance();
    redis.client.disconnect();
    expect(await counts.acquire("192.0.2.99", 1)).toBeNull();
  });
});
