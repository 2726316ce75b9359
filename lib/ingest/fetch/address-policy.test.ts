import { describe, expect, it } from "vitest";
import {
  hostnameToIpLiteral,
  isBlockedAddress,
  isCloudMetadataAddress,
  isReservedHostname,
  parseIpAddress,
} from "./address-policy";

// [input, why] pairs. Every spelling reaches isBlockedAddress either from DNS (canonical) or from a URL host,
// so the odd spellings the WHATWG URL parser accepts are in here too.
const blocked: Array<[string, string]> = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback /8"],
  ["2130706433", "loopback as one decimal number"],
  ["0177.0.0.1", "loopback in octal"],
  ["0x7f.0.0.1", "loopback in hex"],
  ["0x7f000001", "loopback as one hex number"],
  ["127.1", "loopback short form"],
  ["127.0.0.1.", "loopback with a trailing dot"],
  ["0.0.0.0", "unspecified"],
  ["0", "unspecified as one number"],
  ["10.0.0.1", "private 10/8"],
  ["012.0.0.1", "private 10/8 in octal"],
  ["172.16.0.1", "private 172.16/12"],
  ["172.31.255.255", "private 172.16/12, top"],
  ["192.168.1.1", "private 192.168/16"],
  ["169.254.169.254", "cloud metadata (AWS, GCP, Azure)"],
  ["169.254.170.2", "ECS task metadata, link-local"],
  ["169.254.1.1", "link-local"],
  ["100.64.0.1", "CGNAT 100.64/10"],
  ["100.100.100.200", "Alibaba metadata"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast SSDP"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved 240/4"],
  ["192.0.2.10", "TEST-NET-1"],
  ["198.18.0.1", "benchmarking 198.18/15"],
  ["192.0.0.8", "IETF protocol assignments"],
  ["::1", "IPv6 loopback"],
  ["[::1]", "bracketed IPv6 loopback"],
  ["::", "IPv6 unspecified"],
  ["0:0:0:0:0:0:0:1", "IPv6 loopback, long form"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ["::ffff:7f00:1", "IPv4-mapped loopback in hex"],
  ["[::ffff:169.254.169.254]", "IPv4-mapped metadata, bracketed"],
  ["::ffff:10.0.0.1", "IPv4-mapped private"],
  ["::127.0.0.1", "IPv4-compatible loopback"],
  ["::8.8.8.8", "IPv4-compatible (deprecated) even when public"],
  ["::ffff:0:7f00:1", "IPv4-translated (RFC 6145)"],
  ["fc00::1", "unique local fc00::/7"],
  ["fd12:3456:789a::1", "unique local fd00::/8"],
  ["fd00:ec2::254", "AWS IPv6 metadata"],
  ["fe80::1", "link-local fe80::/10"],
  ["fe80::1%eth0", "link-local with a zone id"],
  ["febf::1", "link-local fe80::/10, top"],
  ["fec0::1", "deprecated site-local"],
  ["ff02::1", "IPv6 multicast"],
  ["64:ff9b::7f00:1", "NAT64 of loopback"],
  ["64:ff9b::a9fe:a9fe", "NAT64 of metadata"],
  ["64:ff9b:1::a00:1", "NAT64 local-use prefix"],
  ["2002:7f00:1::1", "6to4 of loopback"],
  ["2002:c0a8:101::1", "6to4 of 192.168.1.1"],
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo whose client is 127.0.0.1"],
  ["2001:0:a00:1::1", "Teredo whose server is 10.0.0.1"],
  ["2001:db8::1", "IPv6 documentation"],
  ["2001:2::1", "IPv6 benchmarking"],
  ["100::1", "discard-only 100::/64"],
  ["3fff::1", "IPv6 documentation (RFC 9637)"],
  ["", "empty string"],
  ["localhost", "a name, not an address"],
  ["1.2.3.4.5", "not an address"],
  ["08.0.0.1", "invalid octal"],
  [" 8.8.8.8", "whitespace around an address"],
  ["256.0.0.1", "out of range"],
];

const allowed: Array<[string, string]> = [
  ["8.8.8.8", "Google DNS"],
  ["1.1.1.1", "Cloudflare DNS"],
  ["93.184.216.34", "example.com (historic)"],
  ["151.101.1.69", "a CDN address"],
  ["172.15.255.255", "just below 172.16/12"],
  ["172.32.0.1", "just above 172.16/12"],
  ["100.63.255.255", "just below CGNAT"],
  ["100.128.0.1", "just above CGNAT"],
  ["169.253.255.255", "just below link-local"],
  ["11.0.0.1", "just above 10/8"],
  ["010.0.0.1", "octal 8.0.0.1, as the URL parser reads it"],
  ["134744072", "8.8.8.8 as one decimal number"],
  ["2606:4700::1111", "Cloudflare DNS over IPv6"],
  ["2001:4860:4860::8888", "Google DNS over IPv6"],
  ["[2a00:1450:4001:81c::200e]", "bracketed global IPv6"],
  ["::ffff:8.8.8.8", "IPv4-mapped public"],
  ["64:ff9b::808:808", "NAT64 of a public address"],
  ["2002:808:808::1", "6to4 of a public address"],
  ["2001:0:808:808::fefe:fefe", "Teredo with public server 8.8.8.8 and client 1.1.1.1"],
];

describe("isBlockedAddress", () => {
  it.each(blocked)("refuses %s (%s)", (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(allowed)("allows %s (%s)", (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });

  it("covers at least 40 spellings", () => {
    expect(blocked.length + allowed.length).toBeGreaterThanOrEqual(40);
  });
});

describe("isCloudMetadataAddress", () => {
  it.each([
    "169.254.169.254",
    "169.254.170.2",
    "100.100.100.200",
    "fd00:ec2::254",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "0xa9fea9fe",
  ])("flags %s", (ip) => {
    expect(isCloudMetadataAddress(ip)).toBe(true);
  });

  it.each(["127.0.0.1", "10.0.0.1", "::1", "8.8.8.8", "fd00::1", "not-an-ip"])("does not flag %s", (ip) => {
    expect(isCloudMetadataAddress(ip)).toBe(false);
  });
});

describe("parseIpAddress", () => {
  it("canonicalizes the spellings a URL host may use", () => {
    expect(parseIpAddress("0x7f.1")?.toString()).toBe("127.0.0.1");
    expect(parseIpAddress("[::FFFF:127.0.0.1]")?.toString()).toBe("::ffff:7f00:1");
    expect(parseIpAddress("::127.0.0.1")?.toString()).toBe("::7f00:1");
  });

  it("returns null for names", () => {
    expect(parseIpAddress("example.com")).toBeNull();
    expect(parseIpAddress("127.0.0.1.nip.io")).toBeNull();
  });
});

describe("hostnameToIpLiteral", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["2130706433", "127.0.0.1"],
    ["example.com", null],
    ["localhost.", null],
  ])("%s -> %s", (host, literal) => {
    expect(hostnameToIpLiteral(host)).toBe(literal);
  });
});

describe("isReservedHostname", () => {
  it.each(["localhost", "localhost.", "LOCALHOST", "api.localhost", "printer.local", "metadata.google.internal", "nas.home.arpa", ""])(
    "refuses %j",
    (host) => {
      expect(isReservedHostname(host)).toBe(true);
    },
  );

  it.each(["example.com", "localhost.example.com", "news.ycombinator.com", "internal.example.org"])("allows %s", (host) => {
    expect(isReservedHostname(host)).toBe(false);
  });
});
