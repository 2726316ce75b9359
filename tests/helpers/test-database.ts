// A fresh, migrated SQLite database for tests that use the repositories directly. Call before anything
// reads the database: it points DATABASE_URL (and so the Prisma client singleton) at the new file.
import fs from "node:fs";
import { applyMigrations } from "../../lib/boot/migrate";
import { disconnectDb } from "../../lib/db/client";
import { tempDatabaseUrl } from "./newswire-server";

export async function useTestDatabase(name: string): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const url = tempDatabaseUrl(name);
  await disconnectDb();
  process.env.DATABASE_URL = url;
  await applyMigrations(url);
  return {
    url,
    async cleanup() {
      await disconnectDb();
      const file = url.replace(/^file:/, "");
      for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    },
  };
}
