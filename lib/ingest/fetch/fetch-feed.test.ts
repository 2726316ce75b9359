import { describe, expect, it } from "vitest";
import { DEFAULT_USER_AGENT } from ".";
import { fetchFeed, FEED, startServer, fetchError, sendFeed } from "./test-kit";

describe("fetchFeed: success and conditional GET", () => {
  it("returns the body, validators, lower-cased headers and cache lifetime of a 200", async () => {
    const server = await startServer((_req, res) =>
      sendFeed(res, {
        ETag: '"v1"',
        "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
        "Cache-Control": "public, s-maxage=9999, max-age=600",
        "X-Custom": "yes",
      }),
    );
    const result = await fetchFeed(`${server.origin}/feed.xml#frag`, { allowPrivate: true });
    expect(result.status).toBe("ok");
    if (result.status !== "ok") return;
    expect(result.body.toString("utf8")).toBe(FEED);
    expect(result.contentType).toBe("application/rss+xml; charset=utf-8");
    expect(result.etag).toBe('"v1"');
    expect(result.lastModified).toBe("Wed, 01 Jan 2025 00:00:00 GMT");
    expect(result.cacheMaxAgeSeconds).toBe(600);
    expect(result.finalUrl).toBe(`${server.origin}/feed.xml`);
    expect(result.permanentRedirectTo).toBeNull();
    expect(result.headers["x-custom"]).toBe("yes");
    expect(Object.keys(result.headers).every((name) => name === name.toLowerCase())).toBe(true);

    const sent = server.requests[0].headers;
    expect(sent["user-agent"]).toBe(DEFAULT_USER_AGENT);
    expect(sent["accept"]).toContain("application/rss+xml");
    expect(sent["accept"]).toContain("application/feed+json");
    expect(sent["accept-encoding"]).toBe("gzip, deflate, br");
    expect(sent["if-none-match"]).toBeUndefined();
  });

  it("sends If-None-Match and If-Modified-Since and reports a 304 as not-modified", async () => {
    const server = await startServer((req, res) => {
      const fresh = req.headers["if-none-match"] === '"v1"' && req.headers["if-modified-since"] === "Wed, 01 Jan 2025 00:00:00 GMT";
      if (fresh) res.writeHead(304, { "cache-control": "max-age=60" }).end();
      else sendFeed(res);
    });
    const result = await fetchFeed(`${server.origin}/feed.xml`, {
      allowPrivate: true,
      etag: '"v1"',
      lastModified: "Wed, 01 Jan 2025 00:00:00 GMT",
    });
    expect(result).toEqual({
      status: "not-modified",
      finalUrl: `${server.origin}/feed.xml`,
      permanentRedirectTo: null,
      cacheMaxAgeSeconds: 60,
    });
  });

  it("passes a custom user agent and Accept header", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    await fetchFeed(server.origin, { allowPrivate: true, userAgent: "Custom/1.0", accept: "application/json" });
    expect(server.requests[0].headers["user-agent"]).toBe("Custom/1.0");
    expect(server.requests[0].headers["accept"]).toBe("application/json");
  });
});

