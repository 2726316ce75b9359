import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { limitRequestBody } from "./body-limit";

let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A server that reads whole bodies before answering, as a careless handler would, behind limitRequestBody. */
async function serve(maxBytes: number) {
  const held: number[] = [];
  server = http.createServer((req, res) => {
    if (limitRequestBody(req, res, maxBytes)) return;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      held.push(size);
    });
    req.on("end", () => {
      if (!res.headersSent) res.end(`read ${size}`);
    });
    req.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { port: (server!.address() as AddressInfo).port, held };
}

function post(port: number, headers: http.OutgoingHttpHeaders, chunks: Buffer[]): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("request body limit", () => {
  it("passes bodies within the cap", async () => {
    const { port } = await serve(1000);
    expect(await post(port, { "content-length": 1000 }, [Buffer.alloc(1000)])).toMatchObject({ status: 200, body: "read 1000" });
    expect(await post(port, { "transfer-encoding": "chunked" }, [Buffer.alloc(600), Buffer.alloc(400)])).toMatchObject({ status: 200, body: "read 1000" });
  });

  it("answers 413 at once when the declared length is over the cap, reading nothing", async () => {
    const { port, held } = await serve(1000);
    const response = await new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      // Declares 50 MB but sends only the headers: the answer must not wait for the body.
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "content-length": 50 * 1024 * 1024 } }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe("close");
    expect(JSON.parse(response.body)).toEqual({ error: { code: "payload_too_large", message: "The request body may be at most 1000 bytes" } });
    expect(held).toEqual([]);
  });

  it("answers 413 as soon as a body without a length passes the cap, holding no more than the cap", async () => {
    const { port, held } = await serve(1000);
    const response = await post(port, { "transfer-encoding": "chunked" }, Array.from({ length: 50 }, () => Buffer.alloc(512)));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe("payload_too_large");
    expect(Math.max(0, ...held)).toBeLessThanOrEqual(1000);
  });
});
