import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

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
