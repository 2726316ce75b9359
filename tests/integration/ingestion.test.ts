// Ingestion through the running server: misbehaving feeds are recorded on their source and never stop the
// others, conditional GET, dedupe, sanitization, and the SSRF policy with FEED_ALLOW_PRIVATE=0.
import { lookup } from "node:dns/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRss, startFixtureFeedServer, type FixtureFeedServer, type FixtureItem } from "../helpers/fixture-feed-server";
import { eventually, type RunningServer } from "../helpers/newswire-server";
import { FixtureSource, NewswireClient, startTestServer, uniqueName, type SourceHealth } from "../helpers/newswire-client";

/** The server's own fetch budget (DEFAULT_TIMEOUT_MS in lib/ingest/fetch/index.ts); not configurable from outside. */
const FETCH_TIMEOUT_MS = 15_000;

let server: RunningServer;
let strict: RunningServer;
let feeds: FixtureFeedServer;
/** A second publisher on its own port (its own host for the per-host limit) that holds a hanging feed. */
let slowFeeds: FixtureFeedServer;
let api: NewswireClient;
let strictApi: NewswireClient;

let hanging: FixtureSource;
let hangingCheckedBefore: string | null;
let hangRequestedAt: number;

beforeAll(async () => {
  [server, strict, feeds, slowFeeds] = await Promise.all([
    startTestServer(),
    startTestServer({ env: { FEED_ALLOW_PRIVATE: "0" } }),
    startFixtureFeedServer(),
    startFixtureFeedServer(),
  ]);
  api = new NewswireClient(server.url);
  strictApi = new NewswireClient(strict.url);

  // A source that worked when it was added and now hangs mid-body: its check can only end by the server's
  // timeout (15 s), so it is started first and judged by the last test while the others run meanwhile.
  hanging = await FixtureSource.create(api, slowFeeds, { prefix: "hang", items: [{ title: "Before the hang" }] });
  hangingCheckedBefore = hanging.source.lastFetchedAt;
  slowFeeds.setBehaviour(hanging.feedName, { kind: "hang" });
  const requestsBefore = slowFeeds.stats(hanging.feedName).requests;
  hangRequestedAt = Date.now();
  const refresh = await api.request("POST", `/api/sources/${hanging.id}/refresh`, { admin: true });
  expect(refresh.status).toBe(202);
  await eventually(async () => slowFeeds.stats(hanging.feedName).requests > requestsBefore, "the hanging feed to be requested");
}, 240_000);

afterAll(async () => {
  await Promise.all([server?.stop(), strict?.stop()]);
  await Promise.all([feeds?.close(), slowFeeds?.close()]);
});

