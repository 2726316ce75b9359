import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FeedFetchError } from "../domain/errors";
import { isBlockedAddress } from "./address-policy";
import {
  assertFetchableUrl,
  DEFAULT_USER_AGENT,
  fetchFeed,
  parseCacheMaxAge,
  parseRetryAfter,
  type FetchFeedOptions,
} from "./fetch-feed";

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>${"<item><title>Story</title></item>".repeat(50)}</channel></rss>`;

type TestServer = {
  origin: string;
  port: number;
  requests: http.IncomingMessage[];
  connections: () => number;
  close: () => Promise<void>;
};

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real HTTP server on 127.0.0.1 with a random port; every request and connection is recorded. */
async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  let connections = 0;
  const httpServer = http.createServer();
  const server: TestServer = {
    origin: "",
    port: 0,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  httpServer.on("connection", () => (connections += 1));
  httpServer.on("request", (req, res) => {
    requests.push(req);
    handler(req, res, server);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  server.port = (httpServer.address() as AddressInfo).port;
  server.origin = `http://127.0.0.1:${server.port}`;
  servers.push(server);
  return server;
}

/** Loopback plays "the public internet" (only 127.0.0.1 itself); everything else keeps the real policy. */
const loopbackIsPublic = (ip: string) => ip !== "127.0.0.1" && isBlockedAddress(ip);

async function fetchError(url: string, options: FetchFeedOptions): Promise<FeedFetchError> {
  try {
    await fetchFeed(url, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error(`expected fetchFeed(${url}) to fail`);
}

function sendFeed(res: http.ServerResponse, headers: http.OutgoingHttpHeaders = {}, body: Buffer | string = FEED): void {
  res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", ...headers });
  res.end(body);
}

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

describe("fetchFeed: redirects", () => {
  /** /hop/<status>/<status>/... redirects with each status in turn, then serves the feed. */
  async function redirectServer(): Promise<TestServer> {
    return startServer((req, res) => {
      const [, , status, ...rest] = (req.url ?? "/").split("/");
      if (!status) return sendFeed(res);
      const next = rest.length > 0 ? `/hop/${rest.join("/")}` : "/final.xml";
      res.writeHead(Number(status), { location: next }).end("moved");
    });
  }

  it("follows a chain of permanent redirects and reports where it ended", async () => {
    const server = await redirectServer();
    const result = await fetchFeed(`${server.origin}/hop/301/308/301`, { allowPrivate: true });
    expect(result.status).toBe("ok");
    expect(result.finalUrl).toBe(`${server.origin}/final.xml`);
    expect(result.permanentRedirectTo).toBe(`${server.origin}/final.xml`);
    expect(server.requests.map((req) => req.url)).toEqual(["/hop/301/308/301", "/hop/308/301", "/hop/301", "/final.xml"]);
  });

  it("reports no permanent redirect when any hop is temporary", async () => {
    const server = await redirectServer();
    const result = await fetchFeed(`${server.origin}/hop/301/302/308`, { allowPrivate: true });
    expect(result.finalUrl).toBe(`${server.origin}/final.xml`);
    expect(result.permanentRedirectTo).toBeNull();
  });

  it("keeps the permanent redirect on a 304 at the end of the chain", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/old") res.writeHead(301, { location: "/new" }).end();
      else res.writeHead(304).end();
    });
    const result = await fetchFeed(`${server.origin}/old`, { allowPrivate: true, etag: '"x"' });
    expect(result).toMatchObject({ status: "not-modified", permanentRedirectTo: `${server.origin}/new` });
  });

  it("follows exactly maxRedirects hops and refuses one more", async () => {
    const server = await redirectServer();
    const five = await fetchFeed(`${server.origin}/hop/302/302/302/302/302`, { allowPrivate: true });
    expect(five.status).toBe("ok");

    const error = await fetchError(`${server.origin}/hop/302/302/302/302/302/302`, { allowPrivate: true });
    expect(error.code).toBe("too_many_redirects");
    expect(await fetchError(`${server.origin}/hop/302/302`, { allowPrivate: true, maxRedirects: 1 })).toMatchObject({
      code: "too_many_redirects",
    });
  });

  it("stops an endless redirect loop", async () => {
    const server = await startServer((_req, res) => res.writeHead(307, { location: "/loop" }).end());
    const error = await fetchError(`${server.origin}/loop`, { allowPrivate: true });
    expect(error.code).toBe("too_many_redirects");
    expect(server.requests).toHaveLength(6);
  });

  it("refuses a redirect to a non-http scheme", async () => {
    const server = await startServer((_req, res) => res.writeHead(302, { location: "file:///etc/passwd" }).end());
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "invalid_url" });
  });

  it("treats a redirect without Location as an HTTP error", async () => {
    const server = await startServer((_req, res) => res.writeHead(302).end());
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "http_status", status: 302 });
  });

  describe("from an allowed host to a blocked one", () => {
    const targets = [
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://10.0.0.1/",
      "http://[::1]:PORT/",
      "http://[::ffff:127.0.0.2]:PORT/",
      "http://127.0.0.2:PORT/",
      "http://0x7f.0.0.2:PORT/",
      "http://2130706434:PORT/",
      "http://localhost:PORT/",
      "http://localhost.:PORT/",
      "http://100.100.100.200/latest/meta-data/",
    ];

    it.each(targets)("refuses %s on the redirect hop", async (target) => {
      const server = await startServer((_req, res, self) =>
        res.writeHead(302, { location: target.replace("PORT", String(self.port)) }).end(),
      );
      const error = await fetchError(`${server.origin}/feed.xml`, { allowPrivate: false, addressPolicy: loopbackIsPublic });
      expect(error.code).toBe("blocked_address");
      expect(server.requests).toHaveLength(1);
    });

    it("refuses a redirect to a name that resolves to a private address, at connect time", async () => {
      const resolved: string[] = [];
      const server = await startServer((_req, res, self) =>
        res.writeHead(301, { location: `http://intranet.example:${self.port}/` }).end(),
      );
      const error = await fetchError(`${server.origin}/`, {
        allowPrivate: false,
        addressPolicy: loopbackIsPublic,
        lookup: async (hostname) => {
          resolved.push(hostname);
          return ["10.0.0.1"];
        },
      });
      expect(error.code).toBe("blocked_address");
      expect(error.message).toContain("10.0.0.1");
      expect(resolved).toEqual(["intranet.example"]);
    });
  });
});

