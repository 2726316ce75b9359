// Which IP addresses and host names the feed fetcher may connect to. This is the SSRF policy: an admin (or
// an OPML import, or a feed's redirect) chooses the URL, so without it the server could be made to read its
// own loopback services, the LAN, or a cloud metadata endpoint and hand back the answer.
//
// The policy is an allow-list in spirit: an IPv4 address must be ordinary unicast, an IPv6 address must be
// ordinary global unicast (2000::/3). Everything else fails closed, including strings that do not parse.
import { isIPv4 } from "node:net";
import ipaddr from "ipaddr.js";

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parse("2000::");
const NAT64_WELL_KNOWN = ipaddr.IPv6.parse("64:ff9b::");
const SIX_TO_FOUR = ipaddr.IPv6.parse("2002::");
const TEREDO = ipaddr.IPv6.parse("2001::");

// Metadata services hand out cloud credentials. Several clouds put theirs somewhere in 169.254/16 (AWS, GCP,
// Azure and OpenStack at .169.254, ECS task metadata at .170.2, AWS time sync at .169.123), so the whole
// block counts; Alibaba uses 100.100.100.200, AWS's IPv6 endpoint is fd00:ec2::254.
const CLOUD_METADATA_V4: ReadonlyArray<[ipaddr.IPv4, number]> = [
  [ipaddr.IPv4.parse("169.254.0.0"), 16],
  [ipaddr.IPv4.parse("100.100.100.200"), 32],
];
const CLOUD_METADATA_V6: ReadonlyArray<[ipaddr.IPv6, number]> = [[ipaddr.IPv6.parse("fd00:ec2::254"), 128]];

// Names that never mean "somewhere on the public internet" (RFC 6761 localhost, mDNS .local, the private-use
// .internal TLD, RFC 8375 home.arpa). DNS would usually catch them too; refusing by name fails faster and does
// not depend on what the local resolver or /etc/hosts says.
const RESERVED_NAMES = new Set(["localhost", "localhost.localdomain"]);
const RESERVED_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa"];

/**
 * Parses an IP address the way the fetcher will use it. Accepts brackets around IPv6 and every IPv4 spelling
 * that the WHATWG URL parser accepts in a host (decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1, short 127.1,
 * a trailing dot), because those are the spellings that reach us through URLs. Returns null for anything else.
 */
export function parseIpAddress(input: string): IpAddress | null {
  const unbracketed = input.startsWith("[") && input.endsWith("]") ? input.slice(1, -1) : input;
  return unbracketed.includes(":") ? parseIPv6(unbracketed) : parseIPv4(unbracketed);
}

/** True when a connection to `ip` must be refused (see the file comment). Unparseable input is refused. */
export function isBlockedAddress(ip: string): boolean {
  if (hasZoneId(ip)) return true; // a scope id only makes sense for link-local and similar local addresses
  const address = parseIpAddress(ip);
  if (address === null) return true;
  return address.kind() === "ipv4" ? isBlockedIPv4(address as ipaddr.IPv4) : isBlockedIPv6(address as ipaddr.IPv6);
}

/**
 * True for cloud metadata endpoints, directly or embedded in IPv6. These stay refused even with
 * FEED_ALLOW_PRIVATE=1: that flag exists for demos and tests on loopback, and nobody serves a feed from a
 * metadata service, while a leaked credential is the worst outcome an SSRF can have.
 */
export function isCloudMetadataAddress(ip: string): boolean {
  if (hasZoneId(ip)) return isCloudMetadataAddress(ip.slice(0, ip.indexOf("%")));
  const address = parseIpAddress(ip);
  if (address === null) return false;
  if (address.kind() === "ipv4") return matchesAny(address, CLOUD_METADATA_V4);
  const v6 = address as ipaddr.IPv6;
  return matchesAny(v6, CLOUD_METADATA_V6) || embeddedIPv4(v6).some((v4) => matchesAny(v4, CLOUD_METADATA_V4));
}