describe("failing feeds", () => {
  it("keeps ingesting a good source while another source's fetch hangs", async () => {
    const good = await FixtureSource.create(api, feeds, { prefix: "beside-hang", items: [{ title: "Good story one" }] });
    expect(good.source.articleCount).toBe(1);
    const [article] = await good.publish({ title: "Good story while another hangs" });
    expect(article.title).toBe("Good story while another hangs");
    // The hanging check is still in flight: nothing was recorded on it yet.
    expect((await api.source(hanging.id))!.lastFetchedAt).toBe(hangingCheckedBefore);
    expect(Date.now() - hangRequestedAt).toBeLessThan(FETCH_TIMEOUT_MS);
  });

  it("records 500, 404 and garbage on each source, and a good source checked alongside still ingests", async () => {
    const broken = await Promise.all(
      ["status500", "status404", "garbage"].map((prefix) => FixtureSource.create(api, feeds, { prefix, items: [{ title: `${prefix} worked once` }] })),
    );
    const [s500, s404, garbage] = broken;
    const good = await FixtureSource.create(api, feeds, { prefix: "good", items: [{ title: "Good old story" }] });
    feeds.setBehaviour(s500.feedName, { kind: "status", status: 500 });
    feeds.setBehaviour(s404.feedName, { kind: "status", status: 404 });
    feeds.setBehaviour(garbage.feedName, { kind: "body", contentType: "application/rss+xml", body: "<rss><channel><item><title>broken" + "\u0000\u0001garbage" });
    const [item] = good.put({ title: "Good new story" });

    const checked = await Promise.all([...broken, good].map((source) => api.refresh(source.id)));
    const [after500, after404, afterGarbage, afterGood] = checked;

    const expectFailure = (source: SourceHealth, pattern: RegExp) => {
      expect(source.lastError, source.name).toMatch(pattern);
      expect(source.errorCount, source.name).toBeGreaterThanOrEqual(1);
      // The earlier success and its article stay.
      expect(source.lastSuccessAt, source.name).not.toBeNull();
      expect(Date.parse(source.lastFetchedAt!)).toBeGreaterThan(Date.parse(source.lastSuccessAt!));
      expect(source.articleCount, source.name).toBe(1);
    };
    expectFailure(after500, /500/);
    expectFailure(after404, /404/);
    expectFailure(afterGarbage, /./);

    expect(afterGood).toMatchObject({ lastError: null, errorCount: 0, articleCount: 2 });
    expect((await api.articlesOf(good.slug)).map((article) => article.url)).toContain(item.link);

    // A feed that recovers clears its error.
    feeds.setBehaviour(s500.feedName, { kind: "rss" });
    s500.put({ title: "Back online" });
    const recovered = await api.refresh(s500.id);
    expect(recovered).toMatchObject({ lastError: null, errorCount: 0, articleCount: 2 });
  });

  it("counts consecutive failures", async () => {
    const flaky = await FixtureSource.create(api, feeds, { prefix: "flaky", items: [{}] });
    feeds.setBehaviour(flaky.feedName, { kind: "status", status: 503 });
    const first = await api.refresh(flaky.id);
    expect(first.errorCount).toBe(1);
    const second = await api.refresh(flaky.id);
    expect(second.errorCount).toBe(2);
    expect(second.lastError).toMatch(/503/);
  });
});

describe("conditional GET", () => {
  it("answers an unchanged feed with 304 and stores nothing twice", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "etag", items: [{ title: "Etag one" }, { title: "Etag two" }] });
    expect(source.source.articleCount).toBe(2);
    expect(feeds.stats(source.feedName).conditionalHits).toBe(0);

    const first = await api.refresh(source.id);
    expect(feeds.stats(source.feedName).conditionalHits).toBe(1);
    expect(first).toMatchObject({ articleCount: 2, lastError: null, errorCount: 0 });
    expect(first.lastSuccessAt).toBe(first.lastFetchedAt);

    const second = await api.refresh(source.id);
    expect(feeds.stats(source.feedName).conditionalHits).toBe(2);
    expect(second.articleCount).toBe(2);
    expect(await api.articlesOf(source.slug)).toHaveLength(2);

    // A change is fetched in full again.
    await source.publish({ title: "Etag three" });
    expect(feeds.stats(source.feedName).conditionalHits).toBe(2);
    expect(await api.articlesOf(source.slug)).toHaveLength(3);
  });
});

describe("dedupe", () => {
  it("never stores the same guid twice, however often it is published or refreshed", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "dedupe" });
    const story = { guid: uniqueName("guid"), title: "The one and only story", link: `${feeds.origin}/site/dedupe/only-story`, description: "Only once." };
    const [stored] = await source.publish(story);

    // The same item listed twice in the feed, then the feed re-read in full because something else changed.
    source.put(story);
    await api.refresh(source.id);
    const [other] = await source.publish({ title: "A different story" });
    await api.refresh(source.id);
    await api.refresh(source.id);

    const articles = await api.articlesOf(source.slug);
    expect(articles.map((article) => article.id).sort((a, b) => a - b)).toEqual([stored.id, other.id]);
    expect(articles.filter((article) => article.url === story.link)).toHaveLength(1);
    expect((await api.source(source.id))!.articleCount).toBe(2);
    // And the one kept is the first one, with its cursor.
    expect(articles.find((article) => article.url === story.link)).toEqual(stored);
  });
});

