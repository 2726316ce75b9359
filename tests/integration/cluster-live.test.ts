// Live updates across instances (docs/api.md, "Live updates": with several instances every rule holds
// across them). Three `npm start` instances A, B, C on one fresh PostgreSQL database and one Redis (a key
// prefix of this run's own), HAProxy in front (tests/helpers/cluster.ts). Readers connect to an instance
// directly, or through HAProxy where the test is about the balancer.
//
// "In cursor order" is checked against the API: GET /api/articles pages newest first by cursor, so the
// order a reader must see is that listing reversed. Cursors stay opaque.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRedisKeys, startCluster, type Cluster, type ClusterInstance } from "../helpers/cluster";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually, NewswireExitedError, startNewswire, type RunningServer } from "../helpers/newswire-server";
import { FixtureSource, LiveSocket, NewswireClient, SseStream, type Article } from "../helpers/newswire-client";

let cluster: Cluster;
let feeds: FixtureFeedServer;
const open: { close(): void }[] = [];

beforeAll(async () => {
  [cluster, feeds] = await Promise.all([startCluster({ instances: 3, name: "live" }), startFixtureFeedServer()]);
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await feeds?.close();
  await cluster?.stopAll();
});

const instance = (i: number): ClusterInstance => cluster.instances[i];
/** Instance i itself. */
const api = (i: number): NewswireClient => new NewswireClient(instance(i).url);
/** Through HAProxy: reads that must work whichever instance is down. */
const site = (): NewswireClient => new NewswireClient(cluster.lbUrl!);

/** A reader of either transport, by the name the assertions print. */
type Reader = { name: string; articles(): Article[]; close(): void };

async function socketReader(name: string, url: string, auth?: Record<string, string>): Promise<Reader & { live: LiveSocket }> {
  const live = await LiveSocket.connect(url, auth);
  open.push(live);
  return { name, live, articles: () => live.received, close: () => live.close() };
}

async function sseReader(name: string, url: string, headers: Record<string, string> = {}): Promise<Reader> {
  const stream = await SseStream.open(`${url}/api/live`, headers);
  open.push(stream);
  expect(stream.status).toBe(200);
  // The opening comment: the server has registered the stream, so nothing published from now on is missed.
  await eventually(async () => stream.comments.length > 0, `${name} to open`);
  return { name, articles: () => stream.articles(), close: () => stream.close() };
}

/** Every article of these sources, oldest first in cursor order (the API's listing, reversed). */
async function inCursorOrder(sourceIds: number[]): Promise<Article[]> {
  const wanted = new Set(sourceIds);
  const all: Article[] = [];
  let cursor: string | null = null;
  do {
    const page: { articles: Article[]; nextCursor: string | null } = await site().articles({ limit: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.articles);
    cursor = page.nextCursor;
  } while (cursor);
  return all.filter((article) => wanted.has(article.source.id)).reverse();
}

const ids = (articles: Article[]) => articles.map((article) => article.id);
const ofSources = (articles: Article[], sourceIds: number[]) => articles.filter((article) => sourceIds.includes(article.source.id));

/** Waits until `reader` has `count` articles of these sources, then checks they are exactly `expected`, in order. */
async function expectReceived(reader: Reader, sourceIds: number[], expected: Article[], timeoutMs = 15_000): Promise<void> {
  await eventually(async () => ofSources(reader.articles(), sourceIds).length >= expected.length, `${reader.name}: ${expected.length} articles`, timeoutMs).catch(
    (error: Error) => {
      throw new Error(`${error.message}; it has ${JSON.stringify(ids(ofSources(reader.articles(), sourceIds)))}, expected ${JSON.stringify(ids(expected))}`);
    },
  );
  expect(ids(ofSources(reader.articles(), sourceIds)), reader.name).toEqual(ids(expected));
}

/** Distinct publication times a few seconds apart (RSS dates have second precision), oldest first. */
function timesAgo(count: number): Date[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => new Date(now - (count - i) * 5_000));
}

/** Puts stories on the source's feed and refreshes it on instance `i`; resolves once they are stored. */
async function publishOn(i: number, source: FixtureSource, titles: string[]): Promise<void> {
  const items = source.put(...timesAgo(titles.length).map((pubDate, n) => ({ title: titles[n], pubDate })));
  await api(i).refresh(source.id);
  await eventually(async () => {
    const stored = await site().articlesOf(source.slug);
    return items.every((item) => stored.some((article) => article.url === item.link));
  }, `${titles.join(", ")} to be stored`);
}