/**
 * The IP literal a URL host stands for, or null when the host is a name. Expects `URL.hostname` (already
 * normalized by the WHATWG parser) but also copes with raw spellings.
 */
export function hostnameToIpLiteral(hostname: string): string | null {
  const address = parseIpAddress(stripTrailingDot(hostname));
  return address === null ? null : address.toString();
}

/** True for host names that only ever point inside the machine or the local network. */
export function isReservedHostname(hostname: string): boolean {
  const name = stripTrailingDot(hostname.toLowerCase());
  if (name === "" || RESERVED_NAMES.has(name)) return true;
  return RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function parseIPv4(input: string): ipaddr.IPv4 | null {
  // Let the WHATWG host parser canonicalize first: it is the parser that produced the host the fetcher
  // connects to, so a spelling means here exactly what it means there (ipaddr.js alone differs on some).
  const canonical = canonicalHost(stripTrailingDot(input));
  if (canonical === null || !isIPv4(canonical)) return null;
  return ipaddr.IPv4.parse(canonical);
}

function parseIPv6(input: string): ipaddr.IPv6 | null {
  const withoutZone = hasZoneId(input) ? input.slice(0, input.indexOf("%")) : input;
  // Canonicalize through the URL parser as well: ipaddr.js reads "::127.0.0.1" (IPv4-compatible) as
  // IPv4-mapped, which is a different address.
  const canonical = canonicalHost(`[${withoutZone}]`);
  if (canonical === null || !ipaddr.IPv6.isValid(canonical.slice(1, -1))) return null;
  return ipaddr.IPv6.parse(canonical.slice(1, -1));
}

function canonicalHost(host: string): string | null {
  if (host === "" || /[\s/?#@\\]/.test(host)) return null;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

function isBlockedIPv4(address: ipaddr.IPv4): boolean {
  // ipaddr.js names every special-purpose block (loopback, private, linkLocal, carrierGradeNat, multicast,
  // unspecified, broadcast, reserved incl. 240/4 and the TEST-NETs, as112, amt); only plain unicast passes.
  return address.range() !== "unicast" || matchesAny(address, CLOUD_METADATA_V4);
}

function isBlockedIPv6(address: ipaddr.IPv6): boolean {
  if (matchesAny(address, CLOUD_METADATA_V6)) return true;
  // Transition addresses carry an IPv4 destination; judge them by it. A NAT64 or 6to4 address of a public IPv4
  // host is legitimate (IPv6-only networks with DNS64 resolve every v4-only site to 64:ff9b::/96).
  const embedded = embeddedIPv4(address);
  if (embedded.length > 0) return embedded.some(isBlockedIPv4);
  if (!address.match(IPV6_GLOBAL_UNICAST, 3)) return true; // ::/96 compatible, fc00::/7, fe80::/10, ff00::/8, ...
  return address.range() !== "unicast"; // documentation, benchmarking, ORCHID and other special blocks in 2000::/3
}

/** The IPv4 addresses an IPv6 address hands traffic to, for the transition mechanisms worth decoding. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = address.parts;
  if (address.isIPv4MappedAddress()) return [address.toIPv4Address()];
  if (address.match(NAT64_WELL_KNOWN, 96)) return [ipv4FromWords(parts[6], parts[7])];
  if (address.match(SIX_TO_FOUR, 16)) return [ipv4FromWords(parts[1], parts[2])];
  if (address.match(TEREDO, 32)) {
    // RFC 4380: the server address is in clear, the client address is stored bit-inverted.
    return [ipv4FromWords(parts[2], parts[3]), ipv4FromWords(~parts[6] & 0xffff, ~parts[7] & 0xffff)];
  }
  return [];
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function matchesAny<T extends IpAddress>(address: T, ranges: ReadonlyArray<[T, number]>): boolean {
  return ranges.some(([network, bits]) => address.match(network, bits));
}

function hasZoneId(ip: string): boolean {
  return ip.includes(":") && ip.includes("%");
}

function stripTrailingDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}