describe("sanitization", () => {
  it("stores a plain-text summary and renders no script or event handler from feed HTML", async () => {
    const source = await FixtureSource.create(api, feeds, { prefix: "xss" });
    const [article] = await source.publish({
      title: "Hostile markup in the summary",
      description: 'Calm words before. <script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(2)">link text</a> Calm words after.',
    });
    expect(article.summary).not.toContain("<script");
    expect(article.summary).not.toMatch(/[<>]/);
    expect(article.summary).not.toContain("onerror");
    expect(article.summary).not.toContain("alert(1)");
    expect(article.summary).toContain("Calm words before.");
    expect(article.summary).toContain("Calm words after.");

    const page = await api.request("GET", article.path);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain("Hostile markup in the summary");
    expect(page.text).not.toContain("onerror");
    expect(page.text).not.toContain("<script>alert");
    expect(page.text).not.toContain("javascript:alert");
  });
});

describe("private addresses (FEED_ALLOW_PRIVATE=0)", () => {
  it("refuses loopback, private and metadata URLs with 422 before any request is made", async () => {
    const port = new URL(feeds.origin).port;
    const targets: [string, (name: string) => string][] = [
      ["loopback-ip", (name) => `http://127.0.0.1:${port}/feeds/${name}.xml`],
      ["localhost", (name) => `http://localhost:${port}/feeds/${name}.xml`],
      ["localhost-dot", (name) => `http://localhost.:${port}/feeds/${name}.xml`],
      ["ipv6-loopback", (name) => `http://[::1]:${port}/feeds/${name}.xml`],
      ["ipv4-mapped", (name) => `http://[::ffff:127.0.0.1]:${port}/feeds/${name}.xml`],
      ["decimal", (name) => `http://2130706433:${port}/feeds/${name}.xml`],
      ["hex", (name) => `http://0x7f.0.0.1:${port}/feeds/${name}.xml`],
      ["octal", (name) => `http://0177.0.0.1:${port}/feeds/${name}.xml`],
      ["short", (name) => `http://127.1:${port}/feeds/${name}.xml`],
      ["unspecified", (name) => `http://0.0.0.0:${port}/feeds/${name}.xml`],
    ];
    for (const [label, urlFor] of targets) {
      const name = uniqueName(label);
      feeds.publish(name, { title: "Should never be read" });
      const response = await strictApi.request("POST", "/api/sources", { admin: true, body: { url: urlFor(name) } });
      expect(response.status, `${label}: ${response.text}`).toBe(422);
      expect(response.json().error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(feeds.stats(name).requests, label).toBe(0);
    }
    // A host name, not a literal, that resolves to a private address (the machine's own name usually does).
    const own = os.hostname();
    const ownAddress = await lookup(own).then((answer) => answer.address, () => null);
    if (ownAddress && /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd])/.test(ownAddress)) {
      const name = uniqueName("own-hostname");
      feeds.publish(name);
      const response = await strictApi.request("POST", "/api/sources", { admin: true, body: { url: `http://${own}:${port}/feeds/${name}.xml` } });
      expect(response.status, `${own} (${ownAddress}): ${response.text}`).toBe(422);
      expect(feeds.stats(name).requests).toBe(0);
    }
    for (const url of ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/feed.xml", "http://192.168.1.1/rss", "http://[fe80::1]/feed"]) {
      const response = await strictApi.request("POST", "/api/sources", { admin: true, body: { url } });
      expect(response.status, `${url}: ${response.text}`).toBe(422);
    }
    expect(await strictApi.sources()).toEqual([]);
  });

  it("skips private URLs in an OPML import", async () => {
    const name = uniqueName("opml-private");
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>` +
      `<outline type="rss" text="Loopback" xmlUrl="${feeds.feedUrl(name)}"/>` +
      `<outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data"/></body></opml>`;
    const response = await strictApi.request("POST", "/api/opml", { admin: true, body: opml, headers: { "content-type": "text/x-opml" } });
    expect(response.status, response.text).toBe(200);
    expect(response.json()).toMatchObject({ imported: 0, skipped: 2 });
    expect(await strictApi.sources()).toEqual([]);
    expect(feeds.stats(name).requests).toBe(0);
  });
});

