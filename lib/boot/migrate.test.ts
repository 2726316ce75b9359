import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDatabaseUrl } from "../../tests/helpers/newswire-server";
import { applyMigrations, committedMigrations, migrationsUpToDate } from "./migrate";

const url = tempDatabaseUrl("migrate");
const file = url.replace(/^file:/, "");
let futureCwd: string;

beforeAll(() => {
  // A checkout with one more migration than the database has seen.
  futureCwd = fs.mkdtempSync(path.join(os.tmpdir(), "newswire-migrate-"));
  fs.cpSync(path.join(process.cwd(), "prisma", "migrations"), path.join(futureCwd, "prisma", "migrations"), { recursive: true });
  fs.mkdirSync(path.join(futureCwd, "prisma", "migrations", "29990101000000_future"));
  fs.writeFileSync(path.join(futureCwd, "prisma", "migrations", "29990101000000_future", "migration.sql"), "SELECT 1;");
});
afterAll(() => {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
  fs.rmSync(futureCwd, { recursive: true, force: true });
});

describe("applyMigrations", () => {
  it("knows the committed migrations of each engine", () => {
    const sqlite = committedMigrations("file:./x.db");
    expect(sqlite.length).toBeGreaterThan(1);
    expect(sqlite).toContain("20261124010000_article_search");
    const postgresFolder = path.join(process.cwd(), "prisma", "postgresql", "migrations");
    expect(committedMigrations("postgresql://localhost/x")).toEqual(fs.readdirSync(postgresFolder).filter((name) => fs.existsSync(path.join(postgresFolder, name, "migration.sql"))));
  });

  it("runs the CLI on a new database, then reports it up to date (so restarts skip the CLI)", async () => {
    expect(await migrationsUpToDate(url)).toBe(false);
    await applyMigrations(url);
    expect(await migrationsUpToDate(url)).toBe(true);
    await applyMigrations(url);
  });

  it("is not up to date when the checkout has a migration the database lacks", async () => {
    expect(await migrationsUpToDate(url, futureCwd)).toBe(false);
  });

  it("treats an unreachable database as not up to date rather than failing", async () => {
    expect(await migrationsUpToDate("postgresql://nobody:x@127.0.0.1:1/none")).toBe(false);
  });
});
