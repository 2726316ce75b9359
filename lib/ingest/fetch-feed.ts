// The fetch stage of ingestion: one feed URL in, its bytes out, safely. Safe means: only http(s); every
// connection (each redirect hop, each DNS answer) is checked against the address policy at connect time, so
// DNS rebinding between a check and the connect cannot slip through; a hard time budget; a size cap applied
// after decompression; conditional GET. rss-parser's own fetcher does none of this (ARCHITECTURE.md).
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Duplex, Readable, pipeline as pipelineStreams } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Agent, buildConnector, request, type Dispatcher } from "undici";
import { FeedFetchError } from "../domain/errors";
import {
  hostnameToIpLiteral,
  isBlockedAddress,
  isCloudMetadataAddress,
  isReservedHostname,
} from "./address-policy";

export type FetchFeedOptions = {
  etag?: string | null;
  lastModified?: string | null;
  /** FEED_ALLOW_PRIVATE=1: loopback and private networks become reachable (cloud metadata never does). */
  allowPrivate: boolean;
  /** Hard budget for the whole fetch, redirects and body included. Default 15000. */
  timeoutMs?: number;
  /** Cap on the body AFTER decompression (and on the bytes on the wire). Default 10 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  signal?: AbortSignal;
  accept?: string;
  /**
   * For tests only: replaces the address policy; return true to refuse `ip`. Lets a loopback test server act
   * as "public" while a redirect to another address is still refused. Host names such as localhost stay
   * refused unless allowPrivate.
   */
  addressPolicy?: (ip: string) => boolean;
  /** For tests only: resolves a host name to its addresses instead of the system resolver (getaddrinfo). */
  lookup?: (hostname: string) => Promise<string[]>;
};

export type FetchFeedResult =
  | { status: "not-modified"; finalUrl: string; permanentRedirectTo: string | null; cacheMaxAgeSeconds: number | null }
  | {
      status: "ok";
      body: Buffer;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      finalUrl: string;
      permanentRedirectTo: string | null;
      cacheMaxAgeSeconds: number | null;
      headers: Record<string, string>;
    };

/** The test hooks of FetchFeedOptions, accepted by assertFetchableUrl too. */
export type AddressCheckHooks = Pick<FetchFeedOptions, "addressPolicy" | "lookup">;

export const DEFAULT_USER_AGENT = "NewswireBot/0.1 (+https://github.com/newswire; feed reader)";
export const DEFAULT_ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
  "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1";
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const CONNECT_TIMEOUT_MS = 10_000;
const DNS_CHECK_TIMEOUT_MS = 5_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECT_STATUSES = new Set([301, 308]);
// Redirect and error bodies are read only to keep the connection reusable; past this, drop the connection.
const DISCARD_LIMIT_BYTES = 64 * 1024;

type AddressGuard = {
  isBlockedIp: (ip: string) => boolean;
  isBlockedHostname: (hostname: string) => boolean;
  resolve: (hostname: string) => Promise<string[]>;
};

type ResponseData = Dispatcher.ResponseData;

