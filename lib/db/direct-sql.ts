// The statements that run thousands of times a polling round (claiming sources, recording checks, storing a
// feed's new entries, reading new articles for the live feed), run on PostgreSQL straight on node-postgres,
// through the very pool Prisma's adapter uses. Prisma compiles every query, raw ones included, to a plan in
// its WebAssembly query compiler and serialises each parameter through JSON on the way: about 0.7 ms of CPU
// per statement where node-postgres alone spends about 0.1 ms (SELECT 1 on this machine; 1.4 ms against
// 0.3 ms with 120 parameters), which with two instances and 10,000 sources was seconds of every round.
// See docs/decisions/0018-direct-statements-on-postgresql.md.
//
// The SQL is the same Prisma.sql tagged template as everywhere else (docs/decisions/0016): every value a bound
// parameter, placeholders written by Prisma. Values and results are converted as Prisma's adapter converts
// them: dates are sent as UTC text, and "timestamp without time zone" columns are read back as UTC, whatever
// the process's time zone. On SQLite, and inside a Prisma transaction, the statement goes through Prisma.
//
// A statement whose text never changes (its lists are array parameters, not IN lists of varying length) can
// also be prepared: parsed and analysed once per connection instead of on every run. It is still planned on
// every run (the sessions use custom plans only, see client.ts): a plan cached while a table was small
// outlives the table's growth.
import { createHash } from "node:crypto";
import pg from "pg";
import type { Prisma } from "./generated/sqlite/client";
import { postgresPoolOf, type Db } from "./client";

const TIMESTAMP_OID = 1114;

/** "2026-12-02 01:30:00.123" (UTC, as stored by Prisma) → Date. */
function parseUtcTimestamp(text: string): Date {
  return new Date(`${text.replace(" ", "T")}Z`);
}

const RESULT_TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP_OID) return parseUtcTimestamp;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as unknown as pg.CustomTypesConfig;

/** A Date as Prisma's adapter sends it: UTC, no zone (the columns are "timestamp without time zone"). */
function toPostgresParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace("Z", "");
  if (Array.isArray(value)) return value.map(toPostgresParameter);
  return value;
}

/** Names of prepared statements by their text: a handful of fixed texts, so the map stays small. */
const statementNames = new Map<string, string>();

/**
 * The name a fixed text is prepared under on every connection: derived from the text, so two texts can never
 * share one (node-postgres refuses a known name with another text).
 */
function statementNameOf(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `newswire_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

export type QueryOptions = {
  /**
   * The text is one of a few fixed texts (every list in it is an array parameter): prepare it once per
   * connection. Never for text that varies with the data (an IN list, VALUES tuples): each variant would stay
   * prepared on every connection of the pool.
   */
  prepared?: boolean;
};

/** Runs `query` and returns its rows: on node-postgres for a PostgreSQL client made in client.ts, else Prisma. */
export async function queryRows<T>(db: Db, query: Prisma.Sql, options: QueryOptions = {}): Promise<T[]> {
  const pool = postgresPoolOf(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  const result = await pool.query({
    ...(options.prepared ? { name: statementNameOf(query.text) } : {}),
    text: query.text,
    values: query.values.map(toPostgresParameter),
    types: RESULT_TYPES,
  });
  return result.rows as T[];
}
