// The parent side of the live-client load processes: N child processes (default 2), each holding an equal
// share of the clients. Everything here runs outside the server's process, as the issue asks.
import path from "node:path";
import { ChildRpc } from "./child";

export type Transport = "socketio" | "sse";
/** `received`: [article id, times received], in the order each id first arrived. */
export type PerClient = { connects: number[]; disconnects: number[]; connected: boolean; closed: boolean; received: [number, number][] };

export class LiveFleet {
  private constructor(readonly workers: ChildRpc[]) {}

  static async start(workers = 2): Promise<LiveFleet> {
    const modulePath = path.join(import.meta.dirname, "live-client-worker.ts");
    const rpcs = Array.from({ length: workers }, (_, i) => ChildRpc.start(modulePath, `live-clients-${i}`, { maxOldSpaceMb: 4096 }));
    await Promise.all(rpcs.map((rpc) => rpc.ready));
    return new LiveFleet(rpcs);
  }

  private all<T>(command: object, timeoutMs?: number): Promise<T[]> {
    return Promise.all(this.workers.map((worker) => worker.call<T>(command, timeoutMs)));
  }

  /** Adds `count` clients, split evenly across the workers; resolves when each has connected or failed once. */
  async connect(url: string, transport: Transport, count: number, cursor = "0", concurrency = 100, headers?: Record<string, string>) {
    const shares = this.workers.map((_, i) => Math.floor(count / this.workers.length) + (i < count % this.workers.length ? 1 : 0));
    const results = await Promise.all(
      this.workers.map((worker, i) => worker.call<{ connected: number; total: number; ms: number; connectErrors: number; lastError: string }>({ cmd: "connect", url, transport, count: shares[i], concurrency, cursor, headers }, 300_000)),
    );
    return {
      connected: results.reduce((sum, r) => sum + r.connected, 0),
      total: results.reduce((sum, r) => sum + r.total, 0),
      ms: Math.max(...results.map((r) => r.ms)),
      connectErrors: results.reduce((sum, r) => sum + r.connectErrors, 0),
      lastError: results.map((r) => r.lastError).filter(Boolean)[0] ?? "",
    };
  }

  async status() {
    const results = await this.all<{ total: number; connected: number; connectedByUrl: Record<string, number>; connectErrors: number; lastError: string; memory: number }>({ cmd: "status" });
    const connectedByUrl: Record<string, number> = {};
    for (const result of results) for (const [url, count] of Object.entries(result.connectedByUrl)) connectedByUrl[url] = (connectedByUrl[url] ?? 0) + count;
    return {
      connectedByUrl,
      total: results.reduce((sum, r) => sum + r.total, 0),
      connected: results.reduce((sum, r) => sum + r.connected, 0),
      connectErrors: results.reduce((sum, r) => sum + r.connectErrors, 0),
      lastError: results.map((r) => r.lastError).filter(Boolean)[0] ?? "",
      rssBytes: results.reduce((sum, r) => sum + r.memory, 0),
    };
  }

  /** How many clients (over all workers) have received each title. */
  async counts(titles: string[]): Promise<number[]> {
    const results = await this.all<number[]>({ cmd: "counts", titles });
    return titles.map((_, i) => results.reduce((sum, r) => sum + r[i], 0));
  }

  /** Receive times per title, over all workers. */
  async receipts(titles?: string[]): Promise<Map<string, number[]>> {
    const results = await this.all<Record<string, number[]>>({ cmd: "receipts", titles }, 120_000);
    const merged = new Map<string, number[]>();
    for (const result of results) {
      for (const [title, times] of Object.entries(result)) merged.set(title, [...(merged.get(title) ?? []), ...times]);
    }
    return merged;
  }

  async perClient(): Promise<PerClient[]> {
    return (await this.all<PerClient[]>({ cmd: "perClient" }, 120_000)).flat();
  }

  async resetReceipts(): Promise<void> {
    await this.all({ cmd: "resetReceipts" });
  }

  /** Event-loop delay (ms) in the load processes since the last call: the worst worker's figures. */
  async eventLoop(): Promise<{ p50: number; p99: number; max: number }> {
    const results = await this.all<{ p50: number; p99: number; max: number }>({ cmd: "eventLoop" });
    return { p50: Math.max(...results.map((r) => r.p50)), p99: Math.max(...results.map((r) => r.p99)), max: Math.max(...results.map((r) => r.max)) };
  }

  /** Closes `count` open clients at random (split across the workers); their records stay for perClient(). */
  async closeSome(count: number): Promise<number> {
    const shares = this.workers.map((_, i) => Math.floor(count / this.workers.length) + (i < count % this.workers.length ? 1 : 0));
    const closed = await Promise.all(this.workers.map((worker, i) => worker.call<number>({ cmd: "closeSome", count: shares[i] })));
    return closed.reduce((sum, n) => sum + n, 0);
  }

  async closeClients(): Promise<void> {
    await this.all({ cmd: "close" });
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.stop()));
  }
}
