import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { fakeDatabase } from "./article-fixture";
import { attachLiveDelivery } from "./live-delivery";
import { createLiveLimits } from "./live-limits";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { perAddress?: number } = {}) {
  const db = fakeDatabase(10);
  const httpServer = http.createServer();
  const live = attachLiveDelivery(httpServer, {
    startAfter: 10,
    readAfter: (afterId, limit) => db.readAfter(afterId, limit),
    queryBetween: db.query,
    limits: createLiveLimits({ perAddress: options.perAddress ?? 0, total: 0, addressOf: (req) => req.socket.remoteAddress ?? "" }),
    logger: pino({ level: "silent" }),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => httpServer.close(resolve)), () => live.close());
  return { live: live.socket, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
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
