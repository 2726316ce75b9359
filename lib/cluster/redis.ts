// The Redis connection shared by what several instances coordinate through (REDIS_URL): polling politeness
// per host, live connection caps, admin sign-in attempts. Every key this code writes starts with REDIS_PREFIX,
// so several sites (or parallel test runs) can share one Redis without hearing each other.
//
// Commands fail fast while Redis is away (no offline queue): each user falls back to what one process can do
// alone and says so in the log, rather than waiting or crashing; the connection comes back by itself.
import { Redis } from "ioredis";
import type { Logger } from "pino";

export type RedisConnection = {
  client: Redis;
  /** `name` under this site's prefix. */
  key(name: string): string;
  /** True while connected: callers skip Redis (and fall back) when it is away. */
  ready(): boolean;
  close(): Promise<void>;
};

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisUnavailableError";
  }
}

/**
 * Connects, and waits (up to `timeoutMs`) for Redis to answer: a wrong REDIS_URL stops the start. Generous,
 * because a start is busy (migrations, Next) and a loaded machine delays everything: 5 s once refused a Redis
 * that was answering.
 */
export async function connectRedis(options: { url: string; prefix: string; logger: Logger; timeoutMs?: number }): Promise<RedisConnection> {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
    // Commands issued in one turn of the event loop go out in one write: a polling round asks for and gives
    // back a host slot per fetch (20,000 commands a round at 10,000 sources), and a write per command was
    // most of what Redis cost the instance.
    enableAutoPipelining: true,
  });
  let down = false;
  client.on("error", (error) => {
    if (!down) logger.warn({ err: error }, "Redis is unreachable; coordination falls back to this instance alone until it is back");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger.info("Redis is back");
    down = false;
  });
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    await client.ping();
  } catch (error) {
    client.disconnect();
    const where = (() => {
      try {
        const url = new URL(options.url);
        return `${url.hostname}:${url.port || 6379}`;
      } catch {
        return "the given address";
      }
    })();
    throw new RedisUnavailableError(`REDIS_URL: could not reach Redis at ${where} (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    client,
    key: (name) => `${options.prefix}:${name}`,
    ready: () => client.status === "ready",
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
