// The reader's address through the load balancer: HAProxy (deploy/haproxy.cfg) drops the X-Forwarded-For a
// reader sends and adds the address it saw; the instance believes it only from TRUST_PROXY (127.0.0.1 here,
// where HAProxy connects from). Observed through LIVE_MAX_PER_IP (docs/api.md): live connections per client
// address. Readers appear as different clients by connecting from different loopback addresses (127.0.0.2,
// 127.0.0.3, …: all of 127/8 is loopback on Linux).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../helpers/cluster";
import { SseStream } from "../helpers/newswire-client";

let cluster: Cluster;
const open: SseStream[] = [];

beforeAll(async () => {
  cluster = await startCluster({ instances: 1, name: "proxy", env: { LIVE_MAX_PER_IP: "1" } });
}, 240_000);

afterAll(async () => {
  for (const stream of open) stream.close();
  await cluster?.stopAll();
});

async function live(base: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  const stream = await SseStream.open(`${base}/api/live`, headers, { localAddress: from });
  open.push(stream);
  return stream.status;
}

describe("X-Forwarded-For through HAProxy", () => {
  it("counts live connections per reader address, not per proxy", async () => {
    expect(await live(cluster.lbUrl!, "127.0.0.2")).toBe(200);
    // The same reader again: over its cap of one.
    expect(await live(cluster.lbUrl!, "127.0.0.2")).toBe(429);
    // Another reader behind the same proxy is not held to the first one's cap.
    expect(await live(cluster.lbUrl!, "127.0.0.3")).toBe(200);
  });

  it("does not believe an X-Forwarded-For the reader sends itself", async () => {
    // 127.0.0.3 holds its one connection; claiming to be someone else does not buy a second.
    expect(await live(cluster.lbUrl!, "127.0.0.3", { "x-forwarded-for": "10.0.0.9" })).toBe(429);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const direct = cluster.instances[0].url;
    expect(await live(direct, "127.0.0.4", { "x-forwarded-for": "10.0.0.1" })).toBe(200);
    // Another claimed address from the same untrusted peer: still 127.0.0.4, over its cap.
    expect(await live(direct, "127.0.0.4", { "x-forwarded-for": "10.0.0.2" })).toBe(429);
  });
});
