// Applies committed migrations with Prisma's own CLI (the JavaScript engine, see prisma.config.ts).
// The same command serves both engines: prisma.config.ts picks the schema, the migrations folder and the
// driver adapter from DATABASE_URL (prisma/migrations for SQLite, prisma/postgresql/migrations for PostgreSQL).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function applyMigrations(databaseUrl: string, cwd = process.cwd()): Promise<void> {
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
