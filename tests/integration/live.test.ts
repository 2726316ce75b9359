// Live updates as an outside client sees them: Socket.IO `article:new` (and `resume`) and Server-Sent Events
// at /api/live (Last-Event-ID, ?cursor=, ?source=), against the real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually, type RunningServer } from "../helpers/newswire-server";
import { ARTICLE_KEYS, FixtureSource, startTestServer, LiveSocket, NewswireClient, SseStream, type Article } from "../helpers/newswire-client";

let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;
const open: { close(): void }[] = [];

beforeAll(async () => {
  [server, feeds] = await Promise.all([startTestServer(), startFixtureFeedServer()]);
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await server?.stop();
  await feeds?.close();
});

async function socket(auth?: Record<string, string>, transports?: string[]): Promise<LiveSocket> {
  const client = await LiveSocket.connect(server.url, auth, transports);
  open.push(client);
  return client;
}

async function sse(path = "/api/live", headers: Record<string, string> = {}): Promise<SseStream> {
  const stream = await SseStream.open(`${server.url}${path}`, headers);
  open.push(stream);
  return stream;
}

function ofSource(articles: Article[], source: FixtureSource): Article[] {
  return articles.filter((article) => article.source.id === source.id);
}

/** Distinct publication times a few seconds apart (RSS dates have second precision), oldest first. */
function timesAgo(count: number): Date[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => new Date(now - (count - i) * 5_000));
}

describe("Socket.IO", () => {
  let source: FixtureSource;
  let a: LiveSocket;
  let b: LiveSocket;

  beforeAll(async () => {
    source = await FixtureSource.create(api, feeds, { prefix: "socket", category: "world" });
    [a, b] = await Promise.all([socket(), socket()]);
  });

  it("sends article:new to every connected client, in the API's Article shape", async () => {
    const [published] = source.put({ title: "Live story for two readers", imageUrl: "https://img.example.com/live.jpg" });
    const refresh = await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true });
    expect(refresh.status).toBe(202);

    const [fromA, fromB] = await Promise.all([a.waitForCount(1, "client A's article"), b.waitForCount(1, "client B's article")]);
    expect(ofSource(fromA, source)).toHaveLength(1);
    expect(fromA).toEqual(fromB);
    const live = fromA[0];
    expect(Object.keys(live).sort()).toEqual(ARTICLE_KEYS);
    expect(live.url).toBe(published.link);

    const stored = await eventually(async () => (await api.articlesOf(source.slug)).find((article) => article.url === published.link), "the stored article");
    expect(live).toEqual(stored);
    await eventually(async () => (await api.source(source.id))?.lastFetchedAt !== source.source.lastFetchedAt, "the check to be recorded");
  });

  it("emits several new articles oldest first (ascending id)", async () => {
    const before = a.received.length;
    const times = timesAgo(4);
    // The fixture lists items newest first, as real feeds do: the oldest-first order must come from the server.
    source.put(...times.map((pubDate, i) => ({ title: `Batch story ${i + 1}`, pubDate })));
    await api.refresh(source.id);
    const [fromA, fromB] = await Promise.all([a.waitForCount(before + 4), b.waitForCount(before + 4)]);
    const batchA = fromA.slice(before);
    const batchB = fromB.slice(before);
    expect(batchA).toEqual(batchB);
    const ids = batchA.map((article) => article.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(batchA.map((article) => article.title)).toEqual(["Batch story 1", "Batch story 2", "Batch story 3", "Batch story 4"]);
    expect(batchA).toEqual((await api.articlesOf(source.slug)).slice(0, 4).reverse());
  });

  it("replays exactly what a client missed, in order, before newer articles after resume", async () => {
    const lastSeen = a.received.at(-1)!;
    const seenBefore = a.received.length;
    a.socket.disconnect();
    await eventually(async () => !a.socket.connected, "client A to disconnect");

    const bBefore = b.received.length;
    const storedBefore = (await api.source(source.id))!.articleCount;
    const missed = await source.publish(...timesAgo(3).map((pubDate, i) => ({ title: `Missed story ${i + 1}`, pubDate })));
    await b.waitForCount(bBefore + 3, "client B's live copies of the missed stories");
    expect(a.received.length).toBe(seenBefore);

    a.socket.once("connect", () => a.socket.emit("resume", { cursor: lastSeen.cursor }));
    a.socket.connect();
    await a.waitForConnect();
    // Something new straight after the resume request: it must come after the replayed ones.
    const [fresh] = source.put({ title: "Fresh story after resume" });
    expect((await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true })).status).toBe(202);

    const after = (await a.waitForCount(seenBefore + 4, "the replay and the fresh story")).slice(seenBefore);
    expect(after.map((article) => article.title)).toEqual(["Missed story 1", "Missed story 2", "Missed story 3", "Fresh story after resume"]);
    expect(after.slice(0, 3)).toEqual(missed);
    expect(after[3].url).toBe(fresh.link);
    const ids = after.map((article) => article.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids[0]).toBeGreaterThan(lastSeen.id);
    // Nothing twice, nothing else: B, connected throughout, saw the same sequence live.
    await eventually(async () => (await api.source(source.id))?.articleCount === storedBefore + 4, "the fresh story to be stored");
    await b.waitForCount(bBefore + 4, "client B's copy of the fresh story");
    expect(a.received.length).toBe(seenBefore + 4);
    expect(b.received.slice(bBefore)).toEqual(after);
  });

  it("serves a client on HTTP long-polling, like one behind a proxy that refuses websockets", async () => {
    const polling = await socket(undefined, ["polling"]);
    expect(polling.socket.io.engine.transport.name).toBe("polling");
    const [story] = source.put({ title: "Story for a long-polling client" });
    await api.refresh(source.id);
    const received = await polling.waitForCount(1, "the story");
    expect(received.map((article) => article.url)).toEqual([story.link]);
  });

  it("does not resend, on a resume repeating the handshake cursor, what already arrived live", async () => {
    // The homepage puts its newest cursor in the handshake and sends it again in a resume event on connect;
    // a story published between the two reaches the client live and must not come a second time.
    const cursor = a.received.at(-1)!.cursor;
    const c = await socket({ cursor });
    const [fresh] = source.put({ title: "Live between handshake and resume" });
    await api.refresh(source.id);
    await c.waitForCount(1, "the story, live");
    c.socket.emit("resume", { cursor });
    // A marker published after the resume request: once it arrives, any replay of the first story would have too.
    source.put({ title: "Marker after the repeated resume" });
    await api.refresh(source.id);
    const received = await c.waitForCount(2, "the marker");
    expect(received.map((article) => article.title)).toEqual(["Live between handshake and resume", "Marker after the repeated resume"]);
    expect(received[0].url).toBe(fresh.link);
  });

  afterAll(() => {
    a?.close();
    b?.close();
  });
});

