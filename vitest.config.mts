import nodeModule, { createRequire } from "node:module";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The better-sqlite3 build this runtime must load (lib/db/sqlite-driver.ts says why there are two). That
 * module's resolve hook covers everything Node itself resolves, Prisma's adapter included; imports in our own
 * source and tests are resolved by Vite, which bypasses Node's hooks, so the same choice is made here. Two
 * builds in one process would be two SQLite libraries that do not see each other's locks.
 */
function sqliteDriverAlias(): { find: RegExp; replacement: string }[] {
  if (typeof (nodeModule as unknown as { registerHooks?: unknown }).registerHooks !== "function") return [];
  try {
    const nodeApiBuild = createRequire(import.meta.url).resolve("better-sqlite3-napi");
    return [{ find: /^better-sqlite3$/, replacement: nodeApiBuild }];
  } catch {
    return [];
  }
}

const alias = [{ find: /^@\//, replacement: `${path.resolve(import.meta.dirname)}/` }, ...sqliteDriverAlias()];

export default defineConfig({
  test: {
    // Files run in parallel on two workers: the machines have two cores.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "bench/lib/**/*.test.ts"],
          environment: "node",
          // Before any test loads better-sqlite3 directly or through Prisma (see the file).
          setupFiles: ["lib/db/sqlite-driver.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          setupFiles: ["lib/db/sqlite-driver.ts"],
          // Builds Next once before any test starts a real server, so test files never race to build.
          globalSetup: ["tests/helpers/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
