// Prisma CLI configuration. The JavaScript engines only: the native engines cannot be downloaded on
// our machines (docs/decisions/0001). The adapter here is what `migrate deploy` connects with.
// DATABASE_URL picks the engine (docs/decisions/0004): a file: URL uses prisma/schema.prisma and
// prisma/migrations with better-sqlite3; a postgresql:// URL uses prisma/postgresql/ with node-postgres.
// First: decides which better-sqlite3 build the adapter below loads (lib/db/sqlite-driver.ts).
import "./lib/db/sqlite-driver";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
// The CLI's PostgreSQL adapter is @prisma/adapter-pg 7.x installed under an alias: 6.19.3 lacks the `name`
// column type the migration engine reads ("Column type 'name' could not be deserialized"). The server
// itself connects with @prisma/adapter-pg 6.19.3, matching @prisma/client (lib/db/client.ts).
import { PrismaPg } from "@prisma/adapter-pg-cli";
import { databaseKind, resolveSqliteFile, DEFAULT_DATABASE_URL } from "./lib/db/database-url";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
process.env.DATABASE_URL = databaseUrl;
const postgres = databaseKind(databaseUrl) === "postgresql";
const folder = postgres ? path.join("prisma", "postgresql") : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(folder, "schema.prisma"),
  migrations: { path: path.join(folder, "migrations") },
  async adapter() {
    if (postgres) return new PrismaPg({ connectionString: databaseUrl });
    return new PrismaBetterSQLite3({ url: resolveSqliteFile(databaseUrl) });
  },
});
