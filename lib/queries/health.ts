// The read side of GET /api/health. A load balancer or monitor may call it every second from several
// places, and it must answer fast even while heavy pages hold the database: so one summary query (which is
// also the database check) serves every caller for a few seconds, and concurrent callers share the one in
// flight. The cache is per process: it caches a read, and each process reports its own view of the database.
import { canWriteNow } from "../db/client";
import { summarizeSources, type SourceSummary } from "../db/sources";
import { cachedRead } from "./cached-read";

export type HealthReport = { database: true; sources: SourceSummary; checkedAt: Date } | { database: false; checkedAt: Date };

export type HealthCheckOptions = {
  /** Reads the summary; throws when the database cannot answer. */
  summarize?: () => Promise<SourceSummary>;
  /**
   * Whether a write could start now. A database that answers reads but can store nothing (SQLite locked by
   * another connection) is not healthy: ingestion and the admin stand still.
   */
  writable?: () => Promise<boolean>;
  /** How long one answer is reused. */
  ttlMs?: number;
  /** A summary slower than this counts as an unreachable database (a pool waiting forever must not hang health). */
  timeoutMs?: number;
  now?: () => number;
};

export const HEALTH_TTL_MS = 3_000;
export const HEALTH_TIMEOUT_MS = 2_500;

/** A health check with its own cache; getHealth below is the process's one. */
export function createHealthCheck(options: HealthCheckOptions = {}) {
  const summarize = options.summarize ?? (() => summarizeSources());
  const writable = options.writable ?? (() => canWriteNow());
  const ttlMs = options.ttlMs ?? HEALTH_TTL_MS;
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  async function check(): Promise<HealthReport> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const [sources, canWrite] = await Promise.race([Promise.all([summarize(), writable()]), timeout]);
      if (!canWrite) return { database: false, checkedAt: new Date(now()) };
      return { database: true, sources, checkedAt: new Date(now()) };
    } catch {
      // Why it failed is the database's business (and its logs'); health says only that it does not answer.
      return { database: false, checkedAt: new Date(now()) };
    } finally {
      clearTimeout(timer);
    }
  }

  // check() never rejects, so an unreachable database is reported for the time to live too.
  return cachedRead(check, ttlMs, now);
}

const processHealth = createHealthCheck();

export async function getHealth(): Promise<HealthReport> {
  return processHealth();
}
