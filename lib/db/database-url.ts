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

/** Kernel filesystems whose "files" are not storage: SQLite on one of them blocks or fails in odd ways. */
const PSEUDO_FILESYSTEMS = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x62656570, // configfs
  0xcafe4a11, // bpf
  0x6165676c, // pstore
  0xde5e81e4, // efivarfs
]);

function onPseudoFilesystem(target: string): boolean {
  try {
    return PSEUDO_FILESYSTEMS.has(fs.statfsSync(target).type);
  } catch {
    return false;
  }
}

function isWritable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

/**
 * An existing file SQLite can open as a database: empty (SQLite makes it one) or starting with its header.
 * Anything else (a config file, a log named by mistake) would only fail later, in a migration error of many lines.
 */
function looksLikeSqlite(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return read === 0 || (read === head.length && head.equals(SQLITE_HEADER));
  } catch {
    // Unreadable: the writability check above or SQLite itself says why.
    return true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Why a `file:` URL cannot hold the database, or null when it can: the path must be a regular file (or not
 * exist yet) in a directory we may write, on a real filesystem. Checked at start so that, say,
 * `file:/proc/kmsg` is refused with a clear line instead of hanging the first read. Creates nothing.
 */
export function sqliteLocationProblem(url: string): string | null {
  const raw = url.replace(/^file:/, "").split("?")[0];
  if (raw === ":memory:") return null;
  if (raw.trim() === "") return "names no file (expected file:./data/news.db or file:/absolute/path.db)";
  const absolute = path.resolve(/*turbopackIgnore: true*/ process.cwd(), raw);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(absolute);
  } catch {
    stat = undefined;
  }
  if (stat) {
    if (!stat.isFile()) return `${absolute} is not a regular file`;
    if (onPseudoFilesystem(absolute)) return `${absolute} is on a kernel pseudo-filesystem (such as /proc or /sys), not a regular file path`;
    if (!isWritable(absolute)) return `${absolute} is not writable`;
    if (!looksLikeSqlite(absolute)) return `${absolute} is not a SQLite database (it has no SQLite header)`;
    return null;
  }
  // Not there yet: it will be created, with its missing parent folders, under the nearest existing one.
  let ancestor = path.dirname(absolute);
  while (!fs.existsSync(ancestor) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) return `${ancestor} is not a directory, so ${absolute} cannot be created`;
  if (onPseudoFilesystem(ancestor)) return `${absolute} would be on a kernel pseudo-filesystem (such as /proc or /sys), not a regular file path`;
  if (!isWritable(ancestor)) return `${ancestor} is not a writable directory, so ${absolute} cannot be created`;
  return null;
}
