// WebSub's subscription request: a form POST to a hub, under the same address policy as feed fetches.
import { request } from "undici";
import { parseFetchableUrl, type AddressGuard } from "./address-guard";
import { readCappedText } from "./body";
import { createBudget, toFeedFetchError } from "./errors";
import { createGuardedAgent } from "./guarded-agent";
import { DEFAULT_USER_AGENT } from "./request";
import { flattenHeaders } from "./response";

export type PostFormOptions = {
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
export async function postFormWith(guard: AddressGuard, url: string, form: URLSearchParams, options: PostFormOptions): Promise<PostFormResult> {
  const budget = createBudget(options.timeoutMs ?? 15_000, options.signal);
  // Its own agent: subscriptions are rare, and a hub is not a feed host whose connection is worth keeping.
  const agent = createGuardedAgent(guard);
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
    budget.end();
    agent.destroy().catch(() => undefined);
  }
}
