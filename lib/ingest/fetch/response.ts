// A final (non-redirect) response → FetchFeedResult: 304, an HTTP error with its Retry-After, or the body
// read under the size cap, with the validators and cache lifetime the poll schedule uses.
import type { Dispatcher } from "undici";
import { FeedFetchError } from "../../domain/errors";
import { discardBody, readBody } from "./body";
import { parseCacheMaxAge, parseRetryAfter } from "./cache-headers";

type ResponseData = Dispatcher.ResponseData;

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


export async function readResponse(
  response: ResponseData,
  finalUrl: string,
  permanentRedirectTo: string | null,
  maxBytes: number,
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
  const body = await readBody(response, headers, maxBytes, signal).catch((error: unknown) => {
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

export function flattenHeaders(headers: ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

export function headerValue(headers: ResponseData["headers"], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
