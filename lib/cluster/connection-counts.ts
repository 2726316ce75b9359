// Live connections per client address, counted for the whole site (LIVE_MAX_PER_IP holds however the load
// balancer spreads one address's connections over the instances). Each address has a hash in Redis whose
// fields are instance ids and whose values are that instance's open connections from the address; an
// instance's fields count only while its heartbeat key lives, so a killed instance's connections stop
// counting within INSTANCE_TTL_MS. (Lua reads the heartbeat keys by name: fine on one Redis server, not on a
// Redis Cluster.)
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { RedisConnection } from "./redis";

const INSTANCE_TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;
/** An address hash nobody touched for this long is gone by itself. */
const ADDRESS_TTL_MS = 6 * 3600 * 1000;

// KEYS[1]: the address's hash. ARGV: this instance's id, cap, heartbeat key prefix, hash ttl ms.
const ACQUIRE = `
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  if fields[i] ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. fields[i]) == 0 then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    total = total + tonumber(fields[i + 1])
  end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1`;

// KEYS[1]: the address's hash. ARGV: this instance's id.
const RELEASE = `
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

export type SharedConnectionCounts = {
  /** True: counted (release it later); false: the address is at `cap`; null: Redis is away (count locally). */
  acquire(address: string, cap: number): Promise<boolean | null>;
  release(address: string): void;
  close(): Promise<void>;
};

export function createSharedConnectionCounts(options: { redis: RedisConnection; logger: Logger }): SharedConnectionCounts {
  const { redis, logger } = options;
  const instanceId = randomUUID();
  const heartbeatKey = redis.key(`instance:${instanceId}`);
  const addressKey = (address: string) => redis.key(`live-connections:${address}`);
  const beat = () => void redis.client.set(heartbeatKey, "1", "PX", INSTANCE_TTL_MS).catch(() => undefined);
  beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();
  /** Addresses counted in Redis by this instance, so a release after Redis came back is not lost. */
  let warned = false;

  return {
    async acquire(address, cap) {
      if (!redis.ready()) return null;
      try {
        const granted = await redis.client.eval(ACQUIRE, 1, addressKey(address), instanceId, cap, redis.key("instance:"), ADDRESS_TTL_MS);
        warned = false;
        return granted === 1;
      } catch (error) {
        if (!warned) logger.warn({ err: error }, "live connection caps are per instance while Redis is unreachable");
        warned = true;
        return null;
      }
    },
    release(address) {
      void redis.client.eval(RELEASE, 1, addressKey(address), instanceId).catch(() => undefined);
    },
    async close() {
      clearInterval(heartbeat);
      await redis.client.del(heartbeatKey).catch(() => undefined);
    },
  };
}
