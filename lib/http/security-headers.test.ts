import http from "node:http";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createSecurityHeaders } from "./security-headers";

const THEME = "(function(){document.documentElement.dataset.theme='dark'})();";

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe("content security policy", () => {
  it("allows scripts only from this origin, by nonce or by hash; no eval, no plugins, no framing, no <base>", () => {
    const policy = directives(contentSecurityPolicy("abc123", { publicUrl: "http://localhost:3000", inlineScripts: [THEME], dev: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'sha256-ynk4T9paAMemq6A14DOsaIQyfNdmXavQu8fua7wDnKo='"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("connect-src")).toEqual(["'self'", "ws://localhost:3000"]);
    expect(policy.get("img-src")).toContain("https:");
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it("on https: secure websockets, upgraded images, no plain-http images", () => {
    const policy = directives(contentSecurityPolicy("n", { publicUrl: "https://news.example.com", inlineScripts: [], dev: false }));
    expect(policy.get("connect-src")).toEqual(["'self'", "wss://news.example.com"]);
    expect(policy.get("img-src")).not.toContain("http:");
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("allows eval only in development (Next's dev overlay)", () => {
    expect(contentSecurityPolicy("n", { publicUrl: "http://localhost:3000", inlineScripts: [], dev: true })).toContain("'unsafe-eval'");
  });
});

describe("security headers", () => {
  function apply(publicUrl: string, requestHeaders: http.IncomingHttpHeaders = {}) {
    const req = { headers: { ...requestHeaders } } as http.IncomingMessage;
    const set = new Map<string, string>();
    const res = { setHeader: (name: string, value: string) => set.set(name, value) } as unknown as http.ServerResponse;
    createSecurityHeaders({ publicUrl, inlineScripts: [THEME], dev: false }).apply(req, res);
    return { req, set };
  }

  it("mints a fresh nonce per render, on the request for Next and on the response, replacing any a client sent", () => {
    const first = apply("http://localhost:3000", { "content-security-policy": "script-src 'nonce-chosen-by-client'", "content-security-policy-report-only": "script-src 'nonce-x'" });
    const second = apply("http://localhost:3000");
    const nonce = /'nonce-([^']+)'/.exec(first.set.get("content-security-policy")!)![1];
    expect(nonce).not.toBe("chosen-by-client");
    expect(nonce.length).toBeGreaterThanOrEqual(24);
    expect(first.req.headers["content-security-policy"]).toBe(first.set.get("content-security-policy"));
    expect(first.req.headers["content-security-policy-report-only"]).toBeUndefined();
    expect(second.set.get("content-security-policy")).not.toContain(nonce);
    expect(first.set.get("x-content-type-options")).toBe("nosniff");
    expect(first.set.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.set.has("strict-transport-security")).toBe(false);
  });

  it("sends Strict-Transport-Security when PUBLIC_URL is https", () => {
    expect(apply("https://news.example.com").set.get("strict-transport-security")).toMatch(/^max-age=\d{8,}/);
  });
});
