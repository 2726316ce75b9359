// Fault: the server is SIGKILLed in the middle of ingestion — a large feed being stored, slow feeds being
// fetched (their checks hold leases in the database). Started again on the same database, it resumes at once
// (not after the dead process's 2-minute leases), stores everything, and nothing twice.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { FixtureSource, NewswireClient, removeDatabase } from "../helpers/newswire-client";
import { eventually, startNewswire, tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";

/** The largest feed one check keeps (MAX_FEED_ITEMS): storing it takes a while, so the kill may land in it. */
const LARGE_FEED_ITEMS = 1_000;
/** Two: the per-host limit lets two fetches of one publisher run at once; a third would wait for a slot. */
const SLOW_FEEDS = 2;
const SLOW_FEED_ITEMS = 50;
/** Far below the 120 s check lease a killed process leaves behind. */
const RESUME_BUDGET_MS = 45_000;

let databaseUrl: string;
let feeds: FixtureFeedServer;
let first: RunningServer | undefined;
let second: RunningServer | undefined;

beforeAll(async () => {
  databaseUrl = tempDatabaseUrl("faults-sigkill");
  feeds = await startFixtureFeedServer();
}, 60_000);

afterAll(async () => {
  await first?.kill9().catch(() => undefined);
  await second?.stop();
  await feeds?.close();
  removeDatabase(databaseUrl);
});

const env = () => ({ DATABASE_URL: databaseUrl, POLL_INTERVAL_SECONDS: "600" });

describe("SIGKILL in the middle of ingestion", () => {
  it("a restart resumes at once, stores everything, and nothing twice", async () => {
    first = await startNewswire({ env: env(), launcher: "node" });
    const api = new NewswireClient(first.url);
    // Sources start empty (their first check stores nothing); then their feeds fill up.
    const large = await FixtureSource.create(api, feeds, { prefix: "large" });
    const slow = await Promise.all(Array.from({ length: SLOW_FEEDS }, () => FixtureSource.create(api, feeds, { prefix: "slow" })));
    const filler = "A paragraph of summary, as long feeds have. ".repeat(8);
    large.put(...Array.from({ length: LARGE_FEED_ITEMS }, (_, i) => ({ title: `Large feed story ${i}`, description: `${filler}${i}` })));
    for (const source of slow) {
      source.put(...Array.from({ length: SLOW_FEED_ITEMS }, (_, i) => ({ title: `Slow feed story ${i} of ${source.feedName}` })));
      feeds.setDelay(source.feedName, 60_000);
    }
    const requestsBefore = [large, ...slow].map((source) => feeds.stats(source.feedName).requests);

    for (const source of [large, ...slow]) expect((await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true })).status).toBe(202);
    // Kill while the slow feeds are being fetched (well within the 15 s fetch timeout), the large one answered.
    await eventually(
      async () => [large, ...slow].every((source, i) => feeds.stats(source.feedName).requests > requestsBefore[i]),
      "every feed to be requested",
    );
    await first.kill9();
    first = undefined;

    // What the dead process left: leases on the sources it was checking.
    const file = databaseUrl.replace(/^file:/, "");
    const left = new Database(file, { readonly: true });
    const leased = (left.prepare("SELECT count(*) AS n FROM Source WHERE checkLeaseUntil IS NOT NULL").get() as { n: number }).n;
    const storedAtKill = (left.prepare("SELECT count(*) AS n FROM Article").get() as { n: number }).n;
    left.close();
    expect(leased).toBeGreaterThanOrEqual(SLOW_FEEDS);
    expect(storedAtKill).toBeLessThan(LARGE_FEED_ITEMS + SLOW_FEEDS * SLOW_FEED_ITEMS);

    // The publishers answer promptly again; the restarted server must check the interrupted sources itself.
    for (const source of slow) feeds.setDelay(source.feedName, 0);
    const restartedAt = Date.now();
    second = await startNewswire({ env: env(), launcher: "node" });
    const again = new NewswireClient(second.url);
    const total = LARGE_FEED_ITEMS + SLOW_FEEDS * SLOW_FEED_ITEMS;
    await eventually(
      async () => {
        const counts = await Promise.all([large, ...slow].map(async (source) => (await again.articles({ source: source.slug, limit: 1 })).articles.length));
        if (counts.some((count) => count === 0)) return false;
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare("SELECT count(*) AS n FROM Article").get() as { n: number }).n >= total;
        } finally {
          db.close();
        }
      },
      "every story of every feed to be stored after the restart",
      RESUME_BUDGET_MS,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${second?.output().split("\n").slice(-40).join("\n")}`);
    });
    expect(Date.now() - restartedAt).toBeLessThan(RESUME_BUDGET_MS + 5_000);

    const db = new Database(file, { readonly: true });
    try {
      const perSource = db.prepare("SELECT sourceId, count(*) AS n, count(DISTINCT url) AS urls, count(DISTINCT dedupeKey) AS keys FROM Article GROUP BY sourceId").all() as {
        sourceId: number;
        n: number;
        urls: number;
        keys: number;
      }[];
      const bySource = new Map(perSource.map((row) => [row.sourceId, row]));
      expect(bySource.get(large.id)).toMatchObject({ n: LARGE_FEED_ITEMS, urls: LARGE_FEED_ITEMS });
      for (const source of slow) expect(bySource.get(source.id)).toMatchObject({ n: SLOW_FEED_ITEMS, urls: SLOW_FEED_ITEMS });
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
    // A check's outcome, which ends its lease, is written in a batch a moment after its articles.
    await eventually(async () => {
      const check = new Database(file, { readonly: true });
      try {
        return (check.prepare("SELECT count(*) AS n FROM Source WHERE checkLeaseUntil IS NOT NULL").get() as { n: number }).n === 0;
      } finally {
        check.close();
      }
    }, "every lease to end once its check's outcome is written");
    expect(second.output()).toContain("released the check leases a stopped process left behind");
  }, 240_000);
});
