// A response cache for page views, in front of Next. Pages change only when articles or sources do, so every
// entry goes stale the moment new articles are published (the bus) or sources change; until then identical
// requests get the same bytes, with an ETag so browsers and proxies can revalidate for free.
//
// What is "identical" is decided by the cache, not by whatever the client sent (docs/decisions/0007): a
// request it may answer is first *cleaned* — its URL reduced to the path and the query parameters that page
// reads (lib/http/cacheable-pages.ts), its headers to the few a render depends on (Accept-Encoding reduced to
// the encoding Next will use, the User-Agent to Next's bot class, and for client-side navigations the router
// headers Next varies RSC payloads on). Next then renders from exactly that cleaned request, so what is stored
// under a key is what that key describes. Cookies, tracking parameters and Next-internal headers (such as
// `x-middleware-prefetch`, which once made Next answer `{}` and blanked the homepage for everyone) never
// reach a render that is stored. Only a complete 200 of the expected content type with a body is stored.
//
// After a change, exactly one request per page renders afresh; requests arriving during that render get the
// previous page (for at most STALE_WHILE_RENDERING_MS) instead of all rendering at once: under load a burst
// of identical renders after every published article would stall the server (bench: homepage).
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { getBotType } from "next/dist/shared/lib/router/utils/is-bot";
import { findCacheablePage, type CacheablePage } from "./cacheable-pages";
import { CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER } from "./request-context";

type CachedPage = { status: number; headers: Record<string, string | string[]>; body: Buffer; etag: string; storedAt: number; generation: number };

export type PageCacheOptions = {
  /** Which paths may be cached, with the query parameters each reads (default: CACHEABLE_PAGES). */
  findPage?: (pathname: string) => CacheablePage | undefined;
  /** The Host every cached render sees (PUBLIC_URL's), so no client's Host can shape a shared page. */
  publicHost?: string;
  maxEntries?: number;
  /** All stored bodies together; the oldest entries go first. */
  maxTotalBytes?: number;
  /** A safety net: relative times in the HTML age even when nothing is published. */
  maxAgeMs?: number;
  maxBodyBytes?: number;
};

/** How long after a change a page may still be served from before it, while its fresh render runs. */
const STALE_WHILE_RENDERING_MS = 5_000;

/**
 * The request headers Next 16 varies an RSC payload on: its `Vary` (server/base-server.ts setVaryHeader) is
 * `rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch`; `next-url` is added there
 * for interception routes only, but it is part of the `_rsc` hash Next checks (validateRSCRequestHeaders), so
 * it must reach Next unchanged. tests/integration/hardening.test.ts checks the Vary header against this list.
 */
export const RSC_KEY_HEADERS = ["rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-url"] as const;

/** Headers that make a request a write or an action: never answered from, nor stored in, the cache. */
const UNCACHEABLE_REQUEST_HEADERS = ["next-action"];

/** Router headers longer than this (a deep tree) are rare and not worth an entry; such requests render. */
const MAX_KEY_HEADER_LENGTH = 4_096;
const MAX_PARAM_LENGTH = 512;

/** One User-Agent per class Next tells apart (streaming metadata for browsers, blocking for HTML-limited bots). */
const CANONICAL_USER_AGENT = {
  browser: "Mozilla/5.0 (compatible; newswire-page-cache)",
  dom: "Mozilla/5.0 (compatible; Googlebot/2.1)",
  html: "Mozilla/5.0 (compatible; Bingbot/2.0)",
} as const;

const DROPPED_RESPONSE_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie", "etag", REQUEST_ID_HEADER, "x-page-cache"]);

/** Content types a plain request may store: pages, feeds and sitemaps, robots.txt. */
const PAGE_CONTENT_TYPE = /^(text\/html|text\/plain|text\/xml|application\/xml|application\/rss\+xml|application\/atom\+xml)\s*(;|$)/i;
const RSC_CONTENT_TYPE = /^text\/x-component\s*(;|$)/i;

/**
 * The content coding Next's compression will choose for this Accept-Encoding (it offers gzip, deflate and
 * identity), so requests that would get the same bytes share one entry.
 */
export function negotiatedEncoding(header: string | string[] | undefined): "gzip" | "deflate" | "identity" {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  const q: Record<string, number> = {};
  for (const part of text.split(",")) {
    const [name, ...rest] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qParam = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q[name] = Number.isFinite(value) ? value : 0;
  }
  const gzip = q.gzip ?? q["*"] ?? 0;
  const deflate = q.deflate ?? q["*"] ?? 0;
  if (gzip <= 0 && deflate <= 0) return "identity";
  return gzip >= deflate ? "gzip" : "deflate";
}

type CleanRequest = { key: string; url: string; headers: IncomingHttpHeaders; rsc: boolean };

/** Browsers send a handful of distinct User-Agent and Accept-Encoding values; each is classified once. */
function memoized<T>(compute: (input: string) => T): (input: string) => T {
  const memo = new Map<string, T>();
  return (input) => {
    let value = memo.get(input);
    if (value === undefined) {
      value = compute(input);
      if (memo.size >= 1_000) memo.clear();
      memo.set(input, value);
    }
    return value;
  };
}

const encodingOf = memoized((header: string) => negotiatedEncoding(header));
const botClassOf = memoized((userAgent: string) => getBotType(userAgent) ?? "browser");

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

