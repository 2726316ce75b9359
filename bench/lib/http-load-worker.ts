// A closed-loop HTTP load generator in its own process (the role autocannon or wrk would play): `connections`
// keep-alive connections, each sending the next request as soon as the previous response has been read in
// full, for `durationMs` after a warm-up. Records every response time. Driven over IPC by lib/http-load.ts.
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

export type LoadSpec = {
  url: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
  headers?: Record<string, string>;
  /** Adds `<name>=<counter>` to every request's query, so no two requests share a URL (e.g. "utm_source"). */
  uniqueParam?: string;
};

export type LoadResult = {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  bytes: number;
  seconds: number;
  latenciesMs: number[];
  /** The loader's own event-loop delay: if it is high, the loader (not the server) was the limit. */
  loaderEventLoop: { p99: number; max: number };
  cacheHeaders: Record<string, number>;
};

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  const target = new URL(spec.url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cacheHeaders: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let recording = false;
  let stopping = false;
  const eventLoop = monitorEventLoopDelay({ resolution: 5 });
  let sent = 0;

  function once(): Promise<void> {
    return new Promise((resolve) => {
      const started = performance.now();
      sent += 1;
      const unique = spec.uniqueParam ? `${target.search ? "&" : "?"}${spec.uniqueParam}=${sent}` : "";
      const request = http.get(
        // What Chromium sends; bodies are counted as they come over the wire, never decompressed.
        { hostname: target.hostname, port: target.port, path: target.pathname + target.search + unique, agent, headers: { "accept-encoding": "gzip, deflate, br, zstd", ...spec.headers } },
        (response) => {
          let size = 0;
          response.on("data", (chunk: Buffer) => (size += chunk.length));
          response.on("end", () => {
            if (recording) {
              latencies.push(performance.now() - started);
              statuses[response.statusCode ?? 0] = (statuses[response.statusCode ?? 0] ?? 0) + 1;
              const cache = String(response.headers["x-page-cache"] ?? "none");
              cacheHeaders[cache] = (cacheHeaders[cache] ?? 0) + 1;
              bytes += size;
            }
            resolve();
          });
          response.on("error", () => {
            if (recording) errors += 1;
            resolve();
          });
        },
      );
      request.on("error", () => {
        if (recording) errors += 1;
        resolve();
      });
    });
  }

  async function lane(): Promise<void> {
    while (!stopping) await once();
  }

  const lanes = Array.from({ length: spec.connections }, () => lane());
  await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
  recording = true;
  eventLoop.enable();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  recording = false;
  const seconds = (performance.now() - started) / 1000;
  eventLoop.disable();
  stopping = true;
  await Promise.all(lanes);
  agent.destroy();
  return {
    requests: latencies.length,
    errors,
    statuses,
    bytes,
    seconds,
    latenciesMs: latencies,
    loaderEventLoop: { p99: eventLoop.percentile(99) / 1e6, max: eventLoop.max / 1e6 },
    cacheHeaders,
  };
}

process.on("message", (message: { id: number; command: { cmd: "run"; spec: LoadSpec } }) => {
  run(message.command.spec).then(
    (result) => process.send?.({ id: message.id, ok: true, result }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
