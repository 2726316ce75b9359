// The redirect rule: follow 301/302/303/307/308 up to a limit, each hop's URL judged by the address guard
// before it is requested (and its connection by the guarded agent). The feed's address is updated only when
// every hop was permanent (301/308): one temporary hop means the publisher may point elsewhere tomorrow.
import type { Dispatcher } from "undici";
import { FeedFetchError } from "../../domain/errors";
import { parseFetchableUrl, type AddressGuard } from "./address-guard";
import { discardBody } from "./body";
import { sendRequest, type RequestHeaders } from "./request";
import { headerValue, readResponse, type FetchFeedResult } from "./response";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECT_STATUSES = new Set([301, 308]);

export type RedirectOptions = RequestHeaders & { maxRedirects: number; maxBytes: number };

type FetchContext = { options: RedirectOptions; guard: AddressGuard; agent: Dispatcher; signal: AbortSignal };

export async function followRedirects(start: URL, context: FetchContext): Promise<FetchFeedResult> {
  const { options, guard, agent, signal } = context;
  const maxRedirects = options.maxRedirects;
  let current = start;
  let redirects = 0;
  let everyHopPermanent = true;
  for (;;) {
    const response = await sendRequest(current, options, agent, signal);
    if (!REDIRECT_STATUSES.has(response.statusCode)) {
      const permanentRedirectTo = redirects > 0 && everyHopPermanent ? current.href : null;
      return readResponse(response, current.href, permanentRedirectTo, options.maxBytes, signal);
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