describe("Server-Sent Events", () => {
  it("opens with retry: and a comment line at once", async () => {
    const started = Date.now();
    const stream = await sse();
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(stream.headers["cache-control"]).toMatch(/no-cache/);
    await eventually(async () => stream.retry !== null && stream.comments.length > 0, "the opening retry and comment", 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(stream.retry).toBeGreaterThan(0);
    stream.close();
  });

  it("streams event: article with id: <cursor> and the Article as data, then replays what was missed", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "sse" });
    const first = await sse();
    await eventually(async () => first.comments.length > 0, "the stream to open");

    const [one] = await source.publish({ title: "SSE story one" });
    await first.waitForArticles(1);
    const event = first.events.find((candidate) => candidate.event === "article")!;
    expect(event.id).toBe(one.cursor);
    expect(JSON.parse(event.data)).toEqual(one);
    expect(first.articles()).toEqual([one]);
    first.close();

    // Missed while away, then Last-Event-ID.
    const missed = await source.publish(...timesAgo(2).map((pubDate, i) => ({ title: `SSE missed ${i + 1}`, pubDate })));
    const resumed = await sse("/api/live", { "last-event-id": event.id! });
    const replayed = await resumed.waitForArticles(2, "the replay after Last-Event-ID");
    expect(replayed).toEqual(missed);
    expect(resumed.events.slice(0, 2).map((e) => e.id)).toEqual(missed.map((article) => article.cursor));

    const [later] = await source.publish({ title: "SSE after reconnect" });
    const all = await resumed.waitForArticles(3);
    expect(all).toEqual([...missed, later]);

    // ?cursor= does the same for clients that cannot set headers.
    const byQuery = await sse(`/api/live?cursor=${encodeURIComponent(one.cursor)}`);
    expect(await byQuery.waitForArticles(3, "the replay after ?cursor=")).toEqual([...missed, later]);

    await eventually(async () => (await api.source(source.id))?.articleCount === 4, "all SSE stories");
    expect(resumed.articles()).toHaveLength(3);
    expect(byQuery.articles()).toHaveLength(3);
    resumed.close();
    byQuery.close();
  });

  it("filters by ?source=<slug>, live and in replay", async () => {
    const wanted = await FixtureSource.create(api, feeds, { prefix: "sse-wanted" });
    const other = await FixtureSource.create(api, feeds, { prefix: "sse-other" });
    const filtered = await sse(`/api/live?source=${wanted.slug}`);
    await eventually(async () => filtered.comments.length > 0, "the filtered stream to open");
    // Cursors are opaque: replay from one the server issued (the newest article so far).
    const start = (await api.articles({ limit: 1 })).articles[0].cursor;

    const [noise] = await other.publish({ title: "Not for the filtered stream" });
    const [signal] = await wanted.publish({ title: "For the filtered stream" });
    // Ingested in this order, so an unfiltered event would have arrived first.
    expect(noise.id).toBeLessThan(signal.id);
    expect(await filtered.waitForArticles(1)).toEqual([signal]);

    const replay = await sse(`/api/live?source=${wanted.slug}&cursor=${start}`);
    expect(await replay.waitForArticles(1)).toEqual([signal]);
    // Both streams stay clean after one more unrelated article.
    const [moreNoise] = await other.publish({ title: "More noise" });
    const unfiltered = await sse(`/api/live?cursor=${start}`);
    expect(await unfiltered.waitForArticles(3)).toEqual([noise, signal, moreNoise]);
    expect(filtered.articles()).toEqual([signal]);
    expect(replay.articles()).toEqual([signal]);
    for (const stream of [filtered, replay, unfiltered]) stream.close();
  });

  it("refuses other methods with 405 and the JSON error shape", async () => {
    const response = await api.request("POST", "/api/live", { body: {} });
    expect(response.status).toBe(405);
    expect(response.json().error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });
});

// Last: it stops this file's server.
describe("shutdown with live clients", () => {
  it("exits 0 promptly on SIGTERM with Socket.IO and SSE clients still connected, closing both", async () => {
    const client = await socket();
    const stream = await sse();
    await eventually(async () => stream.comments.length > 0, "the stream to open");
    let disconnected = false;
    client.socket.on("disconnect", () => (disconnected = true));

    const started = Date.now();
    const code = await server.stop();
    const tookMs = Date.now() - started;
    expect(code, server.output()).toBe(0);
    expect(tookMs, server.output()).toBeLessThan(5_000);
    expect(server.output()).toContain('"msg":"stopped"');
    await eventually(async () => disconnected && stream.ended, "both clients to be closed by the server", 3_000);
  });
});
