// Browser tests in Debian's Chromium (Playwright cannot download its own browser from the machines this runs on: only the npm registry and Debian are reachable).
// The webServer is the real server.ts in production mode on its own empty database.
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3107);
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "rm -f tests/.tmp/e2e.db* && mkdir -p tests/.tmp && node --import tsx server.ts",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: "file:./tests/.tmp/e2e.db",
      FEED_ALLOW_PRIVATE: "1",
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      NEWSWIRE_SEED: "0",
      POLL_INTERVAL_SECONDS: "3600",
      LOG_LEVEL: "warn",
    },
  },
});
