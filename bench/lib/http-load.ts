// Parent side of the HTTP load generator: one child process per run, so the load never shares an event loop
// with the bench runner or the server.
import path from "node:path";
import { ChildRpc } from "./child";
import { summarize, type Summary } from "./stats";
import type { LoadResult, LoadSpec } from "./http-load-worker";

export type LoadReport = Omit<LoadResult, "latenciesMs"> & { rps: number; latency: Summary; latenciesMs?: number[] };

/** Merges several runs of the same load (interleaved with another) into one report. */
export function mergeReports(reports: (LoadReport & { latenciesMs?: number[] })[]): LoadReport {
  const sum = (pick: (r: LoadReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  const statuses: Record<string, number> = {};
  const cacheHeaders: Record<string, number> = {};
  for (const report of reports) {
    for (const [key, value] of Object.entries(report.statuses)) statuses[key] = (statuses[key] ?? 0) + value;
    for (const [key, value] of Object.entries(report.cacheHeaders)) cacheHeaders[key] = (cacheHeaders[key] ?? 0) + value;
  }
  const latencies = reports.flatMap((report) => report.latenciesMs ?? []);
  return {
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    statuses,
    bytes: sum((r) => r.bytes),
    seconds: sum((r) => r.seconds),
    rps: sum((r) => r.requests) / sum((r) => r.seconds),
    latency: summarize(latencies),
    loaderEventLoop: { p99: Math.max(...reports.map((r) => r.loaderEventLoop.p99)), max: Math.max(...reports.map((r) => r.loaderEventLoop.max)) },
    cacheHeaders,
  };
}

/** One load process, reused for several runs (starting a process per run costs a second on a busy machine). */
export class HttpLoader {
  private constructor(private readonly worker: ChildRpc) {}

  static async start(): Promise<HttpLoader> {
    const worker = ChildRpc.start(path.join(import.meta.dirname, "http-load-worker.ts"), "http-load");
    await worker.ready;
    return new HttpLoader(worker);
  }

  async run(spec: LoadSpec, keepSamples = false): Promise<LoadReport> {
    const result = await this.worker.call<LoadResult>({ cmd: "run", spec }, spec.durationMs + spec.warmupMs + 60_000);
    const { latenciesMs, ...rest } = result;
    return { ...rest, rps: result.requests / result.seconds, latency: summarize(latenciesMs), ...(keepSamples ? { latenciesMs } : {}) };
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
