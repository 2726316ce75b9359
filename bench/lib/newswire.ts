// The real Newswire server under test: tests/helpers/newswire-server.ts starts it (production build, own
// SQLite file, loopback feeds allowed); this adds what the bench needs around it: a forced GC + heap reading
// through the inspector, /metrics, the server's own log lines, CPU profiles, and a stop that cannot hang.
import fs from "node:fs";
import path from "node:path";
import { ADMIN_TOKEN, startNewswire, type RunningServer } from "../../tests/helpers/newswire-server";
import { descendants, killTree, track } from "./procs";
import { findInspectorOf, inspectorUrls, InspectorSession } from "./inspector";
import { parseProm, promValue, type PromSample } from "./prom";
import { BENCH_LIVE_ENV } from "./site";
import { ensureDir, removeSqlite, sleep, WORK_DIR } from "./util";

export { ADMIN_TOKEN };

export type NewswireOptions = {
  /** Names the database file. */
  name: string;
  /** An existing database file to serve (kept on stop); default a fresh one that stop() removes. */
  dbFile?: string;
  port?: number;
  env?: Record<string, string>;
  /** Open the inspector on a random loopback port so heapUsed() can force a full GC first. */
  inspect?: boolean;
  /**
   * Profile the server's CPU (V8 sampling profiler, through the inspector) into this directory: one
   * .cpuprofile per phase (see profilePhase), the last written when the server stops. NODE_OPTIONS may not
   * carry --cpu-prof, and startNewswire's command line is fixed, hence the inspector.
   */
  cpuProfDir?: string;
};

export type LogLine = { msg?: string; time?: string; level?: number; sourceId?: number; inserted?: number; [key: string]: unknown };

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

export class NewswireServer {
  private logOffset = 0;
  private inspectorUrl: string | undefined;

  private constructor(
    readonly running: RunningServer,
    readonly dbFile: string,
    private readonly ownsDb: boolean,
    readonly options: NewswireOptions,
  ) {}

  get url(): string {
    return this.running.url;
  }

  get port(): number {
    return this.running.port;
  }

  static async start(options: NewswireOptions): Promise<NewswireServer> {
    const ownsDb = options.dbFile === undefined;
    const dbFile = options.dbFile ?? path.join(ensureDir(WORK_DIR), `${options.name}-${process.pid}-${Date.now()}.db`);
    // BENCH_SERVER_NODE_OPTIONS: extra V8/Node flags for the server under test (experiments, e.g. GC tuning).
    const nodeOptions = [process.env.NODE_OPTIONS ?? "", process.env.BENCH_SERVER_NODE_OPTIONS ?? ""];
    if (options.inspect || options.cpuProfDir) nodeOptions.push("--inspect=127.0.0.1:0");
    const running = await startNewswire({
      port: options.port,
      timeoutMs: 180_000,
      env: {
        DATABASE_URL: `file:${dbFile}`,
        // Feeds, pages and live clients log at info; keep it (the bench reads "feed refreshed" lines).
        LOG_LEVEL: "info",
        NODE_OPTIONS: nodeOptions.join(" ").trim(),
        // Thousands of bench clients, all from 127.0.0.1: the per-address cap must not refuse them.
        ...BENCH_LIVE_ENV,
        ...options.env,
      },
    });
    track(running.process);
    const server = new NewswireServer(running, dbFile, ownsDb, options);
    if (options.inspect || options.cpuProfDir) {
      const pid = server.serverPid();
      if (pid) server.inspectorUrl = await findInspectorOf(inspectorUrls(running.output()), pid);
    }
    if (options.cpuProfDir) await server.profilePhase("start");
    return server;
  }

  /**
   * The pid of the node process running server.ts: the process started (`node --import tsx server.ts`), or,
   * under a launcher that starts it as a child (tsx's CLI, npm), that descendant.
   */
  serverPid(): number | undefined {
    const launcherPid = this.running.process.pid;
    if (launcherPid === undefined) return undefined;
    return [launcherPid, ...descendants(launcherPid)].find((pid) => /(^|\/)node .* server\.ts/.test(cmdline(pid)));
  }

