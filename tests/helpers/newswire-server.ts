// Starts the real server (server.ts, production mode) on a free port with its own SQLite database, as a
// child process, and stops it with SIGTERM. Integration tests drive it over HTTP, Socket.IO and SSE.
// `launcher: "npm"` starts it the way an operator does (`npm start`); tests/helpers/cluster.ts runs several.
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

/** The server exited before it listened (a refused start): its exit code, and what it wrote to stderr. */
export class NewswireExitedError extends Error {
  constructor(
    readonly code: number,
    readonly output: string,
    readonly stderr: string,
  ) {
    super(`newswire exited with ${code} before listening:\n${output}`);
    this.name = "NewswireExitedError";
  }
}

export type RunningServer = {
  url: string;
  port: number;
  /** The process started: tsx's CLI, or npm with `launcher: "npm"` (server.ts runs in a descendant). */
  process: ChildProcess;
  /** Everything the server wrote to stdout (JSON log lines) and stderr. */
  output(): string;
  /** SIGTERM to `process` (as an orchestrator sends it) and wait; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to `process` and every descendant at once, like a crashed machine; resolves once it is gone. */
  kill9(): Promise<void>;
};

/**
 * Never tsx's CLI (`tsx server.ts`): it relays SIGTERM to a child process and, when the child does not confirm
 * within 30 ms (a loaded machine), SIGKILLs it and exits 143, so a clean shutdown looked like a crash.
 * - "npm": `npm start`, what the README tells an operator to type (npm → sh → node running server.ts).
 * - "node": `node --import tsx server.ts`, what `npm start` execs and the container runs (deploy/Dockerfile).
 * - "npm-demo": `npm run demo`, the offline demo as the README gives it.
 */
export type Launcher = "npm" | "node" | "npm-demo";

function launchCommand(launcher: Launcher): [string, string[]] {
  if (launcher === "npm") return ["npm", ["start"]];
  if (launcher === "npm-demo") return ["npm", ["run", "demo"]];
  return [process.execPath, ["--import", "tsx", "server.ts"]];
}

/** The direct children of `pid`, from /proc (empty once it is gone). */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Every live descendant of `pid`, each followed by its own descendants. */
export function descendantPids(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendantPids(child)]);
}

/** A process's command line, arguments separated by spaces ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export async function startNewswire(
  /** `env` overrides the test defaults; a variable given as undefined is left out of the server's environment. */
  options: { env?: Record<string, string | undefined>; port?: number; timeoutMs?: number; launcher?: Launcher } = {},
): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  let output = "";
  // The command npm start execs: signals reach the server itself, as in production.
  const [command, args] = launchCommand(options.launcher ?? "node");
  const child = spawn(command, args, {
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
      // npm must not look for its own updates (no network here) or print funding notes.
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errorOutput = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => {
    output += chunk;
    errorOutput += chunk;
  });
  // "close" (not "exit"): it fires once stdout and stderr are drained, so output() has the last lines. A
  // descendant left running (an orphaned server) keeps the pipes open: then give up on them 5 s after "exit".
  const exited = new Promise<number | null>((resolve) => {
    child.once("close", (code) => resolve(code));
    child.once("exit", (code) => setTimeout(() => resolve(code), 5_000).unref());
  });

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (!output.includes('"msg":"newswire listening"')) {
    if (child.exitCode !== null) {
      // Let the pipes drain so the error carries the last lines (the reason it refused to start).
      await exited;
      throw new NewswireExitedError(child.exitCode, output, errorOutput);
    }
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
    async kill9() {
      const pids = [child.pid!, ...descendantPids(child.pid!)];
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Exited in the meantime.
        }
      }
      await exited;
      await eventually(async () => pids.every((pid) => !isAlive(pid)), `processes ${pids.join(", ")} to be gone after SIGKILL`);
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
