// A transaction that SQLite rolls back by itself (SQLITE_FULL on a really full disk: a small tmpfs, as root)
// must not leave Prisma's better-sqlite3 adapter holding its transaction lock: it used to, and every later
// transaction of the process waited forever, space or not (lib/db/client.ts, SafeTransactionsSQLite3).
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../boot/migrate";
import { mountSmallDisk } from "../../tests/helpers/private-services";
import { configureDb, databaseUnavailable, disconnectDb, getDb } from "./client";

const previousUrl = process.env.DATABASE_URL;
afterAll(async () => {
  await disconnectDb();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
});

const source = (n: number, nameLength = 10) => ({ slug: `s${n}`, name: "n".repeat(nameLength), feedUrl: `https://s${n}.example/feed`, category: "world" });

describe("a SQLite transaction that fails because the disk is full", () => {
  it("fails with database_full, and the next transaction runs once there is room again", async () => {
    const disk = mountSmallDisk(16 * 1024 * 1024);
    try {
      await disconnectDb();
      process.env.DATABASE_URL = `file:${path.join(disk.dir, "news.db")}`;
      await applyMigrations(process.env.DATABASE_URL);
      const db = getDb();
      await configureDb(db);
      await db.source.create({ data: source(0) });
      disk.fill();
      // Twice: the first failure is where the lock used to be kept; the second attempt waited for it forever.
      for (const n of [1, 2]) {
        const attempt = db.$transaction([db.source.create({ data: source(n * 10, 30_000) }), db.source.create({ data: source(n * 10 + 1, 3_000_000) })]).catch((caught: unknown) => caught);
        let timer: NodeJS.Timeout | undefined;
        const hung = new Promise((resolve) => (timer = setTimeout(() => resolve("hung"), 5_000)));
        const error = await Promise.race([attempt, hung]);
        clearTimeout(timer);
        expect(databaseUnavailable(error), String(error)).toMatchObject({ code: "database_full" });
      }

      disk.free();
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise((resolve) => (timer = setTimeout(() => resolve("still waiting for the transaction lock after 5 s"), 5_000)));
      const outcome = await Promise.race([db.$transaction([db.source.create({ data: source(3) })]).then(() => "stored"), hung]);
      clearTimeout(timer);
      expect(outcome).toBe("stored");
      expect((await db.source.findMany({ select: { slug: true }, orderBy: { id: "asc" } })).map((row) => row.slug)).toEqual(["s0", "s3"]);
    } finally {
      await disconnectDb();
      disk.remove();
    }
  });
});