/** Fetches a feed URL under the SSRF policy, limits and conditional-GET rules described in the file comment. */
export async function fetchFeed(url: string, options: FetchFeedOptions): Promise<FetchFeedResult> {
  const { guard, agent, shared } = dispatcherFor(options);
  const budget = createBudget(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
  try {
    return await followRedirects(parseFetchableUrl(url, guard), { options, guard, agent, signal: budget.signal });
  } catch (error) {
    throw toFeedFetchError(error, budget, options.signal);
  } finally {
    if (!shared) agent.destroy().catch(() => undefined);
  }
}

/**
 * Keep-alive connection pools, one per policy, shared by every fetch under it. Publishers serve many feeds
 * from one host and a round checks them close together, so reusing the connection spares them (and us) a
 * TCP and TLS handshake per feed: on loopback a 304 check went from 1.5 ms to 0.4 ms. Reuse never widens
 * the policy: a pool is per origin, and every connection was checked by the guarded connector when it was
 * opened. Calls with their own address hooks (tests) get an agent of their own.
 */
const sharedDispatchers = new Map<boolean, { guard: AddressGuard; agent: Agent }>();

function dispatcherFor(options: FetchFeedOptions): { guard: AddressGuard; agent: Agent; shared: boolean } {
  if (options.addressPolicy || options.lookup) {
    const guard = createAddressGuard(options.allowPrivate, options);
    return { guard, agent: new Agent({ connect: createGuardedConnector(guard) }), shared: false };
  }
  let entry = sharedDispatchers.get(options.allowPrivate);
  if (!entry) {
    const guard = createAddressGuard(options.allowPrivate, {});
    entry = { guard, agent: new Agent({ connect: createGuardedConnector(guard) }) };
    sharedDispatchers.set(options.allowPrivate, entry);
  }
  return { ...entry, shared: true };
}

/** Closes the shared keep-alive connections (shutdown). Later fetches open new ones. */
export async function closeFeedConnections(): Promise<void> {
  const entries = [...sharedDispatchers.values()];
  sharedDispatchers.clear();
  await Promise.allSettled(entries.map((entry) => entry.agent.destroy()));
}

/**
 * For POST /api/sources: refuses a URL that may not be fetched, before anything is stored. Throws
 * FeedFetchError "invalid_url" (not http(s), unparseable) or "blocked_address" (literal or resolved address
 * refused by the policy); "network" when the host name does not resolve at all. fetchFeed checks again at
 * connect time, so passing here grants nothing by itself.
 */
export async function assertFetchableUrl(url: string, allowPrivate: boolean, hooks: AddressCheckHooks = {}): Promise<void> {
  const guard = createAddressGuard(allowPrivate, hooks);
  const target = parseFetchableUrl(url, guard);
  if (hostnameToIpLiteral(target.hostname) !== null) return; // already judged by parseFetchableUrl
  const addresses = await withDeadline(resolveHostname(guard, target.hostname), DNS_CHECK_TIMEOUT_MS, target.hostname);
  assertAddressesAllowed(guard, target.hostname, addresses);
}

export type PostFormOptions = AddressCheckHooks & {
  /** FEED_ALLOW_PRIVATE=1, as for fetchFeed. */
  allowPrivate: boolean;
  /** Hard budget for the whole request and the (capped) response body. Default 15000. */
  timeoutMs?: number;
  /** How much of the response body to keep (for error messages). Default 8 KiB; the rest is discarded. */
  maxResponseBytes?: number;
  userAgent?: string;
  signal?: AbortSignal;
};

export type PostFormResult = { status: number; body: string; headers: Record<string, string> };

/**
 * POSTs an application/x-www-form-urlencoded body (a WebSub subscription request) under the same address
 * policy, connect-time checks and time budget as fetchFeed. Redirects are not followed: a POST is not
 * replayed to wherever a server points. Any HTTP status resolves (the caller judges it); network failures,
 * refused addresses and timeouts throw FeedFetchError as fetchFeed does.
 */
export async function postForm(url: string, form: URLSearchParams, options: PostFormOptions): Promise<PostFormResult> {
  const guard = createAddressGuard(options.allowPrivate, options);
  const budget = createBudget(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
  const agent = new Agent({ connect: createGuardedConnector(guard) });
  try {
    const target = parseFetchableUrl(url, guard);
    const response = await request(target, {
      method: "POST",
      headers: {
        "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
        "content-type": "application/x-www-form-urlencoded",
        accept: "*/*",
      },
      body: form.toString(),
      dispatcher: agent,
      signal: budget.signal,
    });
    const body = await readCappedText(response, options.maxResponseBytes ?? 8 * 1024);
    return { status: response.statusCode, body, headers: flattenHeaders(response.headers) };
  } catch (error) {
    throw toFeedFetchError(error, budget, options.signal);
  } finally {
    agent.destroy().catch(() => undefined);
  }
}

/** The start of a response body as text; stops reading (and drops the connection) past `maxBytes`. */
async function readCappedText(response: ResponseData, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= maxBytes) {
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

// getaddrinfo cannot be cancelled and may retry for tens of seconds; an admin request should not wait that long.
function withDeadline<T>(work: Promise<T>, ms: number, hostname: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new FeedFetchError(`DNS lookup for ${hostname} took longer than ${ms} ms`, "timeout")), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------
// Redirects and responses

type FetchContext = { options: FetchFeedOptions; guard: AddressGuard; agent: Dispatcher; signal: AbortSignal };

async function followRedirects(start: URL, context: FetchContext): Promise<FetchFeedResult> {
  const { options, guard, agent, signal } = context;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = start;
  let redirects = 0;
  let everyHopPermanent = true;
  for (;;) {
    const response = await sendRequest(current, options, agent, signal);
    if (!REDIRECT_STATUSES.has(response.statusCode)) {
      const permanentRedirectTo = redirects > 0 && everyHopPermanent ? current.href : null;
      return readResponse(response, current.href, permanentRedirectTo, options, signal);
    }
    const location = headerValue(response.headers, "location");
    await discardBody(response, signal);
    if (location === null) {
      throw new FeedFetchError(`HTTP ${response.statusCode} redirect without a Location header`, "http_status", response.statusCode);
    }
    if (redirects >= maxRedirects) {
      throw new FeedFetchError(`More than ${maxRedirects} redirects (last to ${location})`, "too_many_redirects");
    }
    redirects += 1;
    everyHopPermanent &&= PERMANENT_REDIRECT_STATUSES.has(response.statusCode);
    current = parseFetchableUrl(location, guard, current);
  }
}

function sendRequest(target: URL, options: FetchFeedOptions, agent: Dispatcher, signal: AbortSignal): Promise<ResponseData> {
  const headers: Record<string, string> = {
    "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept ?? DEFAULT_ACCEPT,
    // Asked for explicitly and decoded here (not by a client library) so the size cap sees decoded bytes.
    "accept-encoding": "gzip, deflate, br",
  };
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;
  return request(target, { method: "GET", headers, dispatcher: agent, signal });
}

async function readResponse(
  response: ResponseData,
  finalUrl: string,
  permanentRedirectTo: string | null,
  options: FetchFeedOptions,
  signal: AbortSignal,
): Promise<FetchFeedResult> {
  const headers = flattenHeaders(response.headers);
  const cacheMaxAgeSeconds = parseCacheMaxAge(headers);
  if (response.statusCode === 304) {
    await discardBody(response, signal);
    return { status: "not-modified", finalUrl, permanentRedirectTo, cacheMaxAgeSeconds };
  }
  if (response.statusCode < 200 || response.statusCode > 299) {
    await discardBody(response, signal);
    throw httpStatusError(response.statusCode, headers);
  }
  const body = await readBody(response, headers, options.maxBytes ?? DEFAULT_MAX_BYTES, signal).catch((error: unknown) => {
    // A body left half-read would pin its keep-alive connection in the shared pool: drop the connection.
    // (Destroying reports an abort on the body; nobody reads it any more, so that report is swallowed.)
    if (!response.body.destroyed) response.body.on("error", () => undefined).destroy();
    throw error;
  });
  return {
    status: "ok",
    body,
    contentType: headers["content-type"] ?? null,
    etag: headers["etag"] ?? null,
    lastModified: headers["last-modified"] ?? null,
    finalUrl,
    permanentRedirectTo,
    cacheMaxAgeSeconds,
    headers,
  };
}

function httpStatusError(status: number, headers: Record<string, string>): FeedFetchError {
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(headers["retry-after"]) : null;
  return new FeedFetchError(`The server answered HTTP ${status}`, "http_status", status, retryAfter ?? undefined);
}

async function discardBody(response: ResponseData, signal: AbortSignal): Promise<void> {
  await response.body.dump({ signal, limit: DISCARD_LIMIT_BYTES }).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Body: size cap and decompression

async function readBody(
  response: ResponseData,
  headers: Record<string, string>,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const declaredLength = Number(headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    response.body.destroy();
    throw tooLarge(maxBytes, `declared Content-Length ${declaredLength}`);
  }
  const decoder = createDecoder(headers["content-encoding"]);
  const chunks: Buffer[] = [];
  // Counted as the decoder yields, so a compression bomb stops after maxBytes of output: zlib streams only
  // inflate as fast as this loop pulls, and throwing here makes pipeline destroy the decoder and the socket.
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, "body");
      chunks.push(chunk);
    }
  };
  // The wire is capped too: a stream of empty gzip members would otherwise decode to nothing forever.
  const capWire = capBytes(maxBytes);
  try {
    if (decoder === null) await pipeline(response.body, capWire, collect, { signal });
    else await pipeline(response.body, capWire, decoder, collect, { signal });
  } catch (error) {
    if (isDecodeError(error)) {
      throw new FeedFetchError(`Could not decode the ${headers["content-encoding"]} body: ${describeError(error)}`, "bad_encoding");
    }
    throw error;
  }
  return Buffer.concat(chunks);
}

function isDecodeError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  // zlib reports Z_DATA_ERROR and friends; brotli reports ERR__ERROR_FORMAT_* style codes.
  return typeof code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code);
}

