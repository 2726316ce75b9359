// Fault: the disk under the SQLite database fills up (a real tmpfs of 16 MiB, filled with a ballast file).
// Writes then fail with a clear error (503 "database_full", a log line naming the disk) and nothing is
// corrupted; when space is freed, ingestion stores what it could not, once, and PRAGMA integrity_check is ok.
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { FixtureSource, NewswireClient } from "../helpers/newswire-client";
import { eventually, startNewswire, type RunningServer } from "../helpers/newswire-server";
import { mountSmallDisk, type SmallDisk } from "../helpers/private-services";

/** Room for the migrated database and its WAL, small enough to fill in a moment. */
const DISK_BYTES = 16 * 1024 * 1024;
/** A batch far larger than the WAL has grown to, so that storing it needs new space. */
const BATCH = 300;

let disk: SmallDisk;
let databaseFile: string;
let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;

beforeAll(async () => {
  disk = mountSmallDisk(DISK_BYTES);
  databaseFile = path.join(disk.dir, "news.db");
  feeds = await startFixtureFeedServer();
  server = await startNewswire({ env: { DATABASE_URL: `file:${databaseFile}`, POLL_INTERVAL_SECONDS: "10" }, launcher: "node" });
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await feeds?.close();
  disk?.remove();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe("the disk under SQLite is full", () => {
  it("fails writes with a clear error, corrupts nothing, and catches up when space returns", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "full", items: [{ title: "Before the disk filled" }] });
    expect(await api.articlesOf(source.slug)).toHaveLength(1);

    disk.fill();
    const filler = "Long summary text that takes room in the database. ".repeat(40);
    const batch = Array.from({ length: BATCH }, (_, i) => ({ title: `Stored after space returned ${i}`, description: `${filler}${i}` }));
    source.put(...batch);

    // The check cannot store the batch: the log says why, in words an operator understands.
    const refresh = await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true });
    expect([202, 503]).toContain(refresh.status);
    if (refresh.status === 503) expect(refresh.json().error.code).toBe("database_full");
    await eventually(async () => /database or disk is full|its disk is full/.test(server.output()), "a log line naming the full disk", 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${server.output().split("\n").slice(-30).join("\n")}`);
    });
    // A write through the API fails fast with the JSON error shape. (A small write may still fit in the WAL's
    // existing pages; one that needs room fails. Prisma reports a failed create as "Transaction already
    // closed" — SQLite rolled it back itself on SQLITE_FULL — so its code is not always database_full.)
    const add = await timed(() => api.request("POST", "/api/sources", { admin: true, body: { url: feeds.feedUrl("full-other"), name: "Other wire" } }));
    expect(add.ms).toBeLessThan(5_000);
    if (add.value.status !== 201) {
      expect(add.value.status).toBeGreaterThanOrEqual(500);
      expect(add.value.json().error.code).toEqual(expect.any(String));
    }
    // Reads go on, and show nothing half-stored.
    const duringFull = await api.request("GET", `/api/articles?source=${source.slug}&limit=100`);
    expect(duringFull.status).toBe(200);
    expect(duringFull.json().articles).toHaveLength(1);

    disk.free();
    // Ingestion tries again by itself: the whole batch arrives, each story once.
    const stored = await eventually(
      async () => {
        const db = new Database(databaseFile, { readonly: true });
        try {
          const rows = db.prepare("SELECT url FROM Article WHERE sourceId = ?").all(source.id) as { url: string }[];
          return rows.length >= BATCH + 1 ? rows : undefined;
        } finally {
          db.close();
        }
      },
      "the batch to be stored once space returned",
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${server.output().split("\n").filter((line) => !line.includes('"level":30')).slice(-12).map((line) => line.slice(0, 700)).join("\n")}`);
    });
    expect(stored).toHaveLength(BATCH + 1);
    expect(new Set(stored.map((article) => article.url)).size).toBe(BATCH + 1);
    // Writes through the API work again too.
    expect((await api.request("POST", "/api/sources", { admin: true, body: { url: feeds.feedUrl("full-after"), name: "After wire" } })).status).toBe(201);
    expect((await api.request("GET", "/api/health")).status).toBe(200);
    expect(server.process.exitCode).toBeNull();

    // The file is sound, checked by SQLite itself after a clean stop.
    const stopCode = await server.stop();
    expect(stopCode, `${server.process.signalCode ?? ""} ${server.output().split("\n").slice(-15).join("\n")}`).toBe(0);
    const check = new Database(databaseFile, { readonly: true });
    try {
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(check.prepare("SELECT count(*) AS n FROM Article WHERE sourceId = ?").get(source.id)).toEqual({ n: BATCH + 1 });
    } finally {
      check.close();
    }
  }, 180_000);
});
