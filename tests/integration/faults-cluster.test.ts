// Faults of a two-instance site (tests/helpers/cluster.ts: `npm start` instances on one PostgreSQL
// database, HAProxy in front) on a Redis of its own (tests/helpers/private-services.ts), which this test
// stops and starts again — the machine's shared Redis serves other tests.
//
// - kill -9 of the instance holding readers and a check lease: readers reconnect through HAProxy to the
//   survivor and miss nothing; the dead instance's leased source is taken over when its lease ends.
// - Redis restarted: live delivery never depended on it (articles travel through PostgreSQL), so readers get
//   everything published meanwhile, a reader connecting meanwhile is replayed what it missed, and the
//   instances pick Redis up again by themselves.
// - SIGTERM: the instance's health turns 503 and HAProxy marks it DOWN while it is still running.
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../helpers/cluster";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { FixtureSource, LiveSocket, NewswireClient, SseStream, type Article } from "../helpers/newswire-client";
import { eventually, isAlive } from "../helpers/newswire-server";
import { startPrivateRedis, type PrivateRedis } from "../helpers/private-services";

let cluster: Cluster;
let feeds: FixtureFeedServer;
let redis: PrivateRedis;
const open: { close(): void }[] = [];

beforeAll(async () => {
  [redis, feeds] = await Promise.all([startPrivateRedis(), startFixtureFeedServer()]);
  // The shortest check lease there is (30 s, not the default 120 s): the test waits for the dead instance's to end.
  cluster = await startCluster({ instances: 2, name: "faults", env: { REDIS_URL: redis.url, POLL_INTERVAL_SECONDS: "600", FEED_CHECK_LEASE_SECONDS: "30" } });
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await cluster?.stopAll();
  await feeds?.close();
  await redis?.stop();
});

const site = (): NewswireClient => new NewswireClient(cluster.lbUrl!);

/** A reader through HAProxy that, when its connection is cut, reconnects through HAProxy from its last cursor. */
type Reader = { name: string; articles(): Article[]; reconnects: number; close(): void };

async function socketReader(name: string): Promise<Reader> {
  const received: Article[] = [];
  let current: LiveSocket;
  const reader: Reader = { name, articles: () => received, reconnects: 0, close: () => current.close() };
  const connect = async (cursor?: string) => {
    current = await LiveSocket.connect(cluster.lbUrl!, cursor ? { cursor } : undefined);
    current.socket.on("article:new", (article: Article) => received.push(article));
    current.socket.on("disconnect", () => {
      reader.reconnects += 1;
      // As the browser client does: reconnect (through the load balancer) and resume after the last cursor.
      void eventually(
        () => connect(received.at(-1)?.cursor).then(() => true, () => false),
        `${name} to reconnect`,
        20_000,
      );
    });
  };
  await connect();
  open.push(reader);
  return reader;
}

async function sseReader(name: string, fromCursor?: string): Promise<Reader> {
  const received: Article[] = [];
  let current: SseStream;
  const reader: Reader = { name, articles: () => received, reconnects: 0, close: () => current.close() };
  const connect = async (lastId?: string) => {
    const stream = await SseStream.open(`${cluster.lbUrl}/api/live`, lastId ? { "last-event-id": lastId } : {});
    current = stream;
    let taken = 0;
    const watch = setInterval(() => {
      const articles = stream.articles();
      received.push(...articles.slice(taken));
      taken = articles.length;
      if (stream.ended) {
        clearInterval(watch);
        reader.reconnects += 1;
        // As EventSource does: reconnect with Last-Event-ID (through the load balancer).
        void eventually(() => connect(received.at(-1)?.cursor).then(() => true, () => false), `${name} to reconnect`, 20_000);
      }
    }, 20);
    await eventually(async () => stream.comments.length > 0 || stream.ended, `${name} to open`);
  };
  await connect(fromCursor);
  open.push(reader);
  return reader;
}

/** Every article of this source, oldest first (the API lists newest first). */
async function storedOf(source: FixtureSource): Promise<Article[]> {
  return (await site().articles({ source: source.slug, limit: 100 })).articles.reverse();
}

async function expectEveryReaderHas(readers: Reader[], source: FixtureSource, count: number): Promise<void> {
  const expected = await storedOf(source);
  expect(expected).toHaveLength(count);
  for (const reader of readers) {
    await eventually(async () => reader.articles().filter((article) => article.source.id === source.id).length >= count, `${reader.name}: ${count} articles`, 30_000);
    expect(
      reader.articles().filter((article) => article.source.id === source.id).map((article) => article.id),
      `${reader.name} (reconnected ${reader.reconnects} times): every article once, in cursor order`,
    ).toEqual(expected.map((article) => article.id));
  }
}

async function publish(source: FixtureSource, title: string): Promise<void> {
  const [item] = source.put({ title });
  await site().refresh(source.id);
  await eventually(async () => (await storedOf(source)).some((article) => article.url === item.link), `"${title}" to be stored`);
}

