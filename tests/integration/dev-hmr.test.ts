// In dev, Next's hot-reload websocket shares the port with Socket.IO. Attached naively, engine.io destroys
// every other upgrade after about a second: this keeps both working.
import http from "node:http";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { startNewswire, type RunningServer } from "../helpers/newswire-server";

let server: RunningServer;

beforeAll(async () => {
  server = await startNewswire({ env: { NODE_ENV: "development" }, timeoutMs: 180_000 });
  // The first request compiles the page and makes Next attach its upgrade handler.
  const response = await fetch(`${server.url}/`);
  expect(response.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

function upgrade(url: string, path: string): Promise<{ status: number; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": Buffer.from("newswire-hmr-tst").toString("base64"),
      },
    });
    request.on("upgrade", (response, socket) => resolve({ status: response.statusCode ?? 0, socket }));
    request.on("response", (response) => reject(new Error(`no upgrade: HTTP ${response.statusCode}`)));
    request.on("error", reject);
    request.end();
  });
}

describe("dev mode", () => {
  it("keeps Next's HMR websocket open beside a working Socket.IO connection", async () => {
    const client = connect(server.url, { transports: ["websocket"], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("connect_error", reject);
    });

    const { status, socket } = await upgrade(server.url, "/_next/hmr");
    expect(status).toBe(101);
    let closed = false;
    socket.on("close", () => (closed = true));
    // engine.io's naive handling would destroy the socket after ~1 s; give it three.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(closed).toBe(false);
    expect(client.connected).toBe(true);
    socket.destroy();
    client.close();
  }, 30_000);
});
