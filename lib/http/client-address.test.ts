import { describe, expect, it } from "vitest";
import { clientLimitKey, parseTrustedProxies, resolveClientAddress } from "./client-address";

describe("parseTrustedProxies", () => {
  it("reads addresses and CIDR ranges of both families", () => {
    expect(parseTrustedProxies(" 10.0.0.0/8, 127.0.0.1 ,::1, fd00::/8,").map((proxy) => proxy.text)).toEqual(["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"]);
    expect(parseTrustedProxies("")).toEqual([]);
  });

  it.each(["localhost", "10.0.0.0/33", "::1/129", "127.1", "10.0.0.0/x", "1.2.3.4/8/1", "0x7f.0.0.1"])("refuses %s", (entry) => {
    expect(() => parseTrustedProxies(`127.0.0.1,${entry}`)).toThrow(/is not an IP address|prefix longer/);
  });
});

describe("resolveClientAddress", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 127.0.0.1");

  it("ignores X-Forwarded-For entirely when no proxy is trusted", () => {
    expect(resolveClientAddress("203.0.113.9", "198.51.100.1", [])).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveClientAddress("203.0.113.9", "198.51.100.1", proxies)).toBe("203.0.113.9");
  });

  it("takes the nearest untrusted hop, walking from the right while hops are trusted", () => {
    // The client forged the first entry; the proxy chain appended the real one.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.7", proxies)).toBe("198.51.100.1");
    expect(resolveClientAddress("127.0.0.1", "198.51.100.1", proxies)).toBe("198.51.100.1");
  });

  it("joins several X-Forwarded-For headers in order", () => {
    expect(resolveClientAddress("10.0.0.2", ["6.6.6.6", "198.51.100.1"], proxies)).toBe("198.51.100.1");
  });

  it("answers the leftmost hop when every hop is trusted", () => {
    expect(resolveClientAddress("10.0.0.2", "10.1.1.1, 10.0.0.3", proxies)).toBe("10.1.1.1");
  });

  it("stops at an entry that is not an address, believing the proxy that wrote it", () => {
    expect(resolveClientAddress("10.0.0.2", "198.51.100.1, not-an-ip", proxies)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "", proxies)).toBe("10.0.0.2");
  });

  it("normalises IPv4-mapped IPv6 peers and hops with ports", () => {
    expect(resolveClientAddress("::ffff:127.0.0.1", "198.51.100.1:5123", proxies)).toBe("198.51.100.1");
    expect(resolveClientAddress("::ffff:203.0.113.9", undefined, proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("::1", "[2001:db8::1]:443", parseTrustedProxies("::1"))).toBe("2001:db8::1");
  });

  it("bounds the walk through a very long header", () => {
    const long = Array.from({ length: 5000 }, () => "10.0.0.9").join(",");
    expect(resolveClientAddress("10.0.0.2", `198.51.100.1,${long}`, proxies)).toBe("10.0.0.9");
  });
});

describe("clientLimitKey", () => {
  it("keeps an IPv4 address and counts an IPv6 address by its /64", () => {
    expect(clientLimitKey("198.51.100.7")).toBe("198.51.100.7");
    expect(clientLimitKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("2001:db8:1:2::1")).toBe(clientLimitKey("2001:db8:1:2:ffff:ffff:ffff:fffe"));
    expect(clientLimitKey("2001:db8:1:3::1")).not.toBe(clientLimitKey("2001:db8:1:2::1"));
    expect(clientLimitKey("::1")).toBe("::/64");
    expect(clientLimitKey("unknown")).toBe("unknown");
  });
});
