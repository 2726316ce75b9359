// The one Prisma client. Kept on globalThis so that server.ts and the route handlers Next
// bundles separately — which run in the same process but load their own copies of this module — share
// one connection instead of opening one each.
//
// DATABASE_URL picks the engine (docs/decisions/0004): a file: URL gets the client generated from
// prisma/schema.prisma over better-sqlite3, a postgresql:// URL the client generated from
// prisma/postgresql/schema.prisma (the same models) over node-postgres.
// First: decides which better-sqlite3 build the adapter below loads.
import "./sqlite-driver";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
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

/** The node-postgres pool under each PostgreSQL client made here (lib/db/direct-sql.ts runs hot statements on it). */
const poolsKey = Symbol.for("newswire.db.pools");
const pools: WeakMap<object, pg.Pool> = ((globalThis as { [poolsKey]?: WeakMap<object, pg.Pool> })[poolsKey] ??= new WeakMap());

/**
 * SQLite's busy timeout: how long a write waits for another connection's write lock. better-sqlite3 is
 * synchronous, so that wait blocks this whole process — every request, every live stream. It used to be 10 s,
 * and another process holding the lock (a maintenance script, the sqlite3 shell) froze the site 10 s per write
 * attempt. Our own writes never wait for each other (one connection, Prisma serialises transactions), so a
 * short wait covers a brief outside writer; a longer lock makes the write fail at once with "database busy"
 * (a 503), and ingestion tries again later.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 200;

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqliteTransaction = Awaited<ReturnType<SqliteAdapter["startTransaction"]>>;
type RawQuery = Parameters<SqliteTransaction["executeRaw"]>[0];

/**
 * The better-sqlite3 adapter, with transactions that always give their lock back. The adapter serialises
 * transactions with a mutex that only its transaction's commit()/rollback() release, and Prisma calls those
 * only after its COMMIT/ROLLBACK statement succeeded. When a statement fails with SQLITE_FULL, SQLite has
 * already rolled the transaction back itself, Prisma's ROLLBACK then fails ("no transaction is active"), and
 * the mutex was never released: every later transaction of the process (every ingestion batch) waited
 * forever, even after space returned. Here a ROLLBACK with nothing to roll back is a no-op, and a failed
 * COMMIT or ROLLBACK still ends the transaction and releases the mutex before the error goes up.
 */
class SafeTransactionsSQLite3 extends PrismaBetterSQLite3 {
  override async connect(): Promise<SqliteAdapter> {
    const adapter = await super.connect();
    const connection = (adapter as unknown as { client: Database.Database }).client;
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const transaction = await startTransaction(isolationLevel);
      const executeRaw = transaction.executeRaw.bind(transaction);
      transaction.executeRaw = async (query: RawQuery) => {
        const ending = /^\s*(COMMIT|ROLLBACK)\s*$/i.exec(query.sql)?.[1]?.toUpperCase();
        if (!ending) return executeRaw(query);
        if (ending === "ROLLBACK" && !connection.inTransaction) return 0;
        try {
          return await executeRaw(query);
        } catch (error) {
          if (connection.inTransaction) {
            try {
              connection.prepare("ROLLBACK").run();
            } catch {
              // Nothing more can be done here; the error below says what happened.
            }
          }
          await transaction.rollback();
          throw error;
        }
      };
      return transaction;
    };
    return adapter;
  }
}

function currentUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

function createClient(url: string): Db {
  const kind = databaseKind(url);
  let client: Db;
  if (kind === "postgresql") {
    // Same models, same generated API: see the comment on Db.
    // JIT compilation off for these sessions: it is for long analytical queries, and ours are short. It
    // kicked in on the story desk's recount (its correlated subqueries are estimated as costly) and spent
    // 30–100 ms compiling each run of a statement that needs a few ms (841 ms of 2.3 s in one cluster bench
    // run, pg_stat_statements). A DATABASE_URL that sets `options` itself decides instead.
    // Custom plans only (plan_cache_mode): a statement prepared on these sessions (lib/db/direct-sql.ts) is
    // parsed once but planned on every run, for the tables as they are then. By default PostgreSQL moves it to
    // a generic plan after five runs and keeps that plan until the next ANALYZE: the insert of new entries,
    // first prepared while Article was nearly empty, then scanned the whole table on every run (2,850 pages at
    // 10,000 articles) wherever autovacuum did not analyze it meanwhile. Prisma's own statements are unnamed
    // and always planned for their values; this changes nothing for them.
    // The pool is made here and handed to the adapter, so that the few statements that run thousands of times a
    // polling round can skip Prisma's per-query work on the same connections (lib/db/direct-sql.ts,
    // docs/decisions/0018). $disconnect() ends it.
    const pool = new pg.Pool({ connectionString: url, options: "-c jit=off -c plan_cache_mode=force_custom_plan" });
    // A pooled connection that dies while idle (the server restarted) emits "error" on the pool: without a
    // listener that would end the process. The pool drops that connection and opens another when asked.
    pool.on("error", () => undefined);
    client = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    pools.set(client, pool);
  } else {
    client = new PrismaClient({ adapter: new SafeTransactionsSQLite3({ url: resolveSqliteFile(url), timeout: SQLITE_BUSY_TIMEOUT_MS }) });
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

/** The node-postgres pool under a PostgreSQL client made here; undefined for SQLite and for transaction clients. */
export function postgresPoolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
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
  const probe = (globalThis as ProbeHolder)[probeKey];
  (globalThis as ProbeHolder)[probeKey] = undefined;
  probe?.connection.close();
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

/** Why a query failed when the cause is the database being unavailable rather than the request. */
export type DatabaseUnavailable = { code: "database_busy" | "database_full" | "database_unavailable"; message: string };

const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "TooManyConnections", "TlsConnectionError"]);
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
const UNREACHABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
/** PostgreSQL SQLSTATEs of a server going away or not there yet: admin shutdown, crash shutdown, cannot connect now. */
const UNREACHABLE_SQLSTATES = /^(57P0[123]|08\w{3})$/;
const UNREACHABLE_MESSAGES = /Connection terminated|Can't reach database server|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