export function createPageCache(options: PageCacheOptions = {}) {
  const findPage = options.findPage ?? findCacheablePage;
  const entries = new Map<string, CachedPage>();
  const maxEntries = options.maxEntries ?? 1_000;
  const maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  let totalBytes = 0;
  let generation = 0;
  let invalidatedAt = 0;
  /** Pages being rendered afresh right now, so only one request per page pays for it. */
  const rendering = new Set<string>();

  /** The cleaned request, or null when the cache leaves this request alone (not a page it keeps). */
  function clean(req: IncomingMessage): CleanRequest | null {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    if (UNCACHEABLE_REQUEST_HEADERS.some((name) => req.headers[name] !== undefined)) return null;
    const raw = req.url ?? "/";
    const queryAt = raw.indexOf("?");
    const pathname = queryAt === -1 ? raw : raw.slice(0, queryAt);
    const page = findPage(pathname);
    if (!page) return null;
    const rscHeader = req.headers.rsc;
    if (rscHeader !== undefined && rscHeader !== "1") return null;
    const rsc = rscHeader === "1";

    const query = new URLSearchParams(queryAt === -1 ? "" : raw.slice(queryAt + 1));
    const kept = new URLSearchParams();
    for (const name of page.params) {
      const value = query.get(name);
      if (value === null || value === "") continue;
      if (value.length > MAX_PARAM_LENGTH) return null;
      kept.set(name, value);
    }
    // The hash Next checks an RSC request's headers against; it may be empty (no router headers), but present.
    const rscHash = rsc ? query.get("_rsc") : null;
    if (rscHash !== null) {
      if (rscHash.length > MAX_PARAM_LENGTH) return null;
      kept.set("_rsc", rscHash);
    }
    const search = kept.toString();
    const url = search ? `${pathname}?${search}` : pathname;

    const acceptEncoding = req.headers["accept-encoding"];
    const encoding = encodingOf(Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : (acceptEncoding ?? ""));
    const bot = botClassOf(single(req.headers["user-agent"]) ?? "");
    const headers: IncomingHttpHeaders = {
      host: options.publicHost ?? req.headers.host,
      "accept-encoding": encoding,
      "user-agent": CANONICAL_USER_AGENT[bot],
    };
    for (const name of [REQUEST_ID_HEADER, CLIENT_ADDRESS_HEADER]) {
      if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    }
    const keyParts = [rsc ? "rsc" : "page", url, encoding, bot];
    if (rsc) {
      for (const name of RSC_KEY_HEADERS) {
        const value = req.headers[name];
        if (Array.isArray(value) || (value !== undefined && value.length > MAX_KEY_HEADER_LENGTH)) return null;
        if (value !== undefined) headers[name] = value;
        keyParts.push(value ?? "");
      }
    }
    return { key: keyParts.join("\u0000"), url, headers, rsc };
  }

  /** Makes `req` the cleaned request: what Next renders is exactly what the key describes. */
  function substitute(req: IncomingMessage, cleaned: CleanRequest): void {
    req.url = cleaned.url;
    req.headers = cleaned.headers;
    req.rawHeaders = Object.entries(cleaned.headers).flatMap(([name, value]) => (value === undefined ? [] : [name, String(value)]));
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

  function store(key: string, page: CachedPage): void {
    const previous = entries.get(key);
    if (previous) {
      totalBytes -= previous.body.length;
      entries.delete(key);
    }
    entries.set(key, page);
    totalBytes += page.body.length;
    // Oldest first (Map order is insertion order; a re-stored page moves to the end).
    while (entries.size > maxEntries || totalBytes > maxTotalBytes) {
      const [oldestKey, oldest] = entries.entries().next().value as [string, CachedPage];
      entries.delete(oldestKey);
      totalBytes -= oldest.body.length;
    }
  }

  /** Records what Next writes so the next identical request can be answered without rendering. */
  function capture(cleaned: CleanRequest, res: ServerResponse): void {
    const { key } = cleaned;
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
      rendering.delete(key);
      // Store only what a plain request for this page gets: a complete 200 of the page's content type with a
      // body, setting no cookie. Next marks every dynamic page `private, no-store`; for a cleaned request that
      // is not true (it carried no cookie or credentials), so the cache decides.
      const type = String(res.getHeader("content-type") ?? "");
      const expectedType = cleaned.rsc ? RSC_CONTENT_TYPE : PAGE_CONTENT_TYPE;
      if (!tooBig && size > 0 && res.statusCode === 200 && !res.getHeader("set-cookie") && expectedType.test(type)) {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = Array.isArray(value) ? value : String(value);
        }
        headers["cache-control"] = "public, max-age=0, must-revalidate";
        // A render that overlapped a change is kept, but as stale: the next request renders again.
        store(key, { status: 200, headers, body, etag: `"${createHash("sha1").update(body).digest("base64url")}"`, storedAt: Date.now(), generation: startedGeneration });
      }
      return result;
    }) as typeof res.end;
  }

  return {
    /**
     * Answers from the cache (true), or — for a page it keeps — replaces the request with its cleaned form
     * and arranges to store the response about to be rendered (false). Other requests are left untouched.
     */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const cleaned = clean(req);
      if (cleaned === null) return false;
      const { key } = cleaned;
      const page = entries.get(key);
      const age = page ? Date.now() - page.storedAt : Infinity;
      if (page && page.generation === generation && age < maxAgeMs) {
        send(req, res, page, "hit");
        return true;
      }
      if (page && rendering.has(key) && Date.now() - invalidatedAt < STALE_WHILE_RENDERING_MS && age < maxAgeMs) {
        send(req, res, page, "stale");
        return true;
      }
      substitute(req, cleaned);
      if (req.method === "GET") capture(cleaned, res);
      return false;
    },
    /** Makes every entry stale: the next request for each page renders it afresh. */
    invalidate(): void {
      generation += 1;
      invalidatedAt = Date.now();
    },
  };
}