function capBytes(maxBytes: number): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* (source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, "bytes received");
      yield chunk;
    }
  };
}

function tooLarge(maxBytes: number, what: string): FeedFetchError {
  return new FeedFetchError(`Feed exceeds the ${maxBytes}-byte limit (${what})`, "too_large");
}

/** A decoder for the response's Content-Encoding, or null for identity. */
function createDecoder(contentEncoding: string | undefined): Duplex | null {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0) return null;
  // Stacked codings ("gzip, br") are legal but unseen in practice for feeds; refusing them keeps one decoder.
  if (codings.length > 1) throw unsupportedEncoding(contentEncoding ?? "");
  const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH }; // tolerate truncated streams, as browsers do
  switch (codings[0]) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip(options);
    case "deflate":
      return Duplex.from(inflateZlibOrRaw);
    case "br":
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      throw unsupportedEncoding(codings[0]);
  }
}

function unsupportedEncoding(encoding: string): FeedFetchError {
  return new FeedFetchError(`Unsupported Content-Encoding "${encoding}"`, "unsupported_encoding");
}

/** "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate; peek at the header to tell. */
async function* inflateZlibOrRaw(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const firstChunk: Buffer = first.value;
  const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const inflater = hasZlibHeader(firstChunk) ? zlib.createInflate(options) : zlib.createInflateRaw(options);
  async function* rest(): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  // pipeline ties the two together: when the consumer stops early, destroying the inflater ends the input too.
  yield* pipelineStreams(Readable.from(rest()), inflater, () => undefined);
}

