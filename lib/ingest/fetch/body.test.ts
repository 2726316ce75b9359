import zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { fetchFeed, FEED, startServer, fetchError, sendFeed } from "./test-kit";

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
