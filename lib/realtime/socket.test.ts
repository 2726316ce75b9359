import http from "node:http";
import type net from "node:net";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Article } from "../domain/article";
import { fakeDatabase, fixtureArticle } from "./article-fixture";
import { attachLiveDelivery } from "./live-delivery";
import { createLiveLimits } from "./live-limits";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { perAddress?: number; maxUnsentBytes?: number } = {}) {
  const db = fakeDatabase(10);
  const httpServer = http.createServer();
  const live = attachLiveDelivery(httpServer, {
    startAfter: 10,
    readAfter: (afterId, limit) => db.readAfter(afterId, limit),
    queryBetween: db.query,
    limits: createLiveLimits({ perAddress: options.perAddress ?? 0, total: 0, addressOf: (req) => req.socket.remoteAddress ?? "" }),
    logger: pino({ level: "silent" }),
    socketMaxUnsentBytes: options.maxUnsentBytes,
  });
  const serverSockets = new Map<number, net.Socket>();
  httpServer.on("connection", (socket) => serverSockets.set(socket.remotePort ?? 0, socket));
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => httpServer.close(resolve)), () => live.close());
  let nextId = 11;
  return {
    live: live.socket,
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    serverSockets,
    /** Stores `count` articles and lets the live feed deliver them (then a turn of the event loop). */
    async store(count: number, bytes = 200): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < count; i++, nextId++) {
        db.store({ ...fixtureArticle(nextId), summary: "x".repeat(bytes) });
        ids.push(nextId);
      }
      live.feed.wake();
      await live.feed.idle();
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ids;
    },
  };
}

function connected(socket: ReturnType<typeof connect>): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

describe("Socket.IO connection caps", () => {
  it("refuses connections over the per-address cap with a connect_error, and admits again when one closes", async () => {
    const server = await start({ perAddress: 2 });
    const open = [0, 1].map(() => connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false }));
    for (const socket of open) cleanups.push(() => socket.close());
    await Promise.all(open.map(connected));
    const third = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => third.close());
    await expect(connected(third)).rejects.toThrow();
    const polling = connect(server.url, { transports: ["polling"], forceNew: true, reconnection: false });
    cleanups.push(() => polling.close());
    await expect(connected(polling)).rejects.toThrow();
    open[0].close();
    // Once the server has seen the close, the address has a free slot again.
    while (server.live.connectedCount() > 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const again = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => again.close());
    await connected(again);
  });
});

type EngineClients = { clients: Record<string, { request: unknown; transport: { name: string } }> };

describe("Socket.IO memory per connection", () => {
  it("keeps no reference to a WebSocket session's upgrade request once connected", async () => {
    const server = await start();
    const socket = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { cursor: "MA" } });
    cleanups.push(() => socket.close());
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const sessions = Object.values((server.live.io.engine as unknown as EngineClients).clients);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].transport.name).toBe("websocket");
    expect(sessions[0].request).toBeNull();
  });

  it("shares one filter view among the sockets of a room", async () => {
    const server = await start();
    const sockets = [0, 1].map(() => connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { category: "world" } }));
    for (const socket of sockets) cleanups.push(() => socket.close());
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.once("connect", () => resolve()))));
    const [a, b] = [...server.live.io.sockets.sockets.values()];
    expect(a.data.view).toBe(b.data.view);
    expect(a.data.view.filter).toEqual({ category: "world" });
  });
});

describe("Socket.IO readers", () => {
  it("drops a reader whose unsent data passes the bound (it stopped reading)", async () => {
    const server = await start({ maxUnsentBytes: 256 * 1024 });
    const stalled = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => stalled.close());
    await connected(stalled);
    const disconnected = new Promise<string>((resolve) => stalled.once("disconnect", (reason) => resolve(reason)));
    // The network stops taking its data (loopback's kernel buffers hold tens of MB, so stall the server's end).
    const local = (stalled.io.engine.transport as unknown as { ws: { _socket: net.Socket } }).ws._socket.localPort!;
    server.serverSockets.get(local)!.cork();
    for (let i = 0; i < 10 && server.live.connectedCount() > 0; i++) await server.store(100, 4_000);
    // The sweep runs every second.
    while (server.live.connectedCount() > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    server.serverSockets.get(local)!.uncork();
    expect(await disconnected).toBeTruthy();
  });

  it("a resume right after a cursor-less connect replays what was missed, then live, each once in order", async () => {
    const server = await start();
    const missed = await server.store(3);
    const socket = connect(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => socket.close());
    const received: number[] = [];
    socket.on("article:new", (article: Article) => received.push(article.id));
    await connected(socket);
    socket.emit("resume", { cursor: String(missed[0] - 1) });
    while (received.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const later = await server.store(2);
    while (received.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    // A second resume on the same connection is covered by the first: nothing is sent twice.
    socket.emit("resume", { cursor: String(missed[0] - 1) });
    await server.store(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([...missed, ...later, later[1] + 1]);
  });
});
