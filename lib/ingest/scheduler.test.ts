// Two polling loops on one database stand for two instances. A loop claims sources ahead of its free check
// slots; when they wait behind slow feeds for longer than their lease, the other loop must still not take
// them: the waiting claims are renewed, so each source is fetched once.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { insertSource } from "../db/sources";
import { startScheduler, type Scheduler } from "./scheduler";

const ANSWER_AFTER_MS = 1_800;
const LEASE_SECONDS = 3;

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let server: http.Server;
let origin: string;
const requests = new Map<string, number>();

beforeAll(async () => {
  database = await useTestDatabase("scheduler");
  server = http.createServer((req, res) => {
    const path = req.url ?? "";
    requests.set(path, (requests.get(path) ?? 0) + 1);
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end(`<rss version="2.0"><channel><title>Slow</title><item><title>Story of ${path}</title><link>https://slow.example${path}/story</link><guid>${path}-1</guid></item></channel></rss>`);
    }, ANSWER_AFTER_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.cleanup();
});

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
    for (const slug of ["first", "second"]) await insertSource({ slug, name: slug, feedUrl: `${origin}/${slug}`, category: "world", pollIntervalSeconds: 300 });
    const loops: Scheduler[] = [];
    try {
      // The first loop claims both (one check slot, claims ahead) and fetches one; the second waits in its queue.
      loops.push(loop());
      await waitFor(() => requests.size > 0, 5_000);
      loops.push(loop());
      // One check after the other takes 2 × 1.8 s, past the 3 s lease of the claim that waited.
      await waitFor(() => [...requests.values()].reduce((sum, count) => sum + count, 0) >= 2, 5_000);
      await new Promise((resolve) => setTimeout(resolve, ANSWER_AFTER_MS + 600));
      expect(Object.fromEntries(requests)).toEqual({ "/first": 1, "/second": 1 });
    } finally {
      await Promise.all(loops.map((scheduler) => scheduler.close()));
    }
  }, 20_000);
});
