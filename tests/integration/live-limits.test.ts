// LIVE_MAX_PER_IP against the real server: Socket.IO and SSE count together; over the cap SSE answers 429
// with the JSON error shape and Socket.IO refuses the connection with a connect_error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type RunningServer } from "../helpers/newswire-server";
import { LiveSocket, SseStream, startTestServer } from "../helpers/newswire-client";

let server: RunningServer;
const open: { close(): void }[] = [];

beforeAll(async () => {
  // TRUST_PROXY: the test stands in for a proxy, to connect as clients with IPv6 addresses (X-Forwarded-For).
  server = await startTestServer({ env: { LIVE_MAX_PER_IP: "3", TRUST_PROXY: "127.0.0.1, ::1" } });
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await server?.stop();
});

async function liveConnections(): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return [...metrics.matchAll(/^newswire_live_clients\{transport="[^"]+"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe("live connections per client address", () => {
  it("refuses the connection past LIVE_MAX_PER_IP on either transport, and admits again when one closes", async () => {
    const first = await LiveSocket.connect(server.url);
    const second = await SseStream.open(`${server.url}/api/live`);
    const third = await LiveSocket.connect(server.url, undefined, ["polling"]);
    open.push(first, second, third);
    expect(second.status).toBe(200);

    const refusedStream = await fetch(`${server.url}/api/live`);
    expect(refusedStream.status).toBe(429);
    expect(refusedStream.headers.get("content-type")).toMatch(/application\/json/);
    expect(refusedStream.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = await refusedStream.json();
    expect(body.error.code).toBe("too_many_connections");

    await expect(LiveSocket.connect(server.url)).rejects.toThrow();

    second.close();
    await eventually(async () => (await liveConnections()) === 2, "the server to count the closed stream");
    const again = await SseStream.open(`${server.url}/api/live`);
    open.push(again);
    expect(again.status).toBe(200);
  });

  it("counts an IPv6 client by its /64: other addresses of that network share its cap", async () => {
    const controller = new AbortController();
    const openFrom = (address: string) => fetch(`${server.url}/api/live`, { headers: { "x-forwarded-for": address }, signal: controller.signal });
    try {
      const held = [await openFrom("2001:db8:a:b::1"), await openFrom("2001:db8:a:b::2"), await openFrom("2001:db8:a:b:ffff:1:2:3")];
      expect(held.map((response) => response.status)).toEqual([200, 200, 200]);
      const sameNetwork = await openFrom("2001:db8:a:b:9::9");
      expect(sameNetwork.status).toBe(429);
      await sameNetwork.body?.cancel();
      const otherNetwork = await openFrom("2001:db8:a:c::1");
      expect(otherNetwork.status).toBe(200);
    } finally {
      controller.abort();
    }
  });
});