describe("fetchFeed: shared keep-alive connections", () => {
  it("checks many feeds of one host over a connection or two, not one each", async () => {
    const server = await startServer((req, res) => (req.headers["if-none-match"] ? (res.writeHead(304), res.end()) : sendFeed(res, { ETag: '"v1"' })));
    for (let i = 0; i < 4; i++) {
      expect((await fetchFeed(`${server.origin}/${i}.xml`, { allowPrivate: true })).status).toBe("ok");
      expect((await fetchFeed(`${server.origin}/${i}.xml`, { allowPrivate: true, etag: '"v1"' })).status).toBe("not-modified");
    }
    expect(server.requests).toHaveLength(8);
    // undici may open a second socket while the first is being released; never one per fetch.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it("never lends a connection opened under FEED_ALLOW_PRIVATE=1 to a fetch without it", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    expect((await fetchFeed(`${server.origin}/feed.xml`, { allowPrivate: true })).status).toBe("ok");
    expect((await fetchError(`${server.origin}/feed.xml`, { allowPrivate: false })).code).toBe("blocked_address");
    expect(server.requests).toHaveLength(1);
  });

  it("closes a connection whose body was refused instead of keeping it in the pool", async () => {
    let bigSocketClosed: Promise<void> | undefined;
    const server = await startServer((req, res) => {
      if (req.url !== "/big") return sendFeed(res);
      bigSocketClosed = new Promise((resolve) => req.socket.once("close", () => resolve()));
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("x".repeat(64 * 1024)); // no Content-Length: refused while reading, and never ended
    });
    expect((await fetchError(`${server.origin}/big`, { allowPrivate: true, maxBytes: 1024 })).code).toBe("too_large");
    await bigSocketClosed; // never resolves (the test times out) if the half-read connection stays open
    expect((await fetchFeed(`${server.origin}/feed.xml`, { allowPrivate: true })).status).toBe("ok");
  });
});

describe("fetchFeed: URL validation", () => {
  it.each(["ftp://example.com/feed.xml", "file:///etc/passwd", "javascript:alert(1)", "data:text/xml,<rss/>", "gopher://x/", "not a url", ""])(
    "refuses %j as invalid_url",
    async (url) => {
      expect(await fetchError(url, { allowPrivate: true })).toMatchObject({ code: "invalid_url" });
    },
  );
});

describe("fetchFeed: time budget", () => {
  it("times out on a body that never ends", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss><channel>");
    });
    const error = await fetchError(server.origin, { allowPrivate: true, timeoutMs: 300 });
    expect(error.code).toBe("timeout");
  });

  it("times out on a server that never answers", async () => {
    const server = await startServer(() => undefined);
    const error = await fetchError(server.origin, { allowPrivate: true, timeoutMs: 300 });
    expect(error.code).toBe("timeout");
  });

  it("counts redirects against the same budget", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      setTimeout(() => res.writeHead(302, { location: "/slow" }).end(), 150);
    });
    const error = await fetchError(server.origin, { allowPrivate: true, timeoutMs: 400 });
    expect(error.code).toBe("timeout");
  });

  it("reports a cancellation by the caller as aborted", async () => {
    const server = await startServer(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await fetchError(server.origin, { allowPrivate: true, signal: controller.signal });
    expect(error.code).toBe("aborted");
  });
});

describe("fetchFeed: HTTP and network errors", () => {
  it("turns 429 with Retry-After seconds into http_status with retryAfterSeconds", async () => {
    const server = await startServer((_req, res) => res.writeHead(429, { "retry-after": "120" }).end("slow down"));
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({
      code: "http_status",
      status: 429,
      retryAfterSeconds: 120,
    });
  });

  it("reads a Retry-After HTTP-date on 503", async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const server = await startServer((_req, res) => res.writeHead(503, { "retry-after": inTwoMinutes }).end());
    const error = await fetchError(server.origin, { allowPrivate: true });
    expect(error).toMatchObject({ code: "http_status", status: 503 });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(115);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(121);
  });

  it("reports other statuses without retryAfterSeconds", async () => {
    const server = await startServer((_req, res) => res.writeHead(404, { "retry-after": "10" }).end("gone"));
    const error = await fetchError(server.origin, { allowPrivate: true });
    expect(error).toMatchObject({ code: "http_status", status: 404 });
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it("reports a refused connection as a network error", async () => {
    const server = await startServer(() => undefined);
    const closedOrigin = server.origin;
    await server.close();
    const error = await fetchError(closedOrigin, { allowPrivate: true });
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/connection refused/i);
  });

  it("reports a DNS failure as a network error", async () => {
    const error = await fetchError("http://no-such-host.example/", {
      allowPrivate: false,
      lookup: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      },
    });
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/DNS lookup failed/);
  });

  it("reports a TLS failure as a network error", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(`https://127.0.0.1:${server.port}/`, { allowPrivate: true, timeoutMs: 3000 });
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/TLS|SSL/);
  });
});
