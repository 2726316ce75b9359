// Fault: the PostgreSQL server goes away for ~20 s (stopped, then started again) under a running instance.
// A private PostgreSQL (tests/helpers/private-services.ts): the machine's shared one serves other tests.
// Meanwhile health says 503 and API reads fail fast with a clear JSON error; pages answer fast. Afterwards
// the same process — no restart — is healthy again, has its LISTEN session back (with its instance lock),
// stores what was published meanwhile, and its live readers receive every article once, in order.
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { FixtureSource, NewswireClient, SseStream } from "../helpers/newswire-client";
import { eventually, startNewswire, type RunningServer } from "../helpers/newswire-server";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-services";

const OUTAGE_MS = 20_000;
const FAST_MS = 2_500;

let postgres: PrivatePostgres;
let databaseUrl: string;
let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;

beforeAll(async () => {
  [postgres, feeds] = await Promise.all([startPrivatePostgres(), startFixtureFeedServer()]);
  databaseUrl = await postgres.createDatabase("newswire_faults");
  server = await startNewswire({ env: { DATABASE_URL: databaseUrl, POLL_INTERVAL_SECONDS: "10" }, launcher: "node" });
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await feeds?.close();
  await postgres?.stop();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/** The instance's listener sessions on the database, and whether each holds the instance lock. */
async function listenerSessions(): Promise<{ pid: number; holdsInstanceLock: boolean }[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number; holds: boolean }>(
      `SELECT a.pid, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS holds
         FROM pg_stat_activity a WHERE a.application_name = 'newswire-listener' AND a.datname = current_database()`,
    );
    return rows.map((row) => ({ pid: row.pid, holdsInstanceLock: row.holds }));
  } finally {
    await client.end();
  }
}

describe("PostgreSQL stopped for 20 s, then started again", () => {
  it("503 and fast clear errors meanwhile; afterwards the same process is whole again and nothing is lost", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "pg", items: [{ title: "Before the outage" }] });
    const [first] = await api.articlesOf(source.slug);
    const before = await listenerSessions();
    expect(before).toHaveLength(1);
    expect(before[0].holdsInstanceLock).toBe(true);
    const reader = await SseStream.open(`${server.url}/api/live`, { "last-event-id": first.cursor });

    await postgres.pause();
    const stoppedAt = Date.now();
    const during = source.put({ title: "Published during the outage 1" }, { title: "Published during the outage 2" });

    await eventually(async () => (await api.request("GET", "/api/health")).status === 503, "health to say 503", 10_000);
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const health = await timed(() => api.request("GET", "/api/health"));
      expect(health.value.status).toBe(503);
      expect(health.ms).toBeLessThan(FAST_MS);
      const read = await timed(() => api.request("GET", `/api/articles?limit=5&source=${source.slug}`));
      expect(read.ms).toBeLessThan(FAST_MS);
      expect(read.value.status).toBe(503);
      expect(read.value.json().error).toMatchObject({ code: "database_unavailable" });
      const page = await timed(() => api.request("GET", "/sources"));
      expect(page.ms).toBeLessThan(FAST_MS);
      expect(page.value.status).toBeGreaterThanOrEqual(500);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }

    await postgres.resume();
    await eventually(async () => (await api.request("GET", "/api/health")).status === 200, "health to be 200 again", 30_000);
    // The listener session is back by itself, holding the instance lock again.
    await eventually(async () => {
      const sessions = await listenerSessions();
      return sessions.length === 1 && sessions[0].holdsInstanceLock;
    }, "the LISTEN session (with its instance lock) to be back", 20_000);

    // Ingestion retries by itself: what was published during the outage is stored, once...
    const stored = await eventually(
      async () => {
        const articles = await api.articlesOf(source.slug).catch(() => []);
        return during.every((item) => articles.some((article) => article.url === item.link)) ? articles : undefined;
      },
      "the stories published during the outage to be stored",
      60_000,
    );
    expect(stored).toHaveLength(3);
    // ...and one published now, too; the reader connected before the outage gets all of them, once, in order.
    const after = await source.publish({ title: "Published after the outage" });
    const live = await reader.waitForArticles(3, "the reader to receive the three new stories");
    expect(live).toHaveLength(3);
    // Once each, in cursor order (the two of one check are stored in the feed's order, not the publishing order).
    expect(new Set(live.map((article) => article.url))).toEqual(new Set([...during.map((item) => item.link), after[0].url]));
    expect(live.map((article) => article.id)).toEqual([...live.map((article) => article.id)].sort((a, b) => a - b));
    expect(live.at(-1)!.url).toBe(after[0].url);
    reader.close();

    expect(server.process.exitCode).toBeNull();
    expect(server.output()).toContain("database listener session is back");
  }, 180_000);
});
