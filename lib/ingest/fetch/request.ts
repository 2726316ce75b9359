// The GET a feed check sends: who we are, what we accept, conditional-GET validators, and the encodings we
// decode ourselves (so the size cap sees decoded bytes).
import { request, type Dispatcher } from "undici";

export const DEFAULT_USER_AGENT = "NewswireBot/0.1 (+https://github.com/newswire; feed reader)";
export const DEFAULT_ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
  "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1";

export type RequestHeaders = { etag?: string | null; lastModified?: string | null; userAgent?: string; accept?: string };

export function sendRequest(target: URL, options: RequestHeaders, agent: Dispatcher, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
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