async function newSource(prefix: string): Promise<FixtureSource> {
  return FixtureSource.create(api(0), feeds, { prefix });
}

describe("an article ingested on one instance", () => {
  it("(a) reaches Socket.IO and SSE readers connected to the other instances, each once, in order", async () => {
    const source = await newSource("cross");
    const readers = [
      await socketReader("Socket.IO on B", instance(1).url),
      await sseReader("SSE on B", instance(1).url),
      await socketReader("Socket.IO on C", instance(2).url),
      await sseReader("SSE on C", instance(2).url),
    ];
    await publishOn(0, source, ["Cross one", "Cross two", "Cross three"]);
    // A marker after them: once it has arrived, a duplicate of the first three would have too.
    await publishOn(0, source, ["Cross marker"]);
    const expected = await inCursorOrder([source.id]);
    expect(expected.map((article) => article.title)).toEqual(["Cross one", "Cross two", "Cross three", "Cross marker"]);
    for (const reader of readers) await expectReceived(reader, [source.id], expected);
    for (const reader of readers) reader.close();
  });
});

describe("resume on another instance", () => {
  /** A reader on A that has seen one article, then left: what it missed is published on C. */
  async function leaveAfterOne(prefix: string): Promise<{ source: FixtureSource; cursor: string; missed: Article[] }> {
    const source = await newSource(prefix);
    const onA = await socketReader("Socket.IO on A", instance(0).url);
    await publishOn(0, source, [`${prefix} seen`]);
    await expectReceived(onA, [source.id], await inCursorOrder([source.id]));
    const cursor = onA.articles().at(-1)!.cursor;
    onA.close();
    await publishOn(2, source, [`${prefix} missed 1`, `${prefix} missed 2`, `${prefix} missed 3`]);
    const missed = (await inCursorOrder([source.id])).slice(1);
    expect(missed).toHaveLength(3);
    return { source, cursor, missed };
  }

  it("(b) Socket.IO with auth {cursor}: every missed article once, in order, then new ones", async () => {
    const { source, cursor, missed } = await leaveAfterOne("resume-auth");
    const onB = await socketReader("Socket.IO on B, auth cursor", instance(1).url, { cursor });
    await expectReceived(onB, [source.id], missed);
    await publishOn(0, source, ["resume-auth fresh"]);
    await expectReceived(onB, [source.id], (await inCursorOrder([source.id])).slice(1));
  });

  it("(b) Socket.IO with a resume {cursor} event: the same", async () => {
    const { source, cursor, missed } = await leaveAfterOne("resume-event");
    const onB = await socketReader("Socket.IO on B, resume event", instance(1).url);
    onB.live.socket.emit("resume", { cursor });
    await expectReceived(onB, [source.id], missed);
    await publishOn(2, source, ["resume-event fresh"]);
    await expectReceived(onB, [source.id], (await inCursorOrder([source.id])).slice(1));
  });

  it("(b) SSE with Last-Event-ID: the same", async () => {
    const { source, cursor, missed } = await leaveAfterOne("resume-sse");
    const onB = await sseReader("SSE on B, Last-Event-ID", instance(1).url, { "last-event-id": cursor });
    await expectReceived(onB, [source.id], missed);
    await publishOn(0, source, ["resume-sse fresh"]);
    await expectReceived(onB, [source.id], (await inCursorOrder([source.id])).slice(1));
  });
});

/** How many live Socket.IO clients each instance holds, from its own /metrics (0 for one that is down). */
async function socketCounts(): Promise<number[]> {
  return Promise.all(
    cluster.instances.map(async (member) => {
      try {
        const text = await (await fetch(`${member.url}/metrics`)).text();
        return Number(text.match(/^newswire_live_clients\{transport="socket\.io"\} (\d+)/m)?.[1] ?? 0);
      } catch {
        return 0;
      }
    }),
  );
}