/**
 * Tells apart "the database cannot be used right now" (locked by another connection, disk full, server
 * unreachable or restarting) from everything else, looking through Prisma's and the driver's wrappings. Those
 * are answered 503 with a reason instead of a generic 500, and are not bugs of ours.
 */
export function databaseUnavailable(error: unknown): DatabaseUnavailable | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  const stack: unknown[] = [];
  while (current !== undefined || stack.length > 0) {
    if (current === undefined || current === null || typeof current !== "object" || seen.has(current)) {
      current = stack.pop();
      continue;
    }
    seen.add(current);
    const node = current as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; originalMessage?: unknown; meta?: unknown; cause?: unknown; driverAdapterError?: unknown; errors?: unknown };
    const codes = [node.code, node.originalCode].filter((value): value is string => typeof value === "string");
    const messages = [node.message, node.originalMessage].filter((value): value is string => typeof value === "string");
    if (codes.some((code) => code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) || messages.some((text) => /database is locked/i.test(text))) {
      return { code: "database_busy", message: "The database is busy (locked by another connection); try again shortly" };
    }
    // A full disk shows as SQLITE_FULL, or as SQLITE_IOERR_SHMSIZE when WAL's shared-memory file cannot grow.
    if (codes.some((code) => code === "SQLITE_FULL" || code === "SQLITE_IOERR_SHMSIZE" || code === "ENOSPC") || messages.some((text) => /database or disk is full|no space left on device/i.test(text))) {
      return { code: "database_full", message: "The database cannot store anything: its disk is full" };
    }
    if (codes.some((code) => code.startsWith("SQLITE_IOERR") || code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN")) {
      return { code: "database_unavailable", message: "The database's storage cannot be read or written right now" };
    }
    if (
      (typeof node.kind === "string" && UNREACHABLE_KINDS.has(node.kind)) ||
      codes.some((code) => UNREACHABLE_PRISMA_CODES.has(code) || UNREACHABLE_NODE_CODES.has(code) || UNREACHABLE_SQLSTATES.test(code)) ||
      messages.some((text) => UNREACHABLE_MESSAGES.test(text))
    ) {
      return { code: "database_unavailable", message: "The database is unreachable; try again shortly" };
    }
    if (Array.isArray(node.errors)) stack.push(...node.errors);
    stack.push(node.meta, node.driverAdapterError, node.cause);
    current = stack.pop();
  }
  return undefined;
}

const probeKey = Symbol.for("newswire.db.writeProbe");
type ProbeHolder = { [probeKey]?: { file: string; connection: Database.Database } };

/**
 * SQLite only: whether a write could start now. Reads go on while another connection holds the write lock
 * (WAL), so a read-only health check would call a database that can store nothing healthy. This takes the
 * write lock on a connection of its own without waiting (busy timeout 0, so it never blocks the process) and
 * gives it back at once. Our own transaction may hold the lock for a moment: only a few failures in a row,
 * a little apart, count as locked. Always true for PostgreSQL (its health is the summary query).
 */
export async function canWriteNow(url = currentUrl(), attempts = 4, spacingMs = 50): Promise<boolean> {
  if (databaseKind(url) !== "sqlite") return true;
  const holder = globalThis as ProbeHolder;
  const file = resolveSqliteFile(url);
  if (holder[probeKey]?.file !== file) {
    holder[probeKey]?.connection.close();
    holder[probeKey] = { file, connection: new Database(file, { timeout: 0, fileMustExist: true }) };
  }
  const connection = holder[probeKey]!.connection;
  for (let attempt = 1; ; attempt++) {
    try {
      connection.prepare("BEGIN IMMEDIATE").run();
      connection.prepare("ROLLBACK").run();
      return true;
    } catch (error) {
      if (connection.inTransaction) connection.prepare("ROLLBACK").run();
      if (databaseUnavailable(error)?.code !== "database_busy" || attempt >= attempts) return false;
      await new Promise((resolve) => setTimeout(resolve, spacingMs));
    }
  }
}