describe("fetchFeed: address policy at connect time", () => {
  it("refuses loopback without allowPrivate, before any connection", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(server.origin, { allowPrivate: false });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it.each([
    "http://2130706433:PORT/",
    "http://0177.0.0.1:PORT/",
    "http://0x7f.0.0.1:PORT/",
    "http://127.1:PORT/",
    "http://127.0.0.1.:PORT/",
    "http://[::1]:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[::ffff:7f00:1]:PORT/",
    "http://localhost:PORT/",
    "http://LOCALHOST.:PORT/",
    "http://feeds.localhost:PORT/",
    "http://0.0.0.0:PORT/",
    "http://0:PORT/",
  ])("refuses the loopback spelling %s", async (spelling) => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(spelling.replace("PORT", String(server.port)), { allowPrivate: false });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("refuses a name that resolves to loopback", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(`http://feeds.example:${server.port}/`, {
      allowPrivate: false,
      lookup: async () => ["127.0.0.1"],
    });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("refuses a name when any of its addresses is private", async () => {
    const error = await fetchError("http://mixed.example/", {
      allowPrivate: false,
      lookup: async () => ["93.184.216.34", "192.168.0.10"],
    });
    expect(error.code).toBe("blocked_address");
  });

  it("connects to the address the guarded lookup returned", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const result = await fetchFeed(`http://feeds.example:${server.port}/rss`, {
      allowPrivate: true,
      lookup: async (hostname) => (hostname === "feeds.example" ? ["127.0.0.1"] : []),
    });
    expect(result.status).toBe("ok");
    expect(server.requests[0].headers.host).toBe(`feeds.example:${server.port}`);
  });

  it("defeats DNS rebinding: a public answer at check time does not carry over to the connection", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const answers = [["93.184.216.34"], ["127.0.0.1"]];
    const lookup = async () => answers.shift() ?? ["127.0.0.1"];
    const url = `http://rebind.example:${server.port}/`;

    await expect(assertFetchableUrl(url, false, { lookup })).resolves.toBeUndefined();
    const error = await fetchError(url, { allowPrivate: false, lookup });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("still refuses cloud metadata with allowPrivate", async () => {
    const error = await fetchError("http://169.254.169.254/latest/meta-data/", { allowPrivate: true });
    expect(error.code).toBe("blocked_address");
    const viaDns = await fetchError("http://metadata.example/", { allowPrivate: true, lookup: async () => ["169.254.169.254"] });
    expect(viaDns.code).toBe("blocked_address");
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

describe("fetchFeed: decompression and size limits", () => {
  let gzipBomb: Buffer;

  beforeAll(async () => {
    // 100 MiB of zeros compresses to about 100 KiB; built from a stream so the test never holds 100 MiB.
    const gzip = zlib.createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise((resolve) => gzip.on("end", resolve));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 100; i += 1) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once("drain", resolve));
    }
    gzip.end();
    await done;
    gzipBomb = Buffer.concat(chunks);
  });

  it.each([
    ["gzip", zlib.gzipSync(FEED)],
    ["x-gzip", zlib.gzipSync(FEED)],
    ["br", zlib.brotliCompressSync(FEED)],
    ["deflate", zlib.deflateSync(FEED)],
    ["deflate", zlib.deflateRawSync(FEED)],
    ["identity", Buffer.from(FEED)],
  ])("decodes Content-Encoding %s", async (encoding, body) => {
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": encoding }, body));
    const result = await fetchFeed(server.origin, { allowPrivate: true });
    expect(result.status === "ok" && result.body.toString("utf8")).toBe(FEED);
  });

  it("stops a gzip bomb at the decompressed cap, quickly", async () => {
    expect(gzipBomb.length).toBeLessThan(1024 * 1024);
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": "gzip" }, gzipBomb));
    const error = await fetchError(server.origin, { allowPrivate: true });
    expect(error.code).toBe("too_large");
  });

  it("stops a brotli bomb too", async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(20 * 1024 * 1024), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 },
    });
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": "br" }, bomb));
    const error = await fetchError(server.origin, { allowPrivate: true, maxBytes: 1024 * 1024 });
    expect(error.code).toBe("too_large");
  });

  it.each([
    ["deflate", zlib.deflateSync(Buffer.alloc(20 * 1024 * 1024))],
    ["deflate", zlib.deflateRawSync(Buffer.alloc(20 * 1024 * 1024))],
  ])("stops a %s bomb too (zlib-wrapped and raw)", async (encoding, bomb) => {
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": encoding }, bomb));
    const error = await fetchError(server.origin, { allowPrivate: true, maxBytes: 1024 * 1024 });
    expect(error.code).toBe("too_large");
  });

  it.each(["gzip", "br", "deflate"])("reports a corrupt %s body as bad_encoding", async (encoding) => {
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": encoding }, "this is not compressed at all"));
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "bad_encoding" });
  });

  it("refuses a declared Content-Length over the cap without waiting for the body", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write("<rss>"); // and then nothing: only the header can end this fetch in time
    });
    const error = await fetchError(server.origin, { allowPrivate: true, timeoutMs: 5000 });
    expect(error.code).toBe("too_large");
  });

  it("refuses a chunked body that grows past the cap", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      for (let i = 0; i < 40; i += 1) res.write(chunk);
      res.end();
    });
    const error = await fetchError(server.origin, { allowPrivate: true, maxBytes: 1024 * 1024 });
    expect(error.code).toBe("too_large");
  });

  it("accepts a body of exactly maxBytes", async () => {
    const body = Buffer.alloc(4096, "b");
    const server = await startServer((_req, res) => sendFeed(res, {}, body));
    const result = await fetchFeed(server.origin, { allowPrivate: true, maxBytes: 4096 });
    expect(result.status === "ok" && result.body.length).toBe(4096);
  });

  it("refuses an unknown Content-Encoding", async () => {
    const server = await startServer((_req, res) => sendFeed(res, { "content-encoding": "zstd" }, "???"));
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "unsupported_encoding" });
  });
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

