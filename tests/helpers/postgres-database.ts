// A PostgreSQL database of a test's own, on the server NEWSWIRE_TEST_POSTGRES_URL names (default this
// machine's: 127.0.0.1:5432, user root, trust auth): created empty, dropped WITH (FORCE) afterwards, so no
// test relies on leftovers. An unreachable server fails the test with how to start it; it never skips.
import { randomBytes } from "node:crypto";
import { Client } from "pg";

export const POSTGRES_ADMIN_URL = process.env.NEWSWIRE_TEST_POSTGRES_URL || "postgresql://root@127.0.0.1:5432/test";

/** Runs `work` on a connection to the admin database (the one NEWSWIRE_TEST_POSTGRES_URL names). */
export async function withPostgresAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). These tests need it: start it with ` +
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point NEWSWIRE_TEST_POSTGRES_URL at a server.",
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type TestPostgresDatabase = {
  name: string;
  /** postgresql://… of the new database, for DATABASE_URL. */
  url: string;
  /** Ends every session on it (servers that are still connected included) and drops it. */
  drop(): Promise<void>;
};

/** Creates an empty database named `<prefix>_<pid>_<time>_<random>` (a valid unquoted identifier). */
export async function createPostgresDatabase(prefix: string): Promise<TestPostgresDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${randomBytes(3).toString("hex")}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await withPostgresAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await withPostgresAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
