// Graceful drain: an instance behind a load balancer that receives SIGTERM says so on /api/health at once
// (503), keeps serving what it is still sent, and only then closes. (The cluster fault test shows HAProxy
// taking a draining instance out before it exits.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../helpers/newswire-client";
import type { RunningServer } from "../helpers/newswire-server";

type Answer = { at: number; path: string; status: number | "refused" };

describe("SIGTERM behind a load balancer (TRUST_PROXY set)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: "127.0.0.1" }, launcher: "node" });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("answers 503 on /api/health at once, keeps serving other requests, then exits 0", async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const answers: Answer[] = [];
    let polling = true;
    const ask = async (path: string) => {
      const at = Date.now();
      try {
        const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        answers.push({ at, path, status: response.status });
      } catch {
        answers.push({ at, path, status: "refused" });
      }
    };
    const poller = (async () => {
      while (polling) {
        await Promise.all([ask("/api/health"), ask("/api/articles?limit=1")]);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const signalledAt = Date.now();
    const exit = server.stop();
    const code = await exit;
    polling = false;
    await poller;

    expect(code, server.output()).toBe(0);
    const afterSignal = answers.filter((answer) => answer.at >= signalledAt);
    const health = afterSignal.filter((answer) => answer.path === "/api/health");
    // The first health check asked after the signal (give the signal 200 ms to arrive) is already 503...
    const settled = health.filter((answer) => answer.at >= signalledAt + 200);
    expect(settled.length).toBeGreaterThan(0);
    expect(settled[0].status).toBe(503);
    // ...and health never says 200 again.
    expect(settled.filter((answer) => answer.status === 200)).toEqual([]);
    // Meanwhile the instance still serves: reads answered 200 for seconds after health turned 503.
    const firstDrainingAt = health.find((answer) => answer.status === 503)!.at;
    const servedWhileDraining = afterSignal.filter((answer) => answer.path !== "/api/health" && answer.at > firstDrainingAt && answer.status === 200);
    expect(servedWhileDraining.length).toBeGreaterThan(10);
    expect(servedWhileDraining.at(-1)!.at - firstDrainingAt).toBeGreaterThan(3_000);
    // No read was answered with an error while it drained: refused only once it stopped listening.
    expect(afterSignal.filter((answer) => answer.path !== "/api/health" && typeof answer.status === "number" && answer.status !== 200)).toEqual([]);
    const body = server.output();
    expect(body).toContain('"msg":"draining: health answers 503 until the load balancer takes this instance out"');
  }, 60_000);
});