async function leaseOf(sourceId: number): Promise<Date | null> {
  const client = new Client({ connectionString: cluster.database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ lease: Date | null }>(`SELECT "checkLeaseUntil" AS lease FROM "Source" WHERE id = $1`, [sourceId]);
    return rows[0]?.lease ?? null;
  } finally {
    await client.end();
  }
}

describe("a two-instance site", () => {
  it("kill -9 with readers attached and a lease held, then Redis restarted: nothing missed, the lease taken over, nothing crashes", async () => {
    const news = await FixtureSource.create(site(), feeds, { prefix: "news" });
    const slow = await FixtureSource.create(site(), feeds, { prefix: "leased" });
    // Four readers through HAProxy, which spreads them over both instances.
    const readers = [await socketReader("Socket.IO 1"), await sseReader("SSE 1"), await socketReader("Socket.IO 2"), await sseReader("SSE 2")];
    await publish(news, "Before the kill");
    await expectEveryReaderHas(readers, news, 1);

    // The victim (app2) starts a check of a slow publisher: it holds that source's lease when it dies.
    const victim = cluster.instances[1];
    feeds.setDelay(slow.feedName, 60_000);
    slow.put({ title: "Checked by whoever holds the lease" });
    const requestsBefore = feeds.stats(slow.feedName).requests;
    expect((await new NewswireClient(victim.url).request("POST", `/api/sources/${slow.id}/refresh`, { admin: true })).status).toBe(202);
    await eventually(async () => feeds.stats(slow.feedName).requests > requestsBefore, "the victim to fetch the slow feed");
    const leaseEnd = await leaseOf(slow.id);
    expect(leaseEnd).not.toBeNull();

    await victim.kill9();
    await cluster.haproxy!.waitForServer("app2", "DOWN");
    feeds.setDelay(slow.feedName, 0);
    await publish(news, "While the victim is dead 1");
    await publish(news, "While the victim is dead 2");
    await expectEveryReaderHas(readers, news, 3);
    // At least one reader was on the victim and came back through HAProxy.
    expect(readers.some((reader) => reader.reconnects > 0)).toBe(true);

    // Redis goes away (while the dead instance's lease still runs) and comes back empty.
    const survivor = cluster.instances[0];
    await redis.pause();
    await eventually(async () => survivor.output().includes("Redis is unreachable"), "the survivor to notice Redis is gone", 20_000);
    expect((await site().request("GET", "/api/health")).status).toBe(200);
    await publish(news, "While Redis is away");
    // A reader arriving meanwhile with the cursor of the first story: replayed from PostgreSQL, then live.
    const firstCursor = (await storedOf(news))[0].cursor;
    const late = await sseReader("SSE joining while Redis is away", firstCursor);
    await expectEveryReaderHas(readers, news, 4);
    await redis.resume();
    await eventually(async () => survivor.output().includes("Redis is back"), "the survivor to reconnect to Redis", 30_000);
    await publish(news, "After Redis came back");
    await expectEveryReaderHas(readers, news, 5);
    const all = await storedOf(news);
    await eventually(async () => late.articles().filter((article) => article.source.id === news.id).length >= 4, "the late reader: everything after its cursor");
    expect(late.articles().filter((article) => article.source.id === news.id).map((article) => article.id)).toEqual(all.slice(1).map((article) => article.id));

    // The dead instance's lease: nobody checks the source before it ends, the survivor does after.
    expect(feeds.stats(slow.feedName).requests).toBe(requestsBefore + 1);
    const takenOver = await eventually(
      async () => ((await storedOf(slow)).length === 1 ? Date.now() : undefined),
      "the survivor to take the leased source over",
      Math.max(0, leaseEnd!.getTime() - Date.now()) + 60_000,
    );
    expect(takenOver).toBeGreaterThanOrEqual(leaseEnd!.getTime());
    expect(feeds.stats(slow.feedName).requests).toBe(requestsBefore + 2);

    expect(survivor.process.exitCode).toBeNull();
    expect(survivor.output()).not.toMatch(/uncaught|unhandled/i);
    for (const reader of [...readers, late]) reader.close();
  }, 300_000);

  it("SIGTERM: HAProxy takes the instance out (its health says 503) before it stops", async () => {
    await cluster.restart(1);
    const leaving = cluster.instances[1];
    const serverPid = leaving.process.pid!;
    const stopped = leaving.stop();
    await cluster.haproxy!.waitForServer("app2", "DOWN", 10_000);
    // Marked down by its health checks while the process still runs and serves.
    expect(isAlive(serverPid)).toBe(true);
    expect((await fetch(`${leaving.url}/api/articles?limit=1`)).status).toBe(200);
    expect(await stopped).toBe(0);
    expect(leaving.output()).toContain('"msg":"stopped"');
  }, 120_000);
});
