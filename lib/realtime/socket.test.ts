import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalBus, RecentArticles } from "./bus";
import { attachSocketServer } from "./socket";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const bus = createLocalBus();
  const recent = new RecentArticles();
  recent.markCompleteAbove(0);
  const httpServer = http.createServer();
  const live = attachSocketServer(httpServer, { bus, replay: async () => [], logger: pino({ level: "silent" }), recent });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => httpServer.close(resolve)), () => live.close());
  return { live, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
}

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
