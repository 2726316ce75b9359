// Helpers for scenarios that run Newswire as a site of several processes on PostgreSQL + Redis
// (tests/helpers/cluster.ts starts them: `node --import tsx server.ts` instances, HAProxy with deploy/haproxy.cfg). The bench
// registers every process of such a site with its own clean-up, and talks to instances over plain HTTP.
import { startCluster, type Cluster, type ClusterOptions } from "../../tests/helpers/cluster";
import { ADMIN_TOKEN } from "../../tests/helpers/newswire-server";
import { descendants, onCleanup, track } from "./procs";
import { parseProm } from "./prom";
import fs from "node:fs";

/**
 * Every bench client connects from 127.0.0.1 (directly, or through HAProxy, which forwards that address), so
 * the per-address cap (default 100) would refuse all but the first 100. A cap this high still makes each
 * connection take its per-address slot (in Redis when the site has it), which is what a reader costs.
 */
export const BENCH_LIVE_ENV = { LIVE_MAX_PER_IP: "1000000", LIVE_MAX_CONNECTIONS: "100000" };

/** startCluster with every process registered for the bench's clean-up; `stop()` also unregisters. */
export async function startBenchCluster(options: ClusterOptions): Promise<Cluster & { stop(): Promise<void> }> {
  const cluster = await startCluster({ launcher: "node", ...options, env: { ...BENCH_LIVE_ENV, ...options.env } });
  for (const instance of cluster.instances) track(instance.process);
  if (cluster.haproxy) track(cluster.haproxy.process);
  const forget = onCleanup(() => cluster.stopAll());
  return Object.assign(cluster, {
    async stop() {
      try {
        await cluster.stopAll();
      } finally {
        forget();
      }
    },
  });
}

/** The pid of the node process running server.ts: the launched process itself, or a descendant (npm, tsx). */
export function serverPidUnder(launcherPid: number | undefined): number | undefined {
  if (launcherPid === undefined) return undefined;
  return [launcherPid, ...descendants(launcherPid)].find((pid) => {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      return /(^|\/)node .* server\.ts/.test(cmdline);
    } catch {
      return false;
    }
  });
}

/** Resident set size (bytes) of a process, from /proc; NaN once it is gone. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const kib = Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m)?.[1]);
    return kib * 1024;
  } catch {
    return NaN;
  }
}

export async function adminJson<T>(baseUrl: string, method: string, pathname: string, body?: unknown, contentType = "application/json"): Promise<T> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": contentType }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${pathname} → ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export async function addSourceAt(baseUrl: string, url: string, name: string, category = "world"): Promise<{ id: number; slug: string }> {
  const { source } = await adminJson<{ source: { id: number; slug: string } }>(baseUrl, "POST", "/api/sources", { url, name, category });
  return source;
}

export async function refreshAt(baseUrl: string, sourceId: number): Promise<void> {
  await adminJson(baseUrl, "POST", `/api/sources/${sourceId}/refresh`);
}

/** The newest article's cursor ("0" when there is none). */
export async function latestCursorAt(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/articles?limit=1`);
  const { articles } = (await response.json()) as { articles: { cursor: string }[] };
  return articles[0]?.cursor ?? "0";
}

/** title → id of the newest `limit` articles (at most 100 per page: the API's bound). */
export async function articleIdsByTitle(baseUrl: string, limit: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let cursor: string | undefined;
  while (ids.size < limit) {
    const response = await fetch(`${baseUrl}/api/articles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    const body = (await response.json()) as { articles: { id: number; title: string; cursor: string }[]; nextCursor?: string | null };
    for (const article of body.articles) ids.set(article.title, article.id);
    if (!body.nextCursor || body.articles.length === 0) break;
    cursor = body.nextCursor;
  }
  return ids;
}

/** Live clients an instance says it holds (newswire_live_clients, every transport). */
export async function liveClientsAt(baseUrl: string): Promise<number> {
  const samples = parseProm(await (await fetch(`${baseUrl}/metrics`)).text());
  let total = 0;
  for (const [key, value] of samples) if (key.startsWith("newswire_live_clients")) total += value;
  return total;
}
