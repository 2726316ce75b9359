// Failed admin sign-ins and admin API calls with a wrong token are counted per client address (an IPv6
// client by its /64: clientLimitKey in lib/http/client-address.ts); past the limit the address is refused —
// right token or not, or the limit would only slow guessing down — with 429 and Retry-After until the block
// runs out. In memory for one instance; in Redis when server.ts passes its client, so that every instance of
// a site counts together.
// rate-limiter-flexible does the counting, expiry and blocking, atomically in Redis.
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getLogger } from "../log";
import { clientLimitKey } from "./client-address";

/** Failures an address may make in a window before it is blocked: enough for typos, nothing for guessing. */
export const ADMIN_FAILURES_ALLOWED = 10;
export const ADMIN_FAILURE_WINDOW_SECONDS = 10 * 60;
export const ADMIN_BLOCK_SECONDS = 15 * 60;

/**
 * Verdicts are plain data, not thrown errors: the limiter server.ts registers is made from server.ts's copy of
 * the modules and called from Next's bundle, where its error classes would fail `instanceof` (docs/decisions/0002).
 */
export type AdminRateVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

export type AdminRateLimiter = {
  /** Whether `address` is blocked now. Ask before looking at the token. */
  check(address: string): Promise<AdminRateVerdict>;
  /** Counts a failure; blocked when this one crossed the limit. */
  fail(address: string): Promise<AdminRateVerdict>;
};

export type AdminRateLimiterOptions = {
  /** The shared client (REDIS_URL): failures then count across every instance. */
  redis?: Redis;
  /** Namespace of the counters (e.g. `${REDIS_PREFIX}:admin-auth`). */
  keyPrefix?: string;
  points?: number;
  durationSeconds?: number;
  blockSeconds?: number;
};

function retryAfter(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}

export function createAdminRateLimiter(options: AdminRateLimiterOptions = {}): AdminRateLimiter {
  const points = options.points ?? ADMIN_FAILURES_ALLOWED;
  const settings = {
    keyPrefix: options.keyPrefix ?? "newswire:admin-auth",
    points,
    duration: options.durationSeconds ?? ADMIN_FAILURE_WINDOW_SECONDS,
    blockDuration: options.blockSeconds ?? ADMIN_BLOCK_SECONDS,
  };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
        ...settings,
        storeClient: options.redis,
        // While Redis is away, count in memory (per instance) rather than wait on ioredis's offline queue.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(settings),
      })
    : new RateLimiterMemory(settings);

  return {
    async check(address) {
      let current: RateLimiterRes | null;
      try {
        current = await limiter.get(clientLimitKey(address));
      } catch (error) {
        // Neither store answered: the failure count below still applies (it has its own insurance).
        getLogger().warn({ err: error }, "admin rate limiter: could not read the failure count");
        return { blocked: false };
      }
      return current !== null && current.consumedPoints > points ? { blocked: true, retryAfterSeconds: retryAfter(current) } : { blocked: false };
    },
    async fail(address) {
      try {
        await limiter.consume(clientLimitKey(address));
        return { blocked: false };
      } catch (result) {
        if (result instanceof RateLimiterRes) return { blocked: true, retryAfterSeconds: retryAfter(result) };
        getLogger().warn({ err: result }, "admin rate limiter: could not count a failure");
        return { blocked: false };
      }
    },
  };
}

const key = Symbol.for("newswire.adminRateLimiter");
type Holder = { [key]?: AdminRateLimiter };

/**
 * server.ts registers the process's limiter here (with Redis when configured): Next bundles route handlers
 * and server actions with their own module instances, so it travels on globalThis (docs/decisions/0002).
 */
export function registerAdminRateLimiter(limiter: AdminRateLimiter | undefined): void {
  (globalThis as Holder)[key] = limiter;
}

/** The registered limiter, or an in-memory one for this process when none was registered (`next dev` alone). */
export function getAdminRateLimiter(): AdminRateLimiter {
  const holder = globalThis as Holder;
  holder[key] ??= createAdminRateLimiter();
  return holder[key];
}
