// The fetch stage of ingestion: one feed URL in, its bytes out, safely. Safe means: only http(s); every
// connection (each redirect hop, each DNS answer) is checked against the address policy at connect time, so
// DNS rebinding between a check and the connect cannot slip through; a hard time budget; a size cap applied
// after decompression; conditional GET. rss-parser's own fetcher does none of this.
//
// Where things are: request.ts builds the GET, redirects.ts follows redirects, response.ts and body.ts read
// the answer (size cap, decompression), cache-headers.ts reads its caching headers, address-guard.ts and
// guarded-agent.ts apply the policy of address-policy.ts, post-form.ts is WebSub's subscription POST,
// errors.ts maps failures to FeedFetchError.
import { FeedFetchError } from "../../domain/errors";
import { createAddressGuard, parseFetchableUrl, assertAddressesAllowed, resolveHostname, SYSTEM_NETWORK, type FetchPolicy, type NetworkView } from "./address-guard";
import { hostnameToIpLiteral } from "./address-policy";
import { createBudget, toFeedFetchError } from "./errors";
import { AgentPools } from "./guarded-agent";
import { postFormWith, type PostFormOptions, type PostFormResult } from "./post-form";
import { followRedirects } from "./redirects";
import type { FetchFeedResult } from "./response";

export type { FetchPolicy, NetworkView } from "./address-guard";
export type { FetchFeedResult } from "./response";
export type { PostFormOptions, PostFormResult } from "./post-form";
export { DEFAULT_USER_AGENT } from "./request";
export { parseCacheMaxAge, parseRetryAfter } from "./cache-headers";

export type FetchFeedOptions = FetchPolicy & {
  etag?: string | null;
  lastModified?: string | null;
  /** Hard budget for the whole fetch, redirects and body included. Default 15000. */
  timeoutMs?: number;
  /** Cap on the body AFTER decompression (and on the bytes on the wire). Default 10 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  signal?: AbortSignal;
  accept?: string;
};

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const DNS_CHECK_TIMEOUT_MS = 5_000;

export type FeedHttp = {
  /** Fetches a feed URL under the address policy, limits and conditional-GET rules described above. */
  fetchFeed(url: string, options: FetchFeedOptions): Promise<FetchFeedResult>;
  /**
   * For POST /api/sources: refuses a URL that may not be fetched, before anything is stored. Throws
   * FeedFetchError "invalid_url" (not http(s), unparseable) or "blocked_address" (literal or resolved address
   * refused by the policy); "network" when the host name does not resolve at all. fetchFeed checks again at
   * connect time, so passing here grants nothing by itself. Trusted origins do not apply here: they are
   * the server's own feeds, never something an admin adds.
   */
  assertFetchableUrl(url: string, allowPrivate: boolean): Promise<void>;
  postForm(url: string, form: URLSearchParams, options: PostFormOptions): Promise<PostFormResult>;
  /** Closes the pooled keep-alive connections (shutdown). Later fetches open new ones. */
  close(): Promise<void>;
};

/**
 * A fetch stage seeing the network through `network`. The application uses the one below (the real policy
 * and resolver); tests make their own to let a loopback server stand for a public host or to script DNS.
 */
export function createFeedHttp(network: NetworkView = SYSTEM_NETWORK): FeedHttp {
  const pools = new AgentPools((policy) => createAddressGuard(policy, network));
  return {
    async fetchFeed(url, options) {
      const { guard, agent } = pools.get(options);
      const budget = createBudget(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
      const redirectOptions = {
        ...options,
        maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      };
      try {
        return await followRedirects(parseFetchableUrl(url, guard), { options: redirectOptions, guard, agent, signal: budget.signal });
      } catch (error) {
        throw toFeedFetchError(error, budget, options.signal);
      } finally {
        budget.end();
      }
    },
    async assertFetchableUrl(url, allowPrivate) {
      const guard = createAddressGuard({ allowPrivate }, network);
      const target = parseFetchableUrl(url, guard);
      if (hostnameToIpLiteral(target.hostname) !== null) return; // already judged by parseFetchableUrl
      const addresses = await withDeadline(resolveHostname(guard, target.hostname), DNS_CHECK_TIMEOUT_MS, target.hostname);
      assertAddressesAllowed(guard, target.hostname, addresses);
    },
    postForm(url, form, options) {
      return postFormWith(createAddressGuard(options, network), url, form, options);
    },
    close: () => pools.close(),
  };
}

// getaddrinfo cannot be cancelled and may retry for tens of seconds; an admin request should not wait that long.
function withDeadline<T>(work: Promise<T>, ms: number, hostname: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new FeedFetchError(`DNS lookup for ${hostname} took longer than ${ms} ms`, "timeout")), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const application = createFeedHttp();

export const fetchFeed = application.fetchFeed;
export const assertFetchableUrl = application.assertFetchableUrl;
export const postForm = application.postForm;
export const closeFeedConnections = application.close;
