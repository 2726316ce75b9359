// A response cache for anonymous page views, in front of Next. Pages change only when articles or sources
// do, so every entry is dropped the moment new articles are published (the bus) or sources change; until
// then identical requests get the same bytes, with an ETag so browsers and proxies can revalidate for free.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

type CachedPage = { status: number; headers: Record<string, string | string[]>; body: Buffer; etag: string; storedAt: number };

export type PageCacheOptions = {
  /** Which paths may be cached (anonymous HTML and XML pages, never the API or admin). */
  isCacheablePath: (pathname: string) => boolean;
  maxEntries?: number;
  /** A safety net: relative times in the HTML age even when nothing is published. */
  maxAgeMs?: number;
  maxBodyBytes?: number;
};

/** Headers that make a response specific to one client, or that Next uses for client-side navigation. */
const PERSONAL_REQUEST_HEADERS = ["authorization", "cookie", "rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-action", "range"];
const DROPPED_RESPONSE_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie", "etag"]);

export function createPageCache(options: PageCacheOptions) {
  const entries = new Map<string, CachedPage>();
  const maxEntries = options.maxEntries ?? 500;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  let generation = 0;
  let hits = 0;
  let misses = 0;

  function keyFor(req: IncomingMessage): string | null {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    if (PERSONAL_REQUEST_HEADERS.some((name) => req.headers[name] !== undefined)) return null;
    const url = req.url ?? "/";
    const pathname = url.split("?")[0];
    if (url.includes("_rsc=") || !options.isCacheablePath(pathname)) return null;
    return url;
  }

  function send(req: IncomingMessage, res: ServerResponse, page: CachedPage): void {
    const headers: Record<string, string | string[]> = { ...page.headers, etag: page.etag, "x-page-cache": "hit" };
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
      if (!tooBig && res.statusCode === 200 && generation === startedGeneration && !res.getHeader("set-cookie")) {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value : String(value);
        }
        headers["cache-control"] = "public, max-age=0, must-revalidate";
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, { status: 200, headers, body, etag: `"${createHash("sha1").update(body).digest("base64url")}"`, storedAt: Date.now() });
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
      if (page && Date.now() - page.storedAt < maxAgeMs) {
        hits += 1;
        send(req, res, page);
        return true;
      }
      misses += 1;
      if (req.method === "GET") capture(key, res);
      return false;
    },
    /** Drops every entry; responses still being rendered from older data are not stored either. */
    invalidate(): void {
      generation += 1;
      entries.clear();
    },
    stats: () => ({ entries: entries.size, hits, misses }),
  };
}
