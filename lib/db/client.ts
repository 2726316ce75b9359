// The one Prisma client (convention 3). Kept on globalThis so that server.ts and the route handlers Next
// bundles separately — which run in the same process but load their own copies of this module — share
// one connection instead of opening one each.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/sqlite/client";
import { databaseKind, resolveSqliteFile, DEFAULT_DATABASE_URL } from "./database-url";

export type Db = PrismaClient;

const globalKey = Symbol.for("newswire.db");
type Holder = { [globalKey]?: { url: string; client: Db } };

function createClient(url: string): Db {
  if (databaseKind(url) === "postgresql") {
    throw new Error("PostgreSQL mode is not available in this build: DATABASE_URL must be a file: URL");
  }
  // better-sqlite3's `timeout` is SQLite's busy timeout: writers wait for each other instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: resolveSqliteFile(url), timeout: 10_000 });
  return new PrismaClient({ adapter });
}

export function getDb(): Db {
  const holder = globalThis as Holder;
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const existing = holder[globalKey];
  if (existing && existing.url === url) return existing.client;
  const client = createClient(url);
  holder[globalKey] = { url, client };
  return client;
}

export async function disconnectDb(): Promise<void> {
  const holder = globalThis as Holder;
  const existing = holder[globalKey];
  holder[globalKey] = undefined;
  await existing?.client.$disconnect();
}

/** Per-connection settings. WAL lets readers (pages) proceed while the ingester writes. */
export async function configureDb(db: Db = getDb()): Promise<void> {
  if (databaseKind(process.env.DATABASE_URL || DEFAULT_DATABASE_URL) !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
}

/** For /api/health: true when a trivial query answers. */
export async function pingDb(db: Db = getDb()): Promise<boolean> {
  try {
    await db.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
