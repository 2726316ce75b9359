// Applies committed migrations with Prisma's own CLI (the JavaScript engine, see prisma.config.ts).
// The same command serves both engines: prisma.config.ts picks the schema, the migrations folder and the
// driver adapter from DATABASE_URL (prisma/migrations for SQLite, prisma/postgresql/migrations for PostgreSQL).
//
// Spawning the CLI costs about 1.6 s, most of a restart (the bench's `reconnect-storm` scenario measures how long
// readers are cut off), so it is skipped when the database already records every committed migration as applied.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import "../db/sqlite-driver";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind, resolveSqliteFile } from "../db/database-url";

const run = promisify(execFile);

const APPLIED_SQL = `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;

/** The committed migrations' names (their folder names), for the engine DATABASE_URL picks. */
export function committedMigrations(databaseUrl: string, cwd = process.cwd()): string[] {
  const folder = path.join(cwd, "prisma", ...(databaseKind(databaseUrl) === "postgresql" ? ["postgresql"] : []), "migrations");
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, "migration.sql")))
    .map((entry) => entry.name);
}

/** Names of the migrations the database records as applied; empty when it has none (or does not exist yet). */
async function appliedMigrations(databaseUrl: string): Promise<Set<string>> {
  if (databaseKind(databaseUrl) === "postgresql") {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(APPLIED_SQL);
      return new Set(rows.map((row) => row.migration_name));
    } finally {
      await client.end();
    }
  }
  const file = resolveSqliteFile(databaseUrl);
  if (file === ":memory:" || !fs.existsSync(file)) return new Set();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(APPLIED_SQL).all() as { migration_name: string }[];
    return new Set(rows.map((row) => row.migration_name));
  } finally {
    db.close();
  }
}

/** True when every committed migration is recorded as applied. Any doubt (no table, no database) is false. */
export async function migrationsUpToDate(databaseUrl: string, cwd = process.cwd()): Promise<boolean> {
  try {
    const applied = await appliedMigrations(databaseUrl);
    return committedMigrations(databaseUrl, cwd).every((name) => applied.has(name));
  } catch {
    return false;
  }
}

export async function applyMigrations(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  if (await migrationsUpToDate(databaseUrl, cwd)) return;
  const prisma = path.join(cwd, "node_modules", ".bin", "prisma");
  try {
    await run(prisma, ["migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      timeout: 120_000,
    });
  } catch (error) {
    const detail = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Database migration failed: ${(detail.stderr || detail.stdout || detail.message).trim()}`);
  }
}
