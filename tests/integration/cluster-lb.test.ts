// The load balancer as readers meet it: three `npm start` instances on one PostgreSQL database and one
// Redis, behind HAProxy driven by deploy/haproxy.cfg (tests/helpers/cluster.ts). What is checked here holds
// whether or not the instances share a live bus: API reads, Socket.IO long-polling kept on its instance
// (sticky cookie), WebSocket and SSE outliving HAProxy's request timeouts, and an instance that dies or
// stops taken out without a failed request. The reader's address through HAProxy (X-Forwarded-For):
// cluster-proxy.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster, type ClusterInstance } from "../helpers/cluster";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually } from "../helpers/newswire-server";
import { FixtureSource, LiveSocket, NewswireClient, SseStream, type Article } from "../helpers/newswire-client";

/** Short client/server timeouts, so "outlives them" takes seconds; the stream timeout covers the server's
 * 15 s SSE comments and Socket.IO's 25 s pings, as in production. */
const TIMEOUT_MS = 3_000;
const LB_ENV = { HAPROXY_TIMEOUT_CLIENT: `${TIMEOUT_MS}ms`, HAPROXY_TIMEOUT_SERVER: `${TIMEOUT_MS}ms`, HAPROXY_TIMEOUT_STREAM: "30s" };

let cluster: Cluster;
let feeds: FixtureFeedServer;
let lb: NewswireClient;
let source: FixtureSource;
const open: { close(): void }[] = [];

beforeAll(async () => {
  [cluster, feeds] = await Promise.all([startCluster({ instances: 3, name: "lb", loadBalancer: LB_ENV }), startFixtureFeedServer()]);
  lb = new NewswireClient(cluster.lbUrl!);
  source = await FixtureSource.create(lb, feeds, { prefix: "lb", items: [{ title: "First story behind the balancer" }, { title: "Second story behind the balancer" }] });
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await feeds?.close();
  await cluster?.stopAll();
});

type LogLine = { server: string; backend: string; status: number; method: string; uri: string; termination: string };

/** HAProxy's request log (option httplog), parsed. */
function requestLog(): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of cluster.haproxy!.output().split("\n")) {
    const match = line.match(/\] web (\S+)\/(\S+) \S+ (\d+) \S+ \S+ \S+ (\S+) .*"(\w+) (\S+) HTTP/);
    if (match) lines.push({ backend: match[1], server: match[2], status: Number(match[3]), termination: match[4], method: match[5], uri: match[6] });
  }
  return lines;
}

/** How many live clients of `transport` an instance holds, from its own /metrics. */
async function liveClients(instance: ClusterInstance, transport: "sse" | "socket.io"): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const match = text.match(new RegExp(`^newswire_live_clients\\{transport="${transport.replace(".", "\\.")}"\\} (\\d+)`, "m"));
  return match ? Number(match[1]) : 0;
}

/**
 * The one instance holding exactly one live client of `transport` (the test's own). Runs before the
 * polling tests: the session a cookie-less client leaves behind lingers until its ping timeout.
 */
async function instanceHolding(transport: "sse" | "socket.io"): Promise<ClusterInstance> {
  return eventually(
    async () => {
      const counts = await Promise.all(cluster.instances.map((instance) => liveClients(instance, transport)));
      return counts.filter((count) => count > 0).length === 1 ? cluster.instances[counts.findIndex((count) => count === 1)] : undefined;
    },
    `exactly one instance to hold the ${transport} client`,
  );
}

/** Publishes a story by refreshing the source on `instance` itself: its own readers hear of it with or without a shared bus. */
async function publishOn(instance: ClusterInstance, title: string): Promise<string> {
  const [item] = source.put({ title });
  await new NewswireClient(instance.url).refresh(source.id);
  return item.link;
}

async function socketThroughLb(transports: string[], withCredentials: boolean, auth?: Record<string, string>): Promise<LiveSocket> {
  const client = await LiveSocket.connect(cluster.lbUrl!, auth, transports, { withCredentials });
  open.push(client);
  return client;
}

/** Sends `count` Socket.IO packets one by one (each a POST on long-polling), each after the last was delivered. */
async function sendPackets(client: LiveSocket, count: number): Promise<void> {
  const engine = client.socket.io.engine;
  for (let i = 0; i < count && client.socket.connected; i++) {
    const drained = new Promise<void>((resolve) => {
      const done = () => {
        engine.off("drain", done);
        engine.off("close", done);
        resolve();
      };
      engine.on("drain", done);
      engine.on("close", done);
    });
    // A resume without a cursor is ignored by the server: traffic that changes nothing.
    client.socket.emit("resume", {});
    await drained;
  }
}

/** Waits, on purpose, until HAProxy's client and server timeouts have passed twice over. */
async function outlive(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs * 2 + 500;
  await eventually(async () => Date.now() >= until, "the timeouts to pass", timeoutMs * 3);
}

