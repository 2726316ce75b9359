// Two polling loops on one database stand for two instances. A loop claims sources ahead of its free check
// slots; when they wait behind slow feeds for longer than their lease, the other loop must still not take
// them: the waiting claims are renewed, so each source is fetched once.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { insertSource } from "../db/sources";
import { startScheduler, type Scheduler } from "./scheduler";

const ANSWER_AFTER_MS = 1_800;
const LEASE_SECONDS = 3;
const FEEDS = ["first", "second"];

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let feeds: FixtureFeedServer;

beforeAll(async () => {
  database = await useTestDatabase("scheduler");
  feeds = await startFixtureFeedServer();
  for (const name of FEEDS) {
    feeds.publish(name);
    feeds.setDelay(name, ANSWER_AFTER_MS);
  }
});

afterAll(async () => {
  await feeds.close();
  await database.cleanup();
});

const requests = () => FEEDS.map((name) => feeds.stats(name).requests);

function loop(): Scheduler {
  return startScheduler({
    context: { allowPrivate: true, baseIntervalSeconds: 300, logger: pino({ level: "silent" }) },
    onNewArticles: () => undefined,
    concurrency: 1,
    leaseSeconds: LEASE_SECONDS,
    idleMs: 100,
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the polling loop's claims", () => {
  it("stay its own while they wait longer than the lease behind a slow feed: each source is fetched once", async () => {
    for (const name of FEEDS) await insertSource({ slug: name, name, feedUrl: feeds.feedUrl(name), category: "world", pollIntervalSeconds: 300 });
    const loops: Scheduler[] = [];
    try {
      // The first loop claims both (one check slot, claims ahead) and fetches one; the second waits in its queue.
      loops.push(loop());
      await waitFor(() => requests().some((count) => count > 0), 5_000);
      loops.push(loop());
      // One check after the other takes 2 × 1.8 s, past the 3 s lease of the claim that waited.
      await waitFor(() => requests().reduce((sum, count) => sum + count, 0) >= 2, 5_000);
      await new Promise((resolve) => setTimeout(resolve, ANSWER_AFTER_MS + 600));
      expect(requests()).toEqual([1, 1]);
    } finally {
      await Promise.all(loops.map((scheduler) => scheduler.close()));
    }
  }, 20_000);
});
