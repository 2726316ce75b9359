// The address policy (address-policy.ts) applied to what a request is about to reach: the URL before any
// request, every DNS answer, and the socket's peer (guarded-agent.ts). One guard per policy.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { FeedFetchError } from "../../domain/errors";
import { describeError } from "./errors";
import { hostnameToIpLiteral, isBlockedAddress, isCloudMetadataAddress, isReservedHostname } from "./address-policy";

/** Which addresses a fetch may reach. */
export type FetchPolicy = {
  /** FEED_ALLOW_PRIVATE=1: loopback and private networks become reachable (cloud metadata never does). */
  allowPrivate: boolean;
  /**
   * Origins reachable although the policy would refuse their address: the server's own feeds (the demo
   * newsroom, served by this process on loopback). Only exact origins whose host is an IP literal, so no
   * DNS answer can change what they reach; a redirect away from one is judged by the policy as usual. Read
   * at each fetch, so an origin added later counts from then on.
   */
  trustedOrigins?: ReadonlySet<string>;
};

/**
 * How the network is seen: which addresses are refused and how names resolve. Production uses the policy of
 * address-policy.ts and getaddrinfo; tests hand in their own through createFeedHttp (index.ts), so that a
 * loopback test server can play a public host.
 */
export type NetworkView = {
  isRefusedAddress: (ip: string, allowPrivate: boolean) => boolean;
  resolve: (hostname: string) => Promise<string[]>;
};

export const SYSTEM_NETWORK: NetworkView = {
  isRefusedAddress: (ip, allowPrivate) => (allowPrivate ? isCloudMetadataAddress(ip) : isBlockedAddress(ip)),
  resolve: resolveWithSystem,
};

export type AddressGuard = {
  isBlockedIp: (ip: string) => boolean;
  isBlockedHostname: (hostname: string) => boolean;
  /** True for a connection to one of the policy's trusted origins (protocol, IP literal host, port). */
  isTrustedEndpoint: (protocol: string, hostname: string, port: string | number) => boolean;
  resolve: (hostname: string) => Promise<string[]>;
};

export function createAddressGuard(policy: FetchPolicy, network: NetworkView = SYSTEM_NETWORK): AddressGuard {
  const { allowPrivate } = policy;
  const isBlockedIp = (ip: string) => network.isRefusedAddress(ip, allowPrivate);
  return {
    isBlockedIp,
    isBlockedHostname(hostname) {
      const literal = hostnameToIpLiteral(hostname);
      if (literal !== null) return isBlockedIp(literal);
      return !allowPrivate && isReservedHostname(hostname);
    },
    isTrustedEndpoint(protocol, hostname, port) {
      if (!policy.trustedOrigins || policy.trustedOrigins.size === 0) return false;
      const origin = ipLiteralOrigin(protocol, hostname, port);
      return origin !== null && policy.trustedOrigins.has(origin);
    },
    resolve: network.resolve,
  };
}

/** `http://127.0.0.1:3000` for an IP-literal endpoint, in the form URL.origin gives; null for a host name. */
export function ipLiteralOrigin(protocol: string, hostname: string, port: string | number): string | null {
  const bare = stripBrackets(hostname);
  const family = isIP(bare);
  if (family === 0) return null;
  const host = family === 6 ? `[${bare}]` : bare;
  const scheme = protocol.endsWith(":") ? protocol : `${protocol}:`;
  try {
    const url = new URL(`${scheme}//${host}${port === "" ? "" : `:${port}`}`);
    return url.origin;
  } catch {
    return null;
  }
}

async function resolveWithSystem(hostname: string): Promise<string[]> {
  // getaddrinfo, as net.connect would use: it honours /etc/hosts and the system's resolver configuration.
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** Parses `raw` (relative to `base` for redirects) and refuses bad schemes and refused literal hosts. */
export function parseFetchableUrl(raw: string, guard: AddressGuard, base?: URL): URL {
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
  if (guard.isBlockedHostname(url.hostname) && !guard.isTrustedEndpoint(url.protocol, url.hostname, url.port)) {
    throw blockedAddress(`${url.hostname} is not an address feeds may be fetched from`);
  }
  url.hash = ""; // never sent on the wire; keeps finalUrl and permanentRedirectTo clean
  return url;
}

export async function resolveHostname(guard: AddressGuard, hostname: string): Promise<string[]> {
  try {
    return await guard.resolve(stripBrackets(hostname));
  } catch (error) {
    throw new FeedFetchError(`DNS lookup failed for ${hostname}: ${describeError(error)}`, "network");
  }
}

export function assertAddressesAllowed(guard: AddressGuard, hostname: string, addresses: string[]): void {
  if (addresses.length === 0) throw new FeedFetchError(`DNS lookup for ${hostname} returned no address`, "network");
  // Refuse when ANY answer is blocked, not only the one we would pick: a record set mixing a public and a
  // private address is a rebinding trick, and the socket layer may fall back to the other family.
  const blocked = addresses.find((address) => guard.isBlockedIp(address));
  if (blocked !== undefined) throw blockedAddress(`${hostname} resolves to ${blocked}, which feeds may not be fetched from`);
}

export function blockedAddress(message: string): FeedFetchError {
  return new FeedFetchError(message, "blocked_address");
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