describe("the instance a reader is connected to dies", () => {
  it("(c) kill -9: the reader reconnects through HAProxy with its last cursor and misses nothing", async () => {
    const source = await newSource("kill");
    const before = await socketCounts();
    const reader = await socketReader("Socket.IO through HAProxy", cluster.lbUrl!);
    let disconnected = false;
    reader.live.socket.on("disconnect", () => (disconnected = true));
    // (An object: index 0 is a valid answer, and `eventually` waits for a truthy one.)
    const { holder } = await eventually(async () => {
      const after = await socketCounts();
      const grown = after.map((count, i) => count - before[i]);
      return grown.filter((delta) => delta === 1).length === 1 && grown.every((delta) => delta >= 0) ? { holder: grown.indexOf(1) } : undefined;
    }, "the instance holding the reader");
    const others = [0, 1, 2].filter((i) => i !== holder);

    await publishOn(others[0], source, ["kill before"]);
    await expectReceived(reader, [source.id], await inCursorOrder([source.id]));

    await instance(holder).kill9();
    await eventually(async () => disconnected, "the reader to notice its instance died");
    await publishOn(others[1], source, ["kill while away 1", "kill while away 2"]);

    const cursor = reader.articles().at(-1)!.cursor;
    const again = await socketReader("Socket.IO through HAProxy, reconnected", cluster.lbUrl!, { cursor });
    await publishOn(others[0], source, ["kill after"]);
    const all = await inCursorOrder([source.id]);
    expect(all).toHaveLength(4);
    await expectReceived(again, [source.id], all.slice(1));
    // Together: every article exactly once.
    expect([...ids(ofSources(reader.articles(), [source.id])), ...ids(ofSources(again.articles(), [source.id]))]).toEqual(ids(all));

    await cluster.restart(holder);
  });
});

describe("several instances ingesting at once", () => {
  it("(d) ~200 articles refreshed on A and B concurrently reach every reader exactly once, in cursor order", async () => {
    const sources = await Promise.all(Array.from({ length: 20 }, (_, i) => FixtureSource.create(api(i % 3), feeds, { prefix: `bulk${i}` })));
    const sourceIds = sources.map((source) => source.id);
    const readers = [
      await socketReader("Socket.IO on A", instance(0).url),
      await sseReader("SSE on A", instance(0).url),
      await socketReader("Socket.IO on B", instance(1).url),
      await sseReader("SSE on B", instance(1).url),
      await socketReader("Socket.IO on C", instance(2).url),
    ];
    for (const source of sources) source.put(...timesAgo(10).map((pubDate, n) => ({ title: `${source.feedName} story ${n + 1}`, pubDate })));
    // Every source refreshed on both A and B at the same moment.
    await Promise.all(sources.flatMap((source) => [api(0).refresh(source.id, 60_000), api(1).refresh(source.id, 60_000)]));
    await eventually(async () => (await inCursorOrder(sourceIds)).length === 200, "all 200 articles to be stored", 60_000);
    const expected = await inCursorOrder(sourceIds);
    expect(new Set(ids(expected)).size).toBe(200);
    for (const reader of readers) await expectReceived(reader, sourceIds, expected, 60_000);
    for (const reader of readers) reader.close();
  }, 180_000);
});

describe("polling politeness across the cluster", () => {
  /** Resolves once every source has a check recorded after `before` (their lastFetchedAt values). */
  async function checkedAgain(sources: FixtureSource[], before: (string | null)[]): Promise<void> {
    await eventually(
      async () => {
        const health = await site().sources();
        return sources.every((source, i) => {
          const now = health.find((candidate) => candidate.id === source.id)?.lastFetchedAt ?? null;
          return now !== null && now !== before[i];
        });
      },
      "every source to be checked again",
      60_000,
    );
  }
  async function lastChecks(sources: FixtureSource[]): Promise<(string | null)[]> {
    const health = await site().sources();
    return sources.map((source) => health.find((candidate) => candidate.id === source.id)?.lastFetchedAt ?? null);
  }
  const refreshOn = (i: number, source: FixtureSource) => api(i).request("POST", `/api/sources/${source.id}/refresh`, { admin: true });

  it("(e) one fetch of a source at a time, and at most 2 requests at once to one host, whatever the number of instances", async () => {
    // The instrument first: two requests of ours at once to a slow feed are counted as two.
    const probe = "politeness-probe";
    feeds.setDelay(probe, 300);
    feeds.resetConcurrency();
    await Promise.all([fetch(feeds.feedUrl(probe)), fetch(feeds.feedUrl(probe))]);
    expect(feeds.stats(probe).maxInFlight).toBe(2);

    // Twelve feeds on one host (the fixture server), each answering slowly so that fetches overlap if
    // anything lets them.
    const sources = await Promise.all(Array.from({ length: 12 }, (_, i) => FixtureSource.create(api(i % 3), feeds, { prefix: `polite${i}` })));
    for (const source of sources) {
      source.put({ title: `${source.feedName} story` });
      feeds.setDelay(source.feedName, 400);
    }
    feeds.resetConcurrency();

    // Every source asked for on all three instances at the same moment.
    let before = await lastChecks(sources);
    await Promise.all(sources.flatMap((source) => [0, 1, 2].map((i) => refreshOn(i, source))));
    await checkedAgain(sources, before);

    // Instance by instance, each asked for its own sources while the one before is still fetching: every
    // instance has work for the host at once.
    before = await lastChecks(sources);
    for (const i of [0, 1, 2]) {
      const mine = sources.filter((_, n) => n % 3 === i);
      const requested = mine.map((source) => feeds.stats(source.feedName).requests);
      await Promise.all(mine.map((source) => refreshOn(i, source)));
      await eventually(async () => mine.some((source, n) => feeds.stats(source.feedName).requests > requested[n]), `a fetch asked of instance ${i} to start`);
    }
    await checkedAgain(sources, before);

    for (const source of sources) expect(feeds.stats(source.feedName).maxInFlight, source.feedName).toBe(1);
    expect(feeds.maxConcurrentRequests()).toBeLessThanOrEqual(2);
  }, 180_000);
});

