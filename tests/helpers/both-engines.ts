// For repository tests that must hold on both engines: a database of the test's own on SQLite (a temporary
// file) and on PostgreSQL (created on the machine's server and dropped afterwards), each made the process's
// DATABASE_URL while its tests run. Use with describe.each(bothEngines("name")), and call
// restoreDatabaseUrlAfterAll() once at the top of the file.
import { afterAll } from "vitest";
import { applyMigrations } from "../../lib/boot/migrate";
import { disconnectDb } from "../../lib/db/client";
import { createPostgresDatabase } from "./postgres-database";
import { useTestDatabase } from "./test-database";

export type Engine = { name: string; kind: "sqlite" | "postgresql"; open: () => Promise<{ cleanup: () => Promise<void> }> };

/** `name`: a short word for the databases' names (letters, digits and underscores). */
export function bothEngines(name: string): Engine[] {
  return [
    { name: "SQLite", kind: "sqlite", open: () => useTestDatabase(name.replace(/_/g, "-")) },
    {
      name: "PostgreSQL",
      kind: "postgresql",
      async open() {
        const database = await createPostgresDatabase(`newswire_${name}`);
        await disconnectDb();
        process.env.DATABASE_URL = database.url;
        await applyMigrations(database.url);
        return {
          async cleanup() {
            await disconnectDb();
            await database.drop();
          },
        };
      },
    },
  ];
}

/** Gives the process back the DATABASE_URL it had before the file's tests. */
export function restoreDatabaseUrlAfterAll(): void {
  const previousUrl = process.env.DATABASE_URL;
  afterAll(() => {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  });
}