function hasZlibHeader(chunk: Buffer): boolean {
  // RFC 1950: CM = 8 (deflate) in the low nibble, and the two header bytes form a multiple of 31.
  return chunk.length >= 2 && (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
}

// ---------------------------------------------------------------------------------------------------------
// Headers

function flattenHeaders(headers: ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function headerValue(headers: ResponseData["headers"], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/** Seconds from `Retry-After` (delta-seconds or an HTTP-date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = parseHttpDate(trimmed);
  if (date === null) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * How long the response may be reused: Cache-Control max-age, else Expires relative to the server's Date.
 * s-maxage is for shared caches and a feed reader is a private one, so it is ignored.
 */
export function parseCacheMaxAge(headers: Record<string, string>, now: number = Date.now()): number | null {
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(headers["cache-control"] ?? "");
  if (maxAge) return Number(maxAge[1]);
  const expiresHeader = headers["expires"];
  if (expiresHeader === undefined) return null;
  const expires = parseHttpDate(expiresHeader);
  // RFC 9111 §5.3: an invalid Expires (commonly "0" or "-1") means already expired.
  if (expires === null) return 0;
  const base = parseHttpDate(headers["date"] ?? "") ?? now; // the server's own clock avoids skew
  return Math.max(0, Math.floor((expires - base) / 1000));
}

// The three HTTP-date forms of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime). Checked before Date.parse
// because V8's parser also accepts things like "-5" or "0" as dates.
const HTTP_DATE = [
  /^[a-z]{3}, \d{2} [a-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/i,
  /^[a-z]{6,9}, \d{2}-[a-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/i,
  /^[a-z]{3} [a-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/i,
];

function parseHttpDate(value: string): number | null {
  const trimmed = value.trim();
  if (!HTTP_DATE.some((form) => form.test(trimmed))) return null;
  const time = Date.parse(trimmed.endsWith("GMT") ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(time) ? null : time;
}

// ---------------------------------------------------------------------------------------------------------
// Address policy at the URL and at the socket

function createAddressGuard(allowPrivate: boolean, hooks: AddressCheckHooks): AddressGuard {
  const isBlockedIp = hooks.addressPolicy ?? (allowPrivate ? isCloudMetadataAddress : isBlockedAddress);
  return {
    isBlockedIp,
    isBlockedHostname(hostname) {
      const literal = hostnameToIpLiteral(hostname);
      if (literal !== null) return isBlockedIp(literal);
      return !allowPrivate && isReservedHostname(hostname);
    },
    resolve: hooks.lookup ?? resolveWithSystem,
  };
}

async function resolveWithSystem(hostname: string): Promise<string[]> {
  // getaddrinfo, as net.connect would use: it honours /etc/hosts and the system's resolver configuration.
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** Parses `raw` (relative to `base` for redirects) and refuses bad schemes and refused literal hosts. */
function parseFetchableUrl(raw: string, guard: AddressGuard, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new FeedFetchError(`Not a valid URL: ${raw}`, "invalid_url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FeedFetchError(`Only http and https URLs can be fetched, not ${url.protocol}`, "invalid_url");
  }
  if (url.hostname === "") throw new FeedFetchError(`URL has no host: ${raw}`, "invalid_url");
  if (guard.isBlockedHostname(url.hostname)) {
    throw blockedAddress(`${url.hostname} is not an address feeds may be fetched from`);
  }
  url.hash = ""; // never sent on the wire; keeps finalUrl and permanentRedirectTo clean
  return url;
}

async function resolveHostname(guard: AddressGuard, hostname: string): Promise<string[]> {
  try {
    return await guard.resolve(stripBrackets(hostname));
  } catch (error) {
    throw new FeedFetchError(`DNS lookup failed for ${hostname}: ${describeError(error)}`, "network");
  }
}

function assertAddressesAllowed(guard: AddressGuard, hostname: string, addresses: string[]): void {
  if (addresses.length === 0) throw new FeedFetchError(`DNS lookup for ${hostname} returned no address`, "network");
  // Refuse when ANY answer is blocked, not only the one we would pick: a record set mixing a public and a
  // private address is a rebinding trick, and the socket layer may fall back to the other family.
  const blocked = addresses.find((address) => guard.isBlockedIp(address));
  if (blocked !== undefined) throw blockedAddress(`${hostname} resolves to ${blocked}, which feeds may not be fetched from`);
}

/** A `lookup` for net/tls.connect that resolves through the guard and refuses blocked answers. */
function createGuardedLookup(guard: AddressGuard): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    resolveHostname(guard, hostname)
      .then((addresses) => {
        assertAddressesAllowed(guard, hostname, addresses);
        const wanted = addresses.filter((address) => !options.family || isIP(address) === options.family);
        if (wanted.length === 0) throw new FeedFetchError(`No IPv${options.family} address for ${hostname}`, "network");
        if (options.all) {
          const all: LookupAddress[] = wanted.map((address) => ({ address, family: isIP(address) }));
          callback(null, all);
        } else {
          callback(null, wanted[0], isIP(wanted[0]));
        }
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ""));
  };
}

/**
 * undici's connector with the policy applied at the last possible moment: literal IPs before connecting (net
 * skips `lookup` for them), names through the guarded lookup, and the socket's actual peer address after
 * connecting, as a final check that nothing above was bypassed.
 */
function createGuardedConnector(guard: AddressGuard): buildConnector.connector {
  const connect = buildConnector({ lookup: createGuardedLookup(guard), timeout: CONNECT_TIMEOUT_MS });
  return (connectOptions, callback) => {
    if (isIP(connectOptions.hostname) && guard.isBlockedIp(connectOptions.hostname)) {
      const error = blockedAddress(`${connectOptions.hostname} is not an address feeds may be fetched from`);
      process.nextTick(() => callback(error, null)); // undici expects the callback after connect() returns
      return;
    }
    connect(connectOptions, (error, socket) => {
      if (error !== null) return callback(error, null);
      const peer = socket?.remoteAddress;
      if (peer === undefined || guard.isBlockedIp(peer)) {
        socket?.destroy();
        return callback(blockedAddress(`Connected to ${peer ?? "an unknown address"}, which is refused`), null);
      }
      callback(null, socket);
    });
  };
}

function blockedAddress(message: string): FeedFetchError {
  return new FeedFetchError(message, "blocked_address");
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

// ---------------------------------------------------------------------------------------------------------
// Time budget and error mapping

type Budget = { signal: AbortSignal; timedOut: () => boolean; timeoutMs: number };

function createBudget(timeoutMs: number, callerSignal: AbortSignal | undefined): Budget {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
  return { signal, timedOut: () => timeout.aborted, timeoutMs };
}

function toFeedFetchError(error: unknown, budget: Budget, callerSignal: AbortSignal | undefined): FeedFetchError {
  const own = findFeedFetchError(error);
  if (own !== null) return own;
  if (callerSignal?.aborted) return new FeedFetchError("The fetch was cancelled", "aborted");
  if (budget.timedOut()) return new FeedFetchError(`The fetch took longer than ${budget.timeoutMs} ms`, "timeout");
  return new FeedFetchError(describeNetworkError(error), "network");
}

function findFeedFetchError(error: unknown): FeedFetchError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof FeedFetchError) return current;
    current = current.cause;
  }
  return null;
}

function describeNetworkError(error: unknown): string {
  const code = errorCode(error);
  const detail = describeError(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NODATA") return `DNS lookup failed: ${detail}`;
  if (code === "ECONNREFUSED") return `Connection refused: ${detail}`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return `Connection closed by the server: ${detail}`;
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return `Connection timed out: ${detail}`;
  if (code !== undefined && isTlsErrorCode(code)) return `TLS error: ${detail}`;
  return `Network error: ${detail}`;
}

function isTlsErrorCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|EPROTO$|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code);
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  // OpenSSL messages run to a source path on a second line; the first line is the useful part.
  const message = error.message.split("\n")[0].trim();
  const withCode = code && !message.includes(code) ? `${code}: ${message}` : message;
  const cause = error.cause instanceof Error ? ` (${describeError(error.cause)})` : "";
  return `${withCode}${cause}`;
}
