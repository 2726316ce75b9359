// Per-host fetch slots shared by every instance of the site (the other half of lib/ingest/host-limiter.ts):
// a sorted set per host in Redis, whose members are the fetches holding a slot and whose scores are when
// each one's lease ends. A fetch of an instance that was killed simply lets its lease run out.
//
// Why Redis and not a queue or PostgreSQL advisory locks: a slot is held for one fetch (milliseconds to 15 s)
// and must outlive nothing; an advisory lock would pin a database connection per fetch in flight, and a job
// queue (pg-boss) would replace the scheduler that already claims sources through the database.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { RedisConnection } from "./redis";

// KEYS[1]: the host's slot set. ARGV: member, slots, lease ms. Redis's own clock decides expiry, so the
// instances' clocks do not have to agree.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0`;

// Extends a slot still held (a long fetch); ARGV: member, lease ms.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 0`;

export type HostSlotsOptions = {
  redis: RedisConnection;
  logger: Logger;
  /** How long a slot is held without renewal. */
  leaseMs?: number;
  /** Between two tries for a full host's slot. */
  retryMs?: number;
};

export function createSharedHostSlots(options: HostSlotsOptions) {
  const { redis, logger } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const retryMs = options.retryMs ?? 50;
  let warned = false;

  function fallBack(error: unknown): () => void {
    // Redis is away: this instance's own limit still holds; the site-wide one resumes when Redis is back.
    if (!warned) logger.warn({ err: error }, "per-host fetch limits are per instance while Redis is unreachable");
    warned = true;
    return () => undefined;
  }

  return {
    async acquire(host: string, perHost: number): Promise<() => void> {
      const key = redis.key(`host-slots:${host}`);
      const member = randomUUID();
      for (;;) {
        if (!redis.ready()) return fallBack(new Error("Redis is not connected"));
        let granted: unknown;
        try {
          granted = await redis.client.eval(ACQUIRE, 1, key, member, perHost, leaseMs);
        } catch (error) {
          return fallBack(error);
        }
        if (granted === 1) {
          warned = false;
          const renew = setInterval(() => void redis.client.eval(RENEW, 1, key, member, leaseMs).catch(() => undefined), leaseMs / 3);
          renew.unref();
          return () => {
            clearInterval(renew);
            void redis.client.zrem(key, member).catch(() => undefined);
          };
        }
        // Jitter keeps instances waiting for one host from asking in lockstep.
        await new Promise((resolve) => setTimeout(resolve, retryMs / 2 + Math.random() * retryMs));
      }
    },
  };
}
