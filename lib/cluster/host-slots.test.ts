// Against the machine's Redis: several "instances" (each with its own connection and limiter, one prefix).
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createHostLimiter } from "../ingest/host-limiter";
import { createSharedHostSlots } from "./host-slots";
import type { RedisConnection } from "./redis";
import { connectTestRedis, deleteTestKeys, testRedisPrefix } from "./test-redis";

const silent = pino({ level: "silent" });
const prefix = testRedisPrefix("host-slots");
const connections: RedisConnection[] = [];

async function instance(leaseMs?: number) {
  const redis = await connectTestRedis(prefix);
  connections.push(redis);
  return { redis, slots: createSharedHostSlots({ redis, logger: silent, leaseMs, retryMs: 10 }) };
}

afterAll(async () => {
  if (connections[0]) await deleteTestKeys(connections[0], prefix);
  await Promise.all(connections.map((connection) => connection.close()));
});

describe("per-host fetch slots shared by every instance", () => {
  it("keeps the whole site at the per-host limit, however many instances fetch", async () => {
    const instances = await Promise.all([instance(), instance(), instance()]);
    const limiters = instances.map(({ slots }) => createHostLimiter(2, slots));
    let running = 0;
    let most = 0;
    let done = 0;
    const fetch = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      running -= 1;
      done += 1;
    };
    await Promise.all(Array.from({ length: 60 }, (_, i) => limiters[i % 3].run(`https://one-publisher.example/feed-${i}`, fetch)));
    expect(done).toBe(60);
    expect(most).toBe(2);
  });

  it("gives a killed instance's slots back when their lease ends", async () => {
    const killed = await instance(200);
    await killed.slots.acquire("stuck.example", 2);
    await killed.slots.acquire("stuck.example", 2);
    // Gone without releasing (its renewals stop with its connection): the host is full until the leases end.
    killed.redis.client.disconnect();
    const survivor = await instance(200);
    const started = Date.now();
    const release = await survivor.slots.acquire("stuck.example", 2);
    release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("does not wait for Redis when it is away: each instance keeps its own limit", async () => {
    const { redis, slots } = await instance();
    redis.client.disconnect();
    const release = await slots.acquire("any.example", 1);
    release();
    const limiter = createHostLimiter(1, slots);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.run("https://any.example/feed", async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});