describe("assertFetchableUrl", () => {
  it("accepts a public host", async () => {
    await expect(assertFetchableUrl("https://news.example/feed", false, { lookup: async () => ["93.184.216.34"] })).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://8.8.8.8/feed", false)).resolves.toBeUndefined();
  });

  it.each(["http://127.0.0.1/", "http://[::1]/", "http://2130706433/", "http://localhost/", "http://169.254.169.254/"])(
    "refuses %s",
    async (url) => {
      await expect(assertFetchableUrl(url, false)).rejects.toMatchObject({ code: "blocked_address" });
    },
  );

  it("refuses a name resolving to a private address", async () => {
    await expect(assertFetchableUrl("http://intranet.example/", false, { lookup: async () => ["10.1.2.3"] })).rejects.toMatchObject({
      code: "blocked_address",
    });
  });

  it("gives up on a DNS lookup that hangs", async () => {
    vi.useFakeTimers();
    try {
      const pending = assertFetchableUrl("http://slow-dns.example/", false, { lookup: () => new Promise(() => undefined) });
      const assertion = expect(pending).rejects.toMatchObject({ code: "timeout" });
      await vi.advanceTimersByTimeAsync(5_000);
      await assertion;
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses non-http schemes", async () => {
    await expect(assertFetchableUrl("file:///etc/passwd", true)).rejects.toMatchObject({ code: "invalid_url" });
    await expect(assertFetchableUrl("nonsense", true)).rejects.toMatchObject({ code: "invalid_url" });
  });

  it("lets loopback through with allowPrivate, but never metadata", async () => {
    await expect(assertFetchableUrl("http://127.0.0.1:8080/feed", true)).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://localhost:8080/feed", true, { lookup: async () => ["127.0.0.1", "::1"] })).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://169.254.169.254/", true)).rejects.toMatchObject({ code: "blocked_address" });
  });
});

describe("header parsing", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("parses Retry-After as seconds or an HTTP-date", () => {
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Wednesday, 01-Jan-25 00:02:00 GMT", now)).toBe(120);
    expect(parseRetryAfter("Wed Jan  1 00:03:00 2025", now)).toBe(180);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("takes max-age, ignores s-maxage, and falls back to Expires", () => {
    expect(parseCacheMaxAge({ "cache-control": "max-age=300" }, now)).toBe(300);
    expect(parseCacheMaxAge({ "cache-control": "s-maxage=100, max-age=20" }, now)).toBe(20);
    expect(parseCacheMaxAge({ "cache-control": "s-maxage=100" }, now)).toBeNull();
    expect(parseCacheMaxAge({ "cache-control": 'max-age="45"' }, now)).toBe(45);
    expect(parseCacheMaxAge({ expires: "Wed, 01 Jan 2025 00:10:00 GMT" }, now)).toBe(600);
    expect(
      parseCacheMaxAge({ expires: "Wed, 01 Jan 2025 00:10:00 GMT", date: "Wed, 01 Jan 2025 00:05:00 GMT" }, now),
    ).toBe(300);
    expect(parseCacheMaxAge({ expires: "0" }, now)).toBe(0);
    expect(parseCacheMaxAge({}, now)).toBeNull();
  });
});
