// The SSE transport on a real HTTP server and real sockets, with the article table faked in memory.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDatabase, fixtureArticle as article } from "./article-fixture";
import { attachLiveDelivery } from "./live-delivery";
import { createLiveLimits } from "./live-limits";
import { formatArticleEvent } from "./sse";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { stored?: number; perAddress?: number; maxUnsentBytes?: number } = {}) {
  const stored = options.stored ?? 10;
  const db = fakeDatabase(stored);
  const httpServer = http.createServer();
  const live = attachLiveDelivery(httpServer, {
    startAfter: stored,
    readAfter: (afterId, limit) => db.readAfter(afterId, limit),
    queryBetween: db.query,
    limits: createLiveLimits({ perAddress: options.perAddress ?? 0, total: 0, addressOf: (req) => req.socket.remoteAddress ?? "" }),
    logger: pino({ level: "silent" }),
    sseMaxUnsentBytes: options.maxUnsentBytes,
  });
  httpServer.on("request", (req, res) => {
    if (!live.sse.handle(req, res)) res.writeHead(404).end();
  });
  const serverSockets = new Map<number, net.Socket>();
  httpServer.on("connection", (socket) => serverSockets.set(socket.remotePort ?? 0, socket));
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () => live.close(),
    () => {
      httpServer.closeAllConnections();
      return new Promise((resolve) => httpServer.close(resolve));
    },
  );
  const port = (httpServer.address() as AddressInfo).port;
  let nextId = stored + 1;
  return {
    live,
    port,
    /** The server's end of a client's connection. */
    serverSocketOf: (client: net.Socket) => serverSockets.get(client.localPort ?? -1),
    url: `http://127.0.0.1:${port}/api/live`,
    /** Stores `count` articles of about `bytes` each and lets the live feed deliver them. */
    async store(count: number, bytes = 200) {
      for (let i = 0; i < count; i++, nextId++) db.store({ ...article(nextId), summary: "x".repeat(bytes) });
      live.feed.wake();
      await live.feed.idle();
      // The fake table answers without I/O: give sockets a turn of the event loop, as a real query would.
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

/** A raw SSE request: returns the socket (never read unless `read`) and what it has received. */
function rawSse(port: number, headers: Record<string, string> = {}, read = true) {
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  const request = `GET /api/live HTTP/1.1\r\nHost: localhost\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  socket.write(request);
  if (read) socket.on("data", (chunk) => (text += chunk));
  else socket.pause();
  cleanups.push(() => socket.destroy());
  return { socket, received: () => text };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));

describe("SSE", () => {
  it("formats an event with its name, the cursor as id and the article as one data line", () => {
    const text = formatArticleEvent({ ...article(7), title: "Line one\nline two" });
    const lines = text.split("\n");
    expect(lines.slice(0, 2)).toEqual(["event: article", "id: 7"]);
    expect(JSON.parse(lines[2].slice("data: ".length)).title).toBe("Line one\nline two");
    expect(text.endsWith("\n\n")).toBe(true);
  });

  it("answers 429 with the JSON error shape over the per-address cap", async () => {
    const server = await start({ perAddress: 2 });
    const open = [rawSse(server.port), rawSse(server.port)];
    await until(() => open.every((client) => client.received().includes(": connected")), "two streams");
    const response = await fetch(server.url);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeTruthy();
    expect((await response.json()).error.code).toBe("too_many_connections");
    open[0].socket.destroy();
    await until(() => server.live.sse.clientCount() === 1, "the server to see the close");
    const again = rawSse(server.port);
    await until(() => again.received().includes(": connected"), "a stream after one closed");
  });

  it("drops a live reader that stops reading once its unsent bytes pass the bound", async () => {
    const server = await start({ maxUnsentBytes: 256 * 1024 });
    const stalled = rawSse(server.port, {}, false);
    const reading = rawSse(server.port);
    await until(() => server.live.sse.clientCount() === 2, "both streams");
    // A network that stops taking data: the kernel buffers on loopback hold tens of MB, so stall the
    // server's end of the connection directly; what is written then queues in the process, as it would.
    server.serverSocketOf(stalled.socket)!.cork();
    for (let i = 0; i < 10 && server.live.sse.clientCount() === 2; i++) await server.store(100, 4_000);
    // (The stalled client never reads, so it would not even notice the close: ask the server.)
    await until(() => server.live.sse.clientCount() === 1, "the stalled reader to be dropped");
    await until(() => ids(reading.received()).length >= 100, "the reading client's articles");
  });

  it("replays from far back to a slow reader without resetting it, every article once, in order", async () => {
    const server = await start({ stored: 3_000, maxUnsentBytes: 64 * 1024 });
    const slow = rawSse(server.port, { "Last-Event-ID": "10" }, false);
    // Reads a chunk, then stops for a moment: the replay has to wait for this reader again and again.
    let text = "";
    slow.socket.on("data", (chunk) => {
      text += chunk;
      slow.socket.pause();
      setTimeout(() => slow.socket.resume(), 3);
    });
    slow.socket.resume();
    await until(() => ids(text).length >= 2_990, "the whole replay");
    await server.store(3);
    await until(() => ids(text).length === 2_993, "the live articles after it");
    const received = ids(text);
    expect(received).toEqual(Array.from({ length: 2_993 }, (_, i) => i + 11));
    expect(slow.socket.destroyed).toBe(false);
  });
});