  async request(method: string, pathname: string, options: { body?: string | object; admin?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${this.url}${pathname}`, { method, headers, body });
    return { status: response.status, text: await response.text() };
  }

  async json<T>(method: string, pathname: string, options: Parameters<NewswireServer["request"]>[2] = {}): Promise<T> {
    const response = await this.request(method, pathname, options);
    if (response.status >= 300) throw new Error(`${method} ${pathname} → ${response.status}: ${response.text.slice(0, 300)}`);
    return JSON.parse(response.text) as T;
  }

  /** POST /api/sources/:id/refresh with the admin token (202 expected). */
  async refresh(sourceId: number): Promise<void> {
    const response = await this.request("POST", `/api/sources/${sourceId}/refresh`, { admin: true });
    if (response.status !== 202) throw new Error(`refresh ${sourceId} → ${response.status}: ${response.text}`);
  }

  async addSource(url: string, name: string, category = "world"): Promise<{ id: number; slug: string }> {
    const { source } = await this.json<{ source: { id: number; slug: string } }>("POST", "/api/sources", { admin: true, body: { url, name, category } });
    return source;
  }

  async latestCursor(): Promise<string> {
    const { articles } = await this.json<{ articles: { cursor: string }[] }>("GET", "/api/articles?limit=1");
    return articles[0]?.cursor ?? "0";
  }

  async metrics(): Promise<PromSample> {
    const response = await this.request("GET", "/metrics");
    return parseProm(response.text);
  }

  /**
   * heapUsed after a forced full GC (inspector), read from /metrics like any scrape. Without an inspector,
   * falls back to the lowest of five scrapes 400 ms apart (method says which).
   */
  async heapUsed(): Promise<{ bytes: number; method: string }> {
    if (this.inspectorUrl) {
      const session = await InspectorSession.open(this.inspectorUrl);
      try {
        // Twice: the first pass can leave weakly held objects (socket buffers, timers) for the second.
        await session.collectGarbage();
        await session.collectGarbage();
      } finally {
        session.close();
      }
      const samples = await this.metrics();
      return { bytes: promValue(samples, "newswire_nodejs_heap_size_used_bytes"), method: "inspector HeapProfiler.collectGarbage ×2, then GET /metrics" };
    }
    let lowest = Infinity;
    for (let i = 0; i < 5; i++) {
      lowest = Math.min(lowest, promValue(await this.metrics(), "newswire_nodejs_heap_size_used_bytes"));
      await sleep(400);
    }
    return { bytes: lowest, method: "lowest of 5 GET /metrics scrapes 400 ms apart (no forced GC)" };
  }

  /** The server's JSON log lines written since the last call. */
  newLogLines(): LogLine[] {
    const output = this.running.output();
    const end = output.lastIndexOf("\n") + 1;
    const chunk = output.slice(this.logOffset, end);
    this.logOffset = Math.max(this.logOffset, end);
    const lines: LogLine[] = [];
    for (const line of chunk.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line.
      }
    }
    return lines;
  }

  private profiler: { session: InspectorSession; label: string } | undefined;

  /** With cpuProfDir: ends the current profile (written to a file) and starts one named `label`. */
  async profilePhase(label: string): Promise<void> {
    if (!this.options.cpuProfDir || !this.inspectorUrl) return;
    await this.endProfile();
    const session = await InspectorSession.open(this.inspectorUrl);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 500 });
    await session.send("Profiler.start");
    this.profiler = { session, label };
  }

  private async endProfile(): Promise<void> {
    const current = this.profiler;
    if (!current) return;
    this.profiler = undefined;
    try {
      const { profile } = await current.session.send<{ profile: unknown }>("Profiler.stop", {}, 60_000);
      const file = path.join(ensureDir(this.options.cpuProfDir!), `${this.options.name}-${current.label}-${Date.now()}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
    } finally {
      current.session.close();
    }
  }

  /** SIGTERM, then SIGKILL of the whole tree if it has not exited in `graceMs`. */
  async stop(options: { removeDb?: boolean; graceMs?: number } = {}): Promise<number | null> {
    await this.endProfile().catch(() => undefined);
    const pid = this.running.process.pid;
    const exited = this.running.stop();
    const timeout = sleep(options.graceMs ?? 20_000).then(() => "timeout" as const);
    const outcome = await Promise.race([exited, timeout]);
    if (outcome === "timeout" && pid !== undefined) killTree(pid);
    const code = outcome === "timeout" ? null : outcome;
    if ((options.removeDb ?? this.ownsDb)) removeSqlite(this.dbFile);
    return code;
  }
}
