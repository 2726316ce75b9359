// Starts the real server (server.ts, production mode) on a free port with its own SQLite database, as a
// child process, and stops it with SIGTERM. Integration tests drive it over HTTP, Socket.IO and SSE.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
const ROOT = path.resolve(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function tempDatabaseUrl(name: string): string {
  const dir = path.join(ROOT, "tests", ".tmp");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.db`);
  return `file:${file}`;
}

export type RunningServer = {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server wrote to stdout (JSON log lines) and stderr. */
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
};

export async function startNewswire(options: { env?: Record<string, string>; port?: number; timeoutMs?: number } = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  let output = "";
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: tempDatabaseUrl("server"),
      FEED_ALLOW_PRIVATE: "1",
      ADMIN_TOKEN,
      NEWSWIRE_SEED: "0",
      LOG_LEVEL: "info",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  // "close" (not "exit"): it fires once stdout and stderr are drained, so output() has the last lines.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (!output.includes('"msg":"newswire listening"')) {
    if (child.exitCode !== null) throw new Error(`newswire exited with ${child.exitCode} before listening:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`newswire did not start in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

export function adminHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...extra };
}

/** Polls `check` until it returns a truthy value or the time runs out (then throws with `what`). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
