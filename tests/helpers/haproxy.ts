// Debian's HAProxy on loopback, driven by the production configuration (deploy/haproxy.cfg) with the
// addresses and timeouts a test needs passed as environment variables (the file's defaults are the
// production values). `apt-get install -y haproxy` provides it (.ci/run does).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eventually, freePort } from "./newswire-server";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const HAPROXY_CONFIG = path.join(ROOT, "deploy", "haproxy.cfg");
/** The instances the configuration names (app1..app3). */
export const HAPROXY_MAX_SERVERS = 3;

export type ServerStatus = "UP" | "DOWN" | "MAINT" | "NOLB" | "no check" | string;

export type RunningHaproxy = {
  /** Where readers connect: http://127.0.0.1:<port>. */
  url: string;
  port: number;
  /** The stats frontend (`/stats;csv`, Prometheus `/metrics`). */
  statsUrl: string;
  process: ChildProcess;
  /** HAProxy's log lines (one per request, httplog format) and its own messages. */
  output(): string;
  /** `status` of every server of `backend` by name (app1..app3), from the stats CSV. */
  serverStatuses(backend?: string): Promise<Record<string, ServerStatus>>;
  /** Waits until server `name` (app1..app3) has `status` in backend `app` (backend socketio tracks it). */
  waitForServer(name: string, status: ServerStatus, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export type HaproxyOptions = {
  /** host:port of each instance, app1 first (at most HAPROXY_MAX_SERVERS). */
  servers: string[];
  /** Where readers connect (default a free port). */
  port?: number;
  /** More HAPROXY_* variables (timeouts, check interval); they override the defaults set here. */
  env?: Record<string, string>;
};

/** Starts HAProxy in the foreground and waits until every server is UP. */
export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  if (options.servers.length < 1 || options.servers.length > HAPROXY_MAX_SERVERS) {
    throw new Error(`deploy/haproxy.cfg names 1 to ${HAPROXY_MAX_SERVERS} instances, not ${options.servers.length}`);
  }
  const [port, statsPort] = [options.port ?? (await freePort()), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HAPROXY_BIND: `127.0.0.1:${port}`,
    HAPROXY_STATS_BIND: `127.0.0.1:${statsPort}`,
    // Tests notice a dead instance within a second, not after the production 2 × 2 s (a dead one refuses
    // the connection at once)...
    HAPROXY_CHECK_INTERVAL: "250ms",
    // ...but a live one that answers slowly on a loaded machine (several servers on two cores) stays in.
    HAPROXY_CHECK_TIMEOUT: "10s",
    // An empty value leaves that server out of the configuration.
    NEWSWIRE_APP1: options.servers[0],
    NEWSWIRE_APP2: options.servers[1] ?? "",
    NEWSWIRE_APP3: options.servers[2] ?? "",
    ...options.env,
  };
  let output = "";
  // -db: foreground, no daemon; the test owns the process and its stdout.
  const child = spawn("haproxy", ["-db", "-f", HAPROXY_CONFIG], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  spawnError.then((error) => {
    output += `\n${(error as NodeJS.ErrnoException).code === "ENOENT" ? "haproxy is not installed: apt-get install -y haproxy" : error.message}\n`;
  });

  const url = `http://127.0.0.1:${port}`;
  const statsUrl = `http://127.0.0.1:${statsPort}`;

  /** status and last check result (L7OK, L4CON, …) of each server of `backend`, from the stats CSV. */
  async function serverStates(backend: string): Promise<Record<string, { status: ServerStatus; check: string }>> {
    const response = await fetch(`${statsUrl}/stats;csv`);
    const [header, ...rows] = (await response.text()).trim().split("\n");
    const columns = header.replace(/^# /, "").split(",");
    const [pxname, svname, status, check] = ["pxname", "svname", "status", "check_status"].map((name) => columns.indexOf(name));
    const result: Record<string, { status: ServerStatus; check: string }> = {};
    for (const row of rows) {
      const cells = row.split(",");
      if (cells[pxname] === backend && cells[svname] !== "FRONTEND" && cells[svname] !== "BACKEND") result[cells[svname]] = { status: cells[status], check: cells[check] };
    }
    return result;
  }

  async function serverStatuses(backend = "app"): Promise<Record<string, ServerStatus>> {
    return Object.fromEntries(Object.entries(await serverStates(backend)).map(([name, state]) => [name, state.status]));
  }

  const running: RunningHaproxy = {
    url,
    port,
    statsUrl,
    process: child,
    output: () => output,
    serverStatuses,
    async waitForServer(name, status, timeoutMs = 15_000) {
      await eventually(async () => (await serverStatuses())[name]?.startsWith(status), `HAProxy to see ${name} ${status}`, timeoutMs);
    },
    async stop() {
      // SIGTERM is HAProxy's hard stop: every connection is closed now (SIGUSR1 would wait for them).
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };

  try {
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        // Servers start UP before any check ran: wait for a passed health check on each.
        const states = await serverStates("app").catch(() => undefined);
        return states && Object.keys(states).length === options.servers.length && Object.values(states).every((state) => state.status.startsWith("UP") && state.check === "L7OK");
      },
      "HAProxy to start with every server UP and its health check passed",
      60_000,
    );
  } catch (error) {
    await running.stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return running;
}
