import fs from "node:fs";
import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/news.db";

export type DatabaseKind = "sqlite" | "postgresql";

export function databaseKind(url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

/**
 * `file:./data/news.db` → an absolute path, relative to the working directory.
 * Prisma's CLI resolves relative SQLite paths against the schema folder while better-sqlite3 resolves
 * them against the process's cwd; resolving once here makes the CLI, the server and the tests agree.
 * The parent directory is created so a fresh clone needs no set-up step.
 */
export function resolveSqliteFile(url: string): string {
  const raw = url.replace(/^file:/, "").split("?")[0];
  if (raw === ":memory:") return raw;
  const absolute = path.resolve(/*turbopackIgnore: true*/ process.cwd(), raw);
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  return absolute;
}