describe("REDIS_PREFIX", () => {
  it("(f) two sites sharing one Redis under different prefixes never hear each other's live events", async () => {
    // One after the other: see startCluster on starting instances together.
    const one = await startCluster({ instances: 1, name: "site-one", loadBalancer: false });
    const two = await startCluster({ instances: 1, name: "site-two", loadBalancer: false }).catch(async (error: unknown) => {
      await one.stopAll();
      throw error;
    });
    try {
      expect(one.redisPrefix).not.toBe(two.redisPrefix);
      const [apiOne, apiTwo] = [new NewswireClient(one.instances[0].url), new NewswireClient(two.instances[0].url)];
      const [readerOne, readerTwo] = [await LiveSocket.connect(one.instances[0].url), await LiveSocket.connect(two.instances[0].url)];
      open.push(readerOne, readerTwo);
      const [sourceOne, sourceTwo] = [await FixtureSource.create(apiOne, feeds, { prefix: "site-one" }), await FixtureSource.create(apiTwo, feeds, { prefix: "site-two" })];

      const [fromOne] = await sourceOne.publish({ title: "Only for site one" });
      await readerOne.waitForCount(1, "site one's story on site one");
      const [fromTwo] = await sourceTwo.publish({ title: "Only for site two" });
      await readerTwo.waitForCount(1, "site two's story on site two");
      // One more on site one after site two's: had the prefixes leaked, site two would have had it by now.
      const [fromOneAgain] = await sourceOne.publish({ title: "Site one again" });
      await readerOne.waitForCount(2, "site one's second story");
      expect(readerOne.received.map((article) => article.url)).toEqual([fromOne.url, fromOneAgain.url]);
      expect(readerTwo.received.map((article) => article.url)).toEqual([fromTwo.url]);

      // Each site did use Redis, each under its own prefix (else the isolation above proves nothing).
      expect((await listRedisKeys(one.redisPrefix)).length).toBeGreaterThan(0);
      expect((await listRedisKeys(two.redisPrefix)).length).toBeGreaterThan(0);
    } finally {
      await Promise.all([one.stopAll(), two.stopAll()]);
    }
  }, 240_000);
});

describe("a second instance without REDIS_URL", () => {
  it("(g) is refused at start with one line naming REDIS_URL", async () => {
    // On the running cluster's database: A, B and C are up. (If it is decided that such an instance should
    // work instead, this becomes: it shares live updates with the others.)
    let started: RunningServer | undefined;
    // Started as the container starts it: under npm, npm's own error lines would follow on stderr.
    const refusal = await startNewswire({ launcher: "node", env: { ...cluster.env, REDIS_URL: "" } }).then(
      (server) => {
        started = server;
        return undefined;
      },
      (error: unknown) => error,
    );
    await started?.stop();
    expect(started, "it started and listened").toBeUndefined();
    expect(refusal).toBeInstanceOf(NewswireExitedError);
    const exit = refusal as NewswireExitedError;
    expect(exit.code).not.toBe(0);
    const lines = exit.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines, exit.stderr).toHaveLength(1);
    expect(lines[0]).toContain("REDIS_URL");
    // The others were not disturbed.
    for (const member of cluster.instances) expect((await fetch(`${member.url}/api/health`)).status).toBe(200);
  }, 120_000);
});
