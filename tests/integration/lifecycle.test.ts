// The process as an operator sees it: a clean exit on SIGTERM, and a bad environment refused at start with
// one line naming the variable.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";
import { removeDatabase, startTestServer } from "../helpers/newswire-client";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** "Within a few seconds": an idle server needs well under one; the margin is for a loaded 2-core machine. */
const SHUTDOWN_BUDGET_MS = 5_000;
/**
 * "Quickly" for a refused start: tsx loads server.ts's whole import graph (Next, Prisma, Socket.IO) before
 * the environment is parsed, ~1-2 s on an idle machine; nothing else (migrations, build, listen) may happen.
 */
const REFUSED_START_BUDGET_MS = 20_000;

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

/**
 * Runs `node --import tsx server.ts` (what npm start execs) until it exits (or kills it after `timeoutMs`).
 * `onOutput` sees stdout as it grows, with the process (to signal it at a given moment).
 */
async function runServer(env: Record<string, string>, timeoutMs = 45_000, onOutput?: (stdout: string, child: ChildProcess) => void): Promise<Exit> {
  const started = Date.now();
  const databaseUrl = tempDatabaseUrl("lifecycle-env");
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      NEWSWIRE_SEED: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    onOutput?.(stdout, child);
  });
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
  clearTimeout(killer);
  removeDatabase(databaseUrl);
  return { code, signal, stdout, stderr, ms: Date.now() - started };
}

describe("graceful shutdown", () => {
  let server: RunningServer;
  // Started outside the test so that only the shutdown is timed (a start on a loaded machine can be slow).
  beforeAll(async () => {
    server = await startTestServer();
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("exits 0 within a few seconds of SIGTERM while idle and logs that it stopped", async () => {
    const started = Date.now();
    const code = await server.stop();
    const tookMs = Date.now() - started;
    const output = server.output();
    expect(code, output).toBe(0);
    expect(tookMs, output).toBeLessThan(SHUTDOWN_BUDGET_MS);
    const messages = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => (JSON.parse(line) as { msg?: string }).msg);
    expect(messages, output).toContain("shutting down");
    // Not necessarily the last line: the logger writes asynchronously and process.exit can reorder the
    // last two lines (see the report); that it is there at all is what an operator relies on.
    expect(messages, output).toContain("stopped");
  });
  // With Socket.IO and SSE clients still connected: the last test of live.test.ts (it has a server at hand).

  it("shuts down cleanly on a SIGTERM sent the moment it logs that it listens", async () => {
    // An orchestrator may stop an instance as soon as it is up. The handler was installed only after the start's
    // last steps (the demo archive lookup), so such a SIGTERM took Node's default action: killed, no shutdown.
    let signalled = false;
    const exit = await runServer({}, 60_000, (stdout, child) => {
      if (signalled || !stdout.includes('"msg":"newswire listening"')) return;
      signalled = true;
      child.kill("SIGTERM");
    });
    expect(signalled).toBe(true);
    expect({ code: exit.code, signal: exit.signal }, `${exit.stderr}\n${exit.stdout}`).toEqual({ code: 0, signal: null });
    expect(exit.stdout).toContain('"msg":"stopped"');
  }, 90_000);
});

describe("a bad environment", () => {
  it.each([
    ["PORT", "eighty"],
    ["DATABASE_URL", "mysql://x"],
    ["POLL_INTERVAL_SECONDS", "0"],
  ])("%s=%s stops the start with one line naming the variable", async (variable, value) => {
    const exit = await runServer({ [variable]: value });
    expect(exit.code, `${exit.stderr}\n${exit.stdout}`).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.ms).toBeLessThan(REFUSED_START_BUDGET_MS);
    const lines = exit.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines, exit.stderr).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    // Refused before anything else: it never got as far as listening.
    expect(exit.stdout).not.toContain("newswire listening");
  }, 60_000);
});
