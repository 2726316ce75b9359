// A response cache for anonymous page views, in front of Next. Pages change only when articles or sources
// do, so every entry goes stale the moment new articles are published (the bus) or sources change; until
// then identical requests get the same bytes, with an ETag so browsers and proxies can revalidate for free.
// After a change, exactly one request per page renders afresh; requests arriving during that render get
// the previous page (for at most STALE_WHILE_RENDERING_MS) instead of all rendering at once: under load
// a burst of identical renders after every published article would stall the server (bench: homepage).
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

type CachedPage = { status: number; headers: Record<string, string | string[]>; body: Buffer; etag: string; storedAt: number; generation: number };

export type PageCacheOptions = {
  /** Which paths may be cached (anonymous HTML and XML pages, never the API or admin). */
  isCacheablePath: (pathname: string) => boolean;
  maxEntries?: number;
  /** A safety net: relative times in the HTML age even when nothing is published. */
  maxAgeMs?: number;
  maxBodyBytes?: number;
};

/** How long after a change a page may still be served from before it, while its fresh render runs. */
const STALE_WHILE_RENDERING_MS = 5_000;

/** Headers that make a response specific to one client, or that Next uses for client-side navigation. */
const PERSONAL_REQUEST_HEADERS = ["authorization", "cookie", "rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-action", "range"];
const DROPPED_RESPONSE_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie", "etag"]);

export function createPageCache(options: PageCacheOptions) {
  const entries = new Map<string, CachedPage>();
  const maxEntries = options.maxEntries ?? 500;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  let generation = 0;
  let invalidatedAt = 0;
  /** Pages being rendered afresh right now, so only one request per page pays for it. */
  const rendering = new Set<string>();
  let hits = 0;
  let misses = 0;

  function keyFor(req: IncomingMessage): string | null {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    if (PERSONAL_REQUEST_HEADERS.some((name) => req.headers[name] !== undefined)) return null;
    const url = req.url ?? "/";
    const pathname = url.split("?")[0];
    if (url.includes("_rsc=") || !options.isCacheablePath(pathname)) return null;
    // Next compresses by Accept-Encoding: bytes stored for one encoding must not answer another.
    return `${url}\u0000${req.headers["accept-encoding"] ?? ""}`;
  }

  function send(req: IncomingMessage, res: ServerResponse, page: CachedPage, state: "hit" | "stale"): void {
    const headers: Record<string, string | string[]> = { ...page.headers, etag: page.etag, "x-page-cache": state };
    if (req.headers["if-none-match"] === page.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(page.status, { ...headers, "content-length": String(page.body.length) });
    res.end(req.method === "HEAD" ? undefined : page.body);
  }

  /** Records what Next writes so the next identical request can be answered without rendering. */
  function capture(key: string, res: ServerResponse): void {
    const startedGeneration = generation;
    rendering.add(key);
    res.once("close", () => rendering.delete(key));
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function" || tooBig) return;
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      size += buffer.length;
      if (size > maxBodyBytes) tooBig = true;
      else chunks.push(buffer);
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      const result = end(chunk, ...rest);
      // Store only complete, successful responses rendered against the current data. Next marks every
      // dynamic page `private, no-store`; for these anonymous paths that is not true (the request carried no
      // cookie or credentials), so the cache decides, and a response that sets a cookie is never shared.
      rendering.delete(key);
      if (!tooBig && res.statusCode === 200 && !res.getHeader("set-cookie")) {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value : String(value);
        }
        headers["cache-control"] = "public, max-age=0, must-revalidate";
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        // A render that overlapped a change is kept, but as stale: the next request renders again.
        entries.set(key, { status: 200, headers, body, etag: `"${createHash("sha1").update(body).digest("base64url")}"`, storedAt: Date.now(), generation: startedGeneration });
      }
      return result;
    }) as typeof res.end;
  }

  return {
    /** Answers from the cache (true), or arranges to fill it from the response about to be rendered (false). */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const key = keyFor(req);
      if (key === null) return false;
      const page = entries.get(key);
      const age = page ? Date.now() - page.storedAt : Infinity;
      if (page && page.generation === generation && age < maxAgeMs) {
        hits += 1;
        send(req, res, page, "hit");
        return true;
      }
      if (page && rendering.has(key) && Date.now() - invalidatedAt < STALE_WHILE_RENDERING_MS && age < maxAgeMs) {
        hits += 1;
        send(req, res, page, "stale");
        return true;
      }
      misses += 1;
      if (req.method === "GET") capture(key, res);
      return false;
    },
    /** Makes every entry stale: the next request for each page renders it afresh. */
    invalidate(): void {
      generation += 1;
      invalidatedAt = Date.now();
    },
    stats: () => ({ entries: entries.size, hits, misses }),
  };
}
