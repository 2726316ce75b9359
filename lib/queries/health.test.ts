import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { configureDb, databaseUnavailable, disconnectDb, getDb } from "../db/client";
import { insertSource, type SourceSummary } from "../db/sources";
import { recordFetchOutcome } from "../db/source-checks";
import { freePort } from "../../tests/helpers/newswire-server";
import { createHealthCheck } from "./health";

const previousUrl = process.env.DATABASE_URL;
afterAll(async () => {
  await disconnectDb();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
});

const SUMMARY: SourceSummary = { total: 3, failing: 1, pending: 0 };

describe("the health check", () => {
  it("reports the real database's source summary", async () => {
    const database = await useTestDatabase("health");
    try {
      const a = await insertSource({ slug: "a", name: "A", feedUrl: "https://a.example/feed", category: "world", pollIntervalSeconds: 300 });
      await insertSource({ slug: "b", name: "B", feedUrl: "https://b.example/feed", category: "world", pollIntervalSeconds: 300 });
      await recordFetchOutcome(a.id, { kind: "failure", fetchedAt: new Date(), nextCheckAt: new Date(), error: "HTTP 500" });
      expect(await createHealthCheck()()).toMatchObject({ database: true, sources: { total: 2, failing: 1, pending: 1 } });
    } finally {
      await database.cleanup();
    }
  });

  it("says the database is unreachable when it does not answer (a real client on a closed port)", async () => {
    await disconnectDb();
    process.env.DATABASE_URL = `postgresql://root@127.0.0.1:${await freePort()}/none`;
    const report = await createHealthCheck()();
    expect(report.database).toBe(false);
    await disconnectDb();
  });

  it("reuses one answer for the time to live, then asks again", async () => {
    let clock = 1_000_000;
    let calls = 0;
    const check = createHealthCheck({ ttlMs: 3_000, now: () => clock, summarize: async () => ({ ...SUMMARY, total: ++calls }) });
    expect(await check()).toMatchObject({ database: true, sources: { total: 1 } });
    clock += 2_999;
    expect(await check()).toMatchObject({ sources: { total: 1 } });
    clock += 1;
    expect(await check()).toMatchObject({ sources: { total: 2 } });
    expect(calls).toBe(2);
  });

  it("lets callers arriving together share the one query in flight", async () => {
    let calls = 0;
    let release: (summary: SourceSummary) => void = () => undefined;
    const check = createHealthCheck({
      summarize: () => {
        calls += 1;
        return new Promise<SourceSummary>((resolve) => (release = resolve));
      },
    });
    const answers = Promise.all(Array.from({ length: 20 }, () => check()));
    release(SUMMARY);
    const reports = await answers;
    expect(calls).toBe(1);
    expect(new Set(reports).size).toBe(1);
  });

  it("counts a failing or hanging query as an unreachable database, and keeps no failure past its time to live", async () => {
    let clock = 0;
    let mode: "throw" | "hang" | "ok" = "throw";
    const check = createHealthCheck({
      ttlMs: 1_000,
      timeoutMs: 50,
      now: () => clock,
      summarize: () => (mode === "throw" ? Promise.reject(new Error("ECONNREFUSED")) : mode === "hang" ? new Promise<never>(() => undefined) : Promise.resolve(SUMMARY)),
    });
    expect(await check()).toMatchObject({ database: false });
    clock += 1_000;
    mode = "hang";
    expect(await check()).toMatchObject({ database: false });
    clock += 1_000;
    mode = "ok";
    expect(await check()).toMatchObject({ database: true, sources: SUMMARY });
  });

  it("says unhealthy while another connection holds the SQLite write lock (reads still work there), and healthy after", async () => {
    const database = await useTestDatabase("health-locked");
    const holder = new Database(database.url.replace(/^file:/, ""));
    try {
      await configureDb();
      holder.prepare("BEGIN IMMEDIATE").run();
      const started = Date.now();
      expect(await createHealthCheck({ ttlMs: 0 })()).toMatchObject({ database: false });
      // The probe never waits on the lock (that would freeze the process: better-sqlite3 is synchronous).
      expect(Date.now() - started).toBeLessThan(1_000);
      holder.prepare("ROLLBACK").run();
      expect(await createHealthCheck({ ttlMs: 0 })()).toMatchObject({ database: true });
    } finally {
      holder.close();
      await database.cleanup();
    }
  });
});

describe("databaseUnavailable", () => {
  it("names a locked SQLite database as busy, from a real Prisma error, within the short busy timeout", async () => {
    const database = await useTestDatabase("busy-error");
    const holder = new Database(database.url.replace(/^file:/, ""));
    try {
      await configureDb();
      holder.prepare("BEGIN IMMEDIATE").run();
      const started = Date.now();
      const error = await insertSource({ slug: "c", name: "C", feedUrl: "https://c.example/feed", category: "world", pollIntervalSeconds: 300 }).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(databaseUnavailable(error)).toMatchObject({ code: "database_busy" });
    } finally {
      if (holder.inTransaction) holder.prepare("ROLLBACK").run();
      holder.close();
      await database.cleanup();
    }
  });

  it("names an unreachable PostgreSQL server, and leaves other errors alone", async () => {
    await disconnectDb();
    process.env.DATABASE_URL = `postgresql://root@127.0.0.1:${await freePort()}/none`;
    const error = await getDb().$queryRaw`SELECT 1`.catch((caught: unknown) => caught);
    expect(databaseUnavailable(error)).toMatchObject({ code: "database_unavailable" });
    await disconnectDb();
    expect(databaseUnavailable(new Error("boom"))).toBeUndefined();
    expect(databaseUnavailable(new TypeError("x is undefined"))).toBeUndefined();
  });
});
