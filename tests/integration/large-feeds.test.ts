// Feeds far larger than a statement's parameter budget, through the running server: a polled 1,000-item
// feed and a WebSub push of a 1,000-entry feed are each stored whole and served back page by page
// (lib/db/chunks.ts: every per-entry parameter list is bound in chunks).
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRss, startFixtureFeedServer, type FixtureFeedServer, type FixtureItem } from "../helpers/fixture-feed-server";
import { eventually, freePort, type RunningServer } from "../helpers/newswire-server";
import { NewswireClient, startTestServer, uniqueName } from "../helpers/newswire-client";
import type { Article } from "../../lib/domain/article";

const ENTRIES = 1_000;

/** A WebSub hub on loopback that records subscription requests and answers 202 (as hubs do). */
async function startHub() {
  const requests: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push(new URLSearchParams(Buffer.concat(chunks).toString()));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function items(prefix: string, origin: string, count: number): FixtureItem[] {
  const start = Date.UTC(2026, 10, 1);
  return Array.from({ length: count }, (_, i) => ({
    guid: `${prefix}-${i}`,
    title: `${prefix} story ${i}`,
    link: `${origin}/site/${prefix}/story-${i}`,
    description: `What happened in ${prefix} story ${i}.`,
    pubDate: new Date(start + i * 60_000),
  }));
}

/** Every article of a source, walking /api/articles by cursor as a client would. */
async function allArticlesOf(api: NewswireClient, sourceSlug: string): Promise<Article[]> {
  const articles: Article[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page: { articles: Article[]; nextCursor: string | null } = await api.articles({ source: sourceSlug, limit: 100, ...(cursor ? { cursor } : {}) });
    articles.push(...page.articles);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return articles;
}

let server: RunningServer;
let feeds: FixtureFeedServer;
let hub: Awaited<ReturnType<typeof startHub>>;
let api: NewswireClient;

beforeAll(async () => {
  const port = await freePort();
  [feeds, hub] = await Promise.all([startFixtureFeedServer(), startHub()]);
  // PUBLIC_URL is where the hub calls back; FEED_ALLOW_PRIVATE (set by the helper) lets it be loopback.
  server = await startTestServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([feeds?.close(), hub?.close()]);
});

describe("a feed of 1,000 entries", () => {
  it("is stored whole when polled, and every entry is served", async () => {
    const name = uniqueName("big");
    const published = items(name, feeds.origin, ENTRIES);
    for (const item of published) feeds.publish(name, item);
    const source = await api.addSource(feeds.feedUrl(name), { name: "Big wire" });
    expect(source.lastError).toBeNull();
    expect(source.articleCount).toBe(ENTRIES);
    const served = await allArticlesOf(api, source.slug);
    expect(served.map((article) => article.url).sort()).toEqual(published.map((item) => item.link).sort());
    // Checked again unchanged (a full fetch: the publisher dropped its ETag), nothing is stored twice.
    feeds.setBehaviour(name, { kind: "body", contentType: "application/rss+xml", body: renderRss("Big wire", feeds.origin, [...published].reverse()) });
    expect((await api.refresh(source.id)).articleCount).toBe(ENTRIES);
  });

  it("is stored whole when a hub pushes it", async () => {
    const name = uniqueName("pushed");
    const first = items(name, feeds.origin, 1);
    const withHub = (entries: FixtureItem[]) =>
      renderRss("Pushed wire", feeds.origin, entries).replace(
        '<rss version="2.0"><channel>',
        `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><atom:link rel="hub" href="${hub.url}"/><atom:link rel="self" href="${feeds.feedUrl(name)}"/>`,
      );
    feeds.setBehaviour(name, { kind: "body", contentType: "application/rss+xml", body: withHub(first) });
    const source = await api.addSource(feeds.feedUrl(name), { name: "Pushed wire" });
    expect(source.articleCount).toBe(1);

    // The first check found the hub: the server asks it for pushes, and the hub verifies the callback.
    const form = await eventually(async () => hub.requests.find((request) => request.get("hub.topic") === feeds.feedUrl(name)), "a subscription request to the hub");
    expect(form.get("hub.mode")).toBe("subscribe");
    const callback = new URL(form.get("hub.callback")!);
    const secret = form.get("hub.secret")!;
    callback.searchParams.set("hub.mode", "subscribe");
    callback.searchParams.set("hub.topic", form.get("hub.topic")!);
    callback.searchParams.set("hub.challenge", "large-feed-challenge");
    callback.searchParams.set("hub.lease_seconds", "86400");
    const verification = await fetch(callback);
    expect(verification.status).toBe(200);
    expect(await verification.text()).toBe("large-feed-challenge");

    const pushed = items(name, feeds.origin, ENTRIES + 1);
    const body = Buffer.from(withHub([...pushed].reverse()));
    const push = await fetch(new URL(callback.pathname + callback.search, server.url), {
      method: "POST",
      headers: { "content-type": "application/rss+xml", "x-hub-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` },
      body,
    });
    expect(push.status).toBe(202);
    const served = await eventually(async () => {
      const articles = await allArticlesOf(api, source.slug);
      return articles.length >= ENTRIES + 1 ? articles : undefined;
    }, "the pushed entries to be served");
    expect(served.map((article) => article.url).sort()).toEqual(pushed.map((item) => item.link).sort());
  });
});
