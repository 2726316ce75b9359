// Who is on the other end of a request. Behind a reverse proxy the socket's address is the proxy's, and the
// client's is in X-Forwarded-For, which anyone can also write. So the header is believed only hop by hop,
// from the right (the hop nearest to us), and only while the address that handed it to us is a proxy the
// operator listed in TRUST_PROXY. Pure functions: server.ts resolves the address once per request and the
// live transports (connection caps) and the admin rate limit use the same answer.
import net from "node:net";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One TRUST_PROXY entry: an address (a /32 or /128) or a CIDR range. */
export type TrustedProxy = { range: [Address, number]; text: string };

/** Strict: IPv4 only as four decimal parts (ipaddr.js alone also takes "127.1" or "0x7f.0.0.1"), or IPv6. */
function parseAddress(text: string): Address | null {
  const trimmed = text.trim();
  // node:net validates natively (ipaddr.js's IPv6 check costs ~50 µs, on every request).
  const family = net.isIP(trimmed);
  if (family === 4) return ipaddr.IPv4.parse(trimmed);
  if (family !== 6) return null;
  const v6 = ipaddr.IPv6.parse(trimmed);
  // "::ffff:10.0.0.1" is how a dual-stack socket reports an IPv4 peer: compare it as the IPv4 address it is.
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** The address as text, normalised like parseAddress, without building objects: the common case costs nothing. */
function normalizeAddress(text: string): string | null {
  const trimmed = text.trim();
  const family = net.isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  if (mapped && net.isIPv4(mapped[1])) return mapped[1];
  return parseAddress(trimmed)?.toString() ?? null;
}

/** Bits of an IPv6 address that make one client for the limits below: a /64 is one subscriber's network. */
const IPV6_CLIENT_PREFIX_PARTS = 4;

/**
 * What the per-client limits (live connections per address, failed admin attempts) count by: an IPv4 address
 * as it is, an IPv6 address by its /64 ("2001:db8:1:2::/64"). One subscriber is given a whole /64 and can
 * pick any of its 2^64 addresses for each request, so counting exact IPv6 addresses would bound nothing.
 * Takes resolveClientAddress's answer; anything that is not an address is returned as it is.
 */
export function clientLimitKey(address: string): string {
  if (net.isIP(address) !== 6) return address;
  const parts = ipaddr.IPv6.parse(address).parts.slice(0, IPV6_CLIENT_PREFIX_PARTS);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Parses TRUST_PROXY: comma-separated addresses or CIDRs ("10.0.0.0/8, 127.0.0.1, ::1"). Throws an Error
 * naming the first entry that is neither (the env parser turns it into a line naming the variable).
 */
export function parseTrustedProxies(list: string): TrustedProxy[] {
  const proxies: TrustedProxy[] = [];
  for (const raw of list.split(",")) {
    const text = raw.trim();
    if (text === "") continue;
    const slash = text.indexOf("/");
    const address = parseAddress(slash === -1 ? text : text.slice(0, slash));
    const bitsText = slash === -1 ? null : text.slice(slash + 1);
    if (address === null || (bitsText !== null && !/^\d{1,3}$/.test(bitsText))) {
      throw new Error(`"${text.slice(0, 60)}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`);
    }
    const maxBits = address.kind() === "ipv4" ? 32 : 128;
    const bits = bitsText === null ? maxBits : Number(bitsText);
    if (bits > maxBits) throw new Error(`"${text.slice(0, 60)}" has a prefix longer than ${maxBits} bits`);
    proxies.push({ range: [address, bits], text });
  }
  return proxies;
}

/** Whether each address seen is a trusted proxy, remembered (proxies' and clients' addresses repeat). */
const trustMemo = new WeakMap<readonly TrustedProxy[], Map<string, boolean>>();

function isTrusted(address: string, proxies: readonly TrustedProxy[]): boolean {
  let memo = trustMemo.get(proxies);
  if (!memo) trustMemo.set(proxies, (memo = new Map()));
  const known = memo.get(address);
  if (known !== undefined) return known;
  const parsed = parseAddress(address);
  const trusted = parsed !== null && proxies.some(({ range }) => range[0].kind() === parsed.kind() && parsed.match(range));
  if (memo.size >= 10_000) memo.clear();
  memo.set(address, trusted);
  return trusted;
}

/** "203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:443" or "2001:db8::1" → the address alone, normalised. */
function hopAddress(hop: string): string | null {
  let text = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  return normalizeAddress(text);
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy, in which case the nearest
 * X-Forwarded-For entry, and so on leftwards while each hop is trusted. An entry that is not an address ends
 * the walk at the last hop that could be believed (the proxy that wrote it). Without trusted proxies the
 * header is ignored entirely. Always a normalised address string ("::ffff:1.2.3.4" becomes "1.2.3.4").
 */
export function resolveClientAddress(
  remoteAddress: string | undefined,
  forwardedForHeader: string | string[] | undefined,
  trustedProxies: readonly TrustedProxy[],
): string {
  const peer = remoteAddress === undefined ? null : normalizeAddress(remoteAddress);
  if (peer === null) return remoteAddress ?? "unknown";
  let client = peer;
  if (trustedProxies.length === 0 || forwardedForHeader === undefined) return client;
  // Several X-Forwarded-For headers are one list, in order (RFC 9110 §5.3).
  const hops = (Array.isArray(forwardedForHeader) ? forwardedForHeader.join(",") : forwardedForHeader).split(",");
  // Bounded: a stranger can send thousands of entries; no real chain of proxies is longer than this.
  for (let i = hops.length - 1, walked = 0; i >= 0 && walked < 20 && isTrusted(client, trustedProxies); i -= 1, walked += 1) {
    const hop = hopAddress(hops[i]);
    if (hop === null) break;
    client = hop;
  }
  return client;
}
