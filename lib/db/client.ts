// The one Prisma client. Kept on globalThis so that server.ts and the route handlers Next
// bundles separately — which run in the same process but load their own copies of this module — share
// one connection instead of opening one each.
//
// DATABASE_URL picks the engine (docs/decisions/0004): a file: URL gets the client generated from
// prisma/schema.prisma over better-sqlite3, a postgresql:// URL the client generated from
// prisma/postgresql/schema.prisma (the same models) over node-postgres.
// First: decides which better-sqlite3 build the adapter below loads.
import "./sqlite-driver";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { databaseKind, resolveSqliteFile, DEFAULT_DATABASE_URL, type DatabaseKind } from "./database-url";

/**
 * The client every repository takes, typed as the SQLite client. The PostgreSQL client is generated from
 * the same models (lib/db/schemas-in-sync.test.ts), so its model API is the same and accepts everything the
 * SQLite one does: repositories written against this type run unchanged on both, and the PostgreSQL client
 * is cast to it in createClient. Raw SQL is where the two differ; branch on `dbKind(db)` there
 * (both variants as Prisma.sql, side by side: docs/decisions/0016).
 */
export type Db = PrismaClient;

const globalKey = Symbol.for("newswire.db");
type Holder = { [globalKey]?: { url: string; client: Db } };

/** Which engine each client made here talks to; on globalThis for the same reason as the client. */
const kindsKey = Symbol.for("newswire.db.kinds");
const kinds: WeakMap<object, DatabaseKind> = ((globalThis as { [kindsKey]?: WeakMap<object, DatabaseKind> })[kindsKey] ??= new WeakMap());

function currentUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

function createClient(url: string): Db {
  const kind = databaseKind(url);
  let client: Db;
  if (kind === "postgresql") {
    // Same models, same generated API: see the comment on Db.
    client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  } else {
    // better-sqlite3's `timeout` is SQLite's busy timeout: writers wait for each other instead of failing.
    client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: resolveSqliteFile(url), timeout: 10_000 }) });
  }
  kinds.set(client, kind);
  return client;
}

/**
 * The engine behind `db`: known for clients made here; for anything else (a transaction client, say) it is
 * the engine DATABASE_URL names, which is the one getDb() connects to.
 */
export function dbKind(db: Db): DatabaseKind {
  return kinds.get(db) ?? databaseKind(currentUrl());
}

export function getDb(): Db {
  const holder = globalThis as Holder;
  const url = currentUrl();
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

/** Per-connection settings. WAL lets readers (pages) proceed while the ingester writes. PostgreSQL needs none. */
export async function configureDb(db: Db = getDb()): Promise<void> {
  if (dbKind(db) !== "sqlite") return;
  await db.$queryRaw`PRAGMA journal_mode = WAL`;
  await db.$queryRaw`PRAGMA synchronous = NORMAL`;
}

/** For /api/health: true when a trivial query answers. */
export async function pingDb(db: Db = getDb()): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