/**
 * A one-feed publisher whose next request can be held: the answer is rendered when the request arrives (so
 * it is a snapshot of that moment) and sent when the test releases it. Counts requests in flight.
 */
async function startGatedFeed() {
  const items: FixtureItem[] = [];
  let held: { release: () => void } | null = null;
  let holdNext = false;
  const state = { requests: 0, inFlight: 0, maxInFlight: 0, heldArrived: false };
  const httpServer = http.createServer(async (_req, res) => {
    state.requests += 1;
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const body = renderRss("Gated feed", `${origin}/site`, [...items].reverse());
    if (holdNext) {
      holdNext = false;
      await new Promise<void>((resolve) => {
        held = { release: resolve };
        state.heldArrived = true;
      });
    }
    res.writeHead(200, { "content-type": "application/rss+xml" }).end(body);
    state.inFlight -= 1;
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    url: `${origin}/feed.xml`,
    state,
    add(title: string): FixtureItem {
      const item = { guid: uniqueName("gated"), title, link: `${origin}/site/${uniqueName("story")}`, description: title, pubDate: new Date() };
      items.push(item);
      return item;
    },
    holdNextRequest(): void {
      holdNext = true;
      state.heldArrived = false;
    },
    release(): void {
      (held as { release: () => void } | null)?.release();
      held = null;
    },
    close(): Promise<void> {
      this.release();
      httpServer.closeAllConnections();
      return new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

describe("a refresh requested while a check of the same source is in flight", () => {
  it("neither fetches the source twice at once nor loses the refresh", async () => {
    const gated = await startGatedFeed();
    try {
      gated.add("Gated story one");
      const source = await api.addSource(gated.url, { name: "Gated Wire" });
      expect(source.articleCount).toBe(1);
      const witness = await FixtureSource.create(api, feeds, { prefix: "witness" });

      // A check starts and is held at the publisher, having seen only story one.
      gated.holdNextRequest();
      expect((await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true })).status).toBe(202);
      await eventually(async () => gated.state.heldArrived, "the held request");

      // Story two is published while that check is in flight, and a refresh is asked for.
      const two = gated.add("Gated story two");
      expect((await api.request("POST", `/api/sources/${source.id}/refresh`, { admin: true })).status).toBe(202);
      // Another source checked after that request shows the scheduler has looked at the queue since.
      await api.refresh(witness.id);
      expect(gated.state.maxInFlight, "concurrent fetches of one source").toBe(1);

      gated.release();
      // The refresh asked for after story two was published must still happen: story two arrives.
      await eventually(
        async () => (await api.articlesOf(source.slug)).some((article) => article.url === two.link),
        "story two after the held check",
      );
      expect(gated.state.maxInFlight, "concurrent fetches of one source").toBe(1);
      await eventually(async () => gated.state.inFlight === 0, "the last check to finish");
      const after = (await api.source(source.id))!;
      expect(after).toMatchObject({ articleCount: 2, lastError: null, errorCount: 0 });
    } finally {
      await gated.close();
    }
  });
});

describe("a hanging feed", () => {
  it("is cut off by the fetch timeout and recorded as an error", async () => {
    const source = await eventually(
      async () => {
        const current = await api.source(hanging.id);
        return current && current.lastFetchedAt !== hangingCheckedBefore ? current : undefined;
      },
      "the hanging check to time out",
      FETCH_TIMEOUT_MS + 15_000,
    );
    const took = Date.now() - hangRequestedAt;
    expect(took).toBeGreaterThanOrEqual(FETCH_TIMEOUT_MS - 1_000);
    expect(source.lastError).toMatch(/time/i);
    expect(source.errorCount).toBe(1);
    expect(source.articleCount).toBe(1);
    expect(source.lastSuccessAt).toBe(hangingCheckedBefore);
  }, FETCH_TIMEOUT_MS + 20_000);
});
