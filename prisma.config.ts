// Prisma CLI configuration. The JavaScript engines only: the native engines cannot be downloaded on
// our machines (../shared/MACHINE-NOTES.md). The adapter here is what `migrate deploy` connects with.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { resolveSqliteFile, DEFAULT_DATABASE_URL } from "./lib/db/database-url";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
process.env.DATABASE_URL = databaseUrl;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: resolveSqliteFile(databaseUrl) });
  },
});
