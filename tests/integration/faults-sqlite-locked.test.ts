// Fault: another connection (a maintenance script, the sqlite3 shell, a backup tool) holds the SQLite write
// lock for 20 s while the site runs. The site must stay responsive — health says 503, a write request fails
// fast with the JSON error shape instead of hanging, reads go on (WAL) — and once the lock is gone, ingestion
// catches up by itself: what was published meanwhile is stored, once.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { FixtureSource, NewswireClient, removeDatabase, startTestServer } from "../helpers/newswire-client";
import { eventually, tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";

const LOCK_MS = 20_000;
/** "Fast": well under the 10 s a busy writer used to wait, with room for a loaded two-core machine. */
const FAST_MS = 2_000;

let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;
let databaseFile: string;

beforeAll(async () => {
  feeds = await startFixtureFeedServer();
  // The shortest poll interval, so that catching up after the lock needs no manual refresh.
  const databaseUrl = tempDatabaseUrl("faults-locked");
  databaseFile = databaseUrl.replace(/^file:/, "");
  server = await startTestServer({ env: { POLL_INTERVAL_SECONDS: "10", DATABASE_URL: databaseUrl }, launcher: "node" });
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await feeds?.close();
  if (databaseFile) removeDatabase(`file:${databaseFile}`);
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe("SQLite write lock held by another connection for 20 s", () => {
  it("health 503 and writes fail fast meanwhile, reads go on; afterwards everything published is stored once", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "locked", items: [{ title: "Before the lock" }] });
    expect(await api.articlesOf(source.slug)).toHaveLength(1);

    const holder = new Database(databaseFile, { timeout: 5_000 });
    holder.prepare("BEGIN IMMEDIATE").run();
    const lockedAt = Date.now();
    try {
      // Published during the lock: the scheduler's checks of it cannot store anything now.
      const during = source.put({ title: "Published during the lock 1" }, { title: "Published during the lock 2" });

      await eventually(async () => (await api.request("GET", "/api/health")).status === 503, "health to say 503 while the database is locked", 10_000);
      const health = await timed(() => api.request("GET", "/api/health"));
      expect(health.value.status).toBe(503);
      expect(health.ms).toBeLessThan(FAST_MS);
      expect(health.value.json().error.code).toBe("database_unreachable");

      // A write (a publisher's refresh claims the source) fails fast with a clear JSON error.
      const refresh = await timed(() => api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true }));
      expect(refresh.ms).toBeLessThan(FAST_MS);
      expect(refresh.value.status).toBe(503);
      expect(refresh.value.json().error).toMatchObject({ code: "database_busy" });
      expect(refresh.value.json().error.message).toMatch(/busy|locked/i);

      // Reads are not blocked by a writer (WAL), and the event loop is not held by a waiting writer.
      const read = await timed(() => api.request("GET", `/api/articles?source=${source.slug}&limit=10`));
      expect(read.value.status).toBe(200);
      expect(read.ms).toBeLessThan(FAST_MS);
      const page = await timed(() => api.request("GET", "/"));
      expect([200, 503]).toContain(page.value.status);
      expect(page.ms).toBeLessThan(FAST_MS);

      // Keep it locked for the whole 20 s, checking health stays 503 and fast.
      while (Date.now() - lockedAt < LOCK_MS) {
        const check = await timed(() => api.request("GET", "/api/health"));
        expect(check.value.status).toBe(503);
        expect(check.ms).toBeLessThan(FAST_MS);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      holder.prepare("COMMIT").run();
      await eventually(async () => (await api.request("GET", "/api/health")).status === 200, "health to be 200 again", 10_000);
      // Ingestion retries by itself (no refresh asked): both stories arrive, each once.
      const stored = await eventually(
        async () => {
          const articles = await api.articlesOf(source.slug);
          return during.every((item) => articles.some((article) => article.url === item.link)) ? articles : undefined;
        },
        "the stories published during the lock to be stored",
        40_000,
      );
      expect(stored).toHaveLength(3);
      expect(new Set(stored.map((article) => article.url)).size).toBe(3);
      expect(server.process.exitCode).toBeNull();
    } finally {
      if (holder.inTransaction) holder.prepare("ROLLBACK").run();
      holder.close();
    }
  }, 120_000);
});