describe("through HAProxy", () => {
  it("serves API reads from every instance, and sets no cookie on them", async () => {
    const direct = await Promise.all(cluster.instances.map((instance) => new NewswireClient(instance.url).articles()));
    const before = requestLog().length;
    for (let i = 0; i < 12; i++) {
      const response = await lb.request("GET", "/api/articles");
      expect(response.status).toBe(200);
      expect(response.json()).toEqual(direct[0]);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    expect(direct[1]).toEqual(direct[0]);
    expect((await lb.request("GET", "/api/health")).status).toBe(200);
    const served = new Set(
      requestLog()
        .slice(before)
        .filter((line) => line.uri.startsWith("/api/articles"))
        .map((line) => `${line.backend}/${line.server}`),
    );
    expect([...served].sort()).toEqual(["app/app1", "app/app2", "app/app3"]);
  });

  it("keeps a WebSocket and an SSE stream open past its client and server timeouts, and delivering", async () => {
    const ws = await socketThroughLb(["websocket"], false);
    let disconnected: string | undefined;
    ws.socket.on("disconnect", (reason) => (disconnected = reason));
    const sse = await SseStream.open(`${cluster.lbUrl}/api/live`);
    open.push(sse);
    expect(sse.status).toBe(200);
    await eventually(async () => sse.comments.length > 0, "the SSE stream to open");
    const [wsHost, sseHost] = [await instanceHolding("socket.io"), await instanceHolding("sse")];

    await outlive(TIMEOUT_MS);
    expect(disconnected).toBeUndefined();
    expect(sse.ended).toBe(false);

    const toWs = await publishOn(wsHost, "For the WebSocket reader, after the timeouts");
    await eventually(async () => ws.received.some((article: Article) => article.url === toWs), "the story over the WebSocket");
    const toSse = await publishOn(sseHost, "For the SSE reader, after the timeouts");
    await eventually(async () => sse.articles().some((article) => article.url === toSse), "the story over SSE");
    ws.close();
    sse.close();
  });

  it("keeps a long-polling Socket.IO session on one instance with its cookie, across many requests", async () => {
    const client = await socketThroughLb(["polling"], true);
    let disconnected: string | undefined;
    client.socket.on("disconnect", (reason) => (disconnected = reason));
    expect(client.socket.io.engine.transport.name).toBe("polling");
    const sid = client.socket.io.engine.id;

    await sendPackets(client, 40);
    // And the other direction, on the GET the client keeps waiting: a replay from the first story.
    const [first] = await lb.articlesOf(source.slug).then((articles) => articles.slice(-1));
    client.socket.emit("resume", { cursor: first.cursor });
    await client.waitForCount(1, "the replayed story over long-polling");

    expect(disconnected).toBeUndefined();
    expect(client.socket.connected).toBe(true);
    const session = requestLog().filter((line) => line.uri.includes(`sid=${sid}`));
    expect(session.length).toBeGreaterThan(40);
    expect(new Set(session.map((line) => `${line.backend}/${line.server}`)).size, JSON.stringify(session)).toBe(1);
    expect(session.every((line) => line.status === 200)).toBe(true);
    client.close();
  });

  it("needs that cookie: a client that drops it loses its session to another instance (400 Session ID unknown)", async () => {
    // Proves the balancer really spreads polling requests, so the test above would fail without stickiness.
    let lost: string | undefined;
    try {
      const client = await socketThroughLb(["polling"], false);
      client.socket.on("disconnect", (reason) => (lost = reason));
      await sendPackets(client, 40);
    } catch (error) {
      lost = (error as Error).message;
    }
    expect(lost).toBeDefined();
    expect(requestLog().some((line) => line.backend === "socketio" && line.status === 400)).toBe(true);
  });

});

/** GET /api/articles through HAProxy, one after another, until stop() — every status recorded. */
function keepReading(): { statuses: number[]; errors: string[]; stop(): Promise<void> } {
  const statuses: number[] = [];
  const errors: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        statuses.push((await fetch(`${cluster.lbUrl}/api/articles?limit=5`)).status);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  })();
  return {
    statuses,
    errors,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe("an instance going away", () => {
  it("kill -9: HAProxy's health check takes it out and no request through it fails", async () => {
    const reader = keepReading();
    await eventually(async () => reader.statuses.length >= 10, "reads before the kill");
    const victim = cluster.instances[1];
    await victim.kill9();
    await cluster.haproxy!.waitForServer("app2", "DOWN");
    const atDown = reader.statuses.length;
    await eventually(async () => reader.statuses.length >= atDown + 20, "reads after HAProxy took app2 out");
    await reader.stop();
    expect(reader.errors).toEqual([]);
    expect(reader.statuses.filter((status) => status !== 200)).toEqual([]);
    // Back again: the same port, seen UP, served from.
    await cluster.restart(1);
    const before = requestLog().length;
    await eventually(
      async () => {
        expect((await lb.request("GET", "/api/articles?limit=1")).status).toBe(200);
        return requestLog().slice(before).some((line) => line.server === "app2");
      },
      "a request served by the restarted app2",
    );
  });

  it("SIGTERM to its npm start: it stops cleanly and no request through HAProxy fails", async () => {
    const reader = keepReading();
    await eventually(async () => reader.statuses.length >= 10, "reads before the stop");
    const leaving = cluster.instances[2];
    expect(await leaving.stop()).toBe(0);
    expect(leaving.output()).toContain('"msg":"stopped"');
    await cluster.haproxy!.waitForServer("app3", "DOWN");
    const atDown = reader.statuses.length;
    await eventually(async () => reader.statuses.length >= atDown + 20, "reads after app3 left");
    await reader.stop();
    expect(reader.errors).toEqual([]);
    expect(reader.statuses.filter((status) => status !== 200)).toEqual([]);
    await cluster.restart(2);
  });
});
