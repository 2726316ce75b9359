// The HTTP API of docs/api.md, driven from outside against the real server (server.ts in production mode,
// its own empty SQLite database) with the loopback fixture publisher as the outside web.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually, type RunningServer } from "../helpers/newswire-server";
import { ARTICLE_KEYS, FixtureSource, startTestServer, NewswireClient, uniqueName, type Article, type HttpResult } from "../helpers/newswire-client";

let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;
/** A second loopback "website": HTML pages, one of which links to a fixture feed. */
let site: { origin: string; pages: Map<string, string>; close: () => Promise<void> };

let world: FixtureSource;
let science: FixtureSource;
const WORLD_COUNT = 8;
const SCIENCE_COUNT = 3;
const BASE_TIME = Date.now() - 60 * 60_000;

async function startHtmlSite() {
  const pages = new Map<string, string>();
  const httpServer = http.createServer((req, res) => {
    const page = pages.get((req.url ?? "/").split("?")[0]);
    if (page === undefined) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    pages,
    close: () => {
      httpServer.closeAllConnections();
      return new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

function expectJsonError(response: HttpResult, status: number): { code: string; message: string } {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type") ?? "(none)").toMatch(/application\/json/);
  const body = response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.code).toBe("string");
  expect(body.error.code.length).toBeGreaterThan(0);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

beforeAll(async () => {
  [server, feeds, site] = await Promise.all([startTestServer(), startFixtureFeedServer(), startHtmlSite()]);
  api = new NewswireClient(server.url);
  // Items get distinct publication times a minute apart, oldest first, so publication order is ingestion order.
  world = await FixtureSource.create(api, feeds, {
    prefix: "world",
    category: "world",
    name: "World Wire",
    items: Array.from({ length: WORLD_COUNT }, (_, i) => ({
      title: i === 2 ? "Quokka census finds a record population" : `World story number ${i + 1}`,
      description: i === 0 ? "<p>Leaders <b>meet</b> &amp; talk.</p>" : `Plain summary ${i + 1}.`,
      pubDate: new Date(BASE_TIME + i * 60_000),
      imageUrl: i === 1 ? "https://images.example.com/world-2.jpg" : undefined,
    })),
  });
  science = await FixtureSource.create(api, feeds, {
    prefix: "science",
    category: "science",
    name: "Science Desk",
    items: Array.from({ length: SCIENCE_COUNT }, (_, i) => ({
      title: `Science finding ${i + 1}`,
      pubDate: new Date(BASE_TIME + (WORLD_COUNT + i) * 60_000),
    })),
  });
  await eventually(async () => (await api.articles({ limit: 100 })).articles.length === WORLD_COUNT + SCIENCE_COUNT, "the first articles");
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([feeds?.close(), site?.close()]);
});

describe("GET /api/articles", () => {
  it("returns every Article field with the contract's types and meanings", async () => {
    const response = await api.request("GET", "/api/articles?limit=100");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type") ?? "(none)").toMatch(/application\/json/);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(["articles", "nextCursor"]);
    expect(body.nextCursor).toBeNull();
    const articles = body.articles as Article[];
    expect(articles).toHaveLength(WORLD_COUNT + SCIENCE_COUNT);

    for (const article of articles) {
      expect(Object.keys(article).sort()).toEqual(ARTICLE_KEYS);
      expect(Number.isInteger(article.id)).toBe(true);
      expect(typeof article.cursor).toBe("string");
      expect(article.cursor.length).toBeGreaterThan(0);
      expect(article.slug).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(article.path).toBe(`/articles/${article.slug}`);
      expect(article.title.length).toBeGreaterThan(0);
      expect(new URL(article.url).origin).toBe(feeds.origin);
      expect(typeof article.summary).toBe("string");
      expect(article.summary).not.toMatch(/[<>]/);
      expect(article.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(new Date(article.publishedAt).toISOString()).toBe(article.publishedAt);
      expect(Object.keys(article.source).sort()).toEqual(["id", "name", "siteUrl", "slug"]);
      expect(article.imageUrl === null || typeof article.imageUrl === "string").toBe(true);
    }

    const first = articles.find((article) => article.title === "World story number 1")!;
    expect(first).toBeDefined();
    expect(first.summary).toBe("Leaders meet & talk.");
    expect(first.category).toBe("world");
    expect(first.imageUrl).toBeNull();
    expect(first.source).toEqual({ id: world.id, slug: world.slug, name: "World Wire", siteUrl: world.source.siteUrl });
    expect(world.source.siteUrl).toMatch(new RegExp(`^${feeds.origin}/site/${world.feedName}/?$`));
    expect(Date.parse(first.publishedAt)).toBe(Math.floor(BASE_TIME / 1000) * 1000);

    const withImage = articles.find((article) => article.title === "World story number 2")!;
    expect(withImage.imageUrl).toBe("https://images.example.com/world-2.jpg");
    expect(withImage.summary).toBe("Plain summary 2.");

    const sci = articles.find((article) => article.title === "Science finding 1")!;
    expect(sci.category).toBe("science");
    expect(sci.source.slug).toBe(science.slug);

    // Every article page the API points at exists.
    const page = await api.request("GET", first.path);
    expect(page.status).toBe(200);
    expect(page.text).toContain("World story number 1");
  });

  it("lists newest first and pages back with nextCursor until null, with no duplicates and no gaps", async () => {
    const all = (await api.articles({ limit: 100 })).articles;
    const ids = all.map((article) => article.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    // Publication order was ingestion order: the newest story comes first.
    expect(all[0].title).toBe(`Science finding ${SCIENCE_COUNT}`);
    expect(all.at(-1)!.title).toBe("World story number 1");

    const paged: Article[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { articles: Article[]; nextCursor: string | null } = await api.articles(cursor ? { limit: 3, cursor } : { limit: 3 });
      pages += 1;
      expect(page.articles.length).toBeLessThanOrEqual(3);
      if (page.nextCursor !== null) {
        expect(page.articles).toHaveLength(3);
        expect(page.nextCursor).toBe(page.articles.at(-1)!.cursor);
      }
      paged.push(...page.articles);
      cursor = page.nextCursor;
      expect(pages).toBeLessThan(20);
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect(paged.map((article) => article.id)).toEqual(ids);
    expect(paged).toEqual(all);
  });

  it("uses a default page size when limit is absent and accepts 1 and 100", async () => {
    expect((await api.articles()).articles.length).toBe(WORLD_COUNT + SCIENCE_COUNT);
    const one = await api.articles({ limit: 1 });
    expect(one.articles).toHaveLength(1);
    expect(one.nextCursor).toBe(one.articles[0].cursor);
    expect((await api.articles({ limit: 100 })).articles).toHaveLength(WORLD_COUNT + SCIENCE_COUNT);
  });

  it.each(["0", "101", "abc", "-1", "2.5"])("refuses limit=%s with 400 and the JSON error shape", async (limit) => {
    expectJsonError(await api.request("GET", `/api/articles?limit=${limit}`), 400);
  });

  it.each(["abc", "-5", "1e3", "9".repeat(40), "%00"])("refuses cursor=%s with 400", async (cursor) => {
    expectJsonError(await api.request("GET", `/api/articles?cursor=${cursor}`), 400);
  });

  it("filters by source slug and by category slug", async () => {
    const bySource = (await api.articles({ source: science.slug, limit: 100 })).articles;
    expect(bySource).toHaveLength(SCIENCE_COUNT);
    expect(bySource.every((article) => article.source.slug === science.slug)).toBe(true);

    const byCategory = (await api.articles({ category: "world", limit: 100 })).articles;
    expect(byCategory).toHaveLength(WORLD_COUNT);
    expect(byCategory.every((article) => article.category === "world" && article.source.id === world.id)).toBe(true);

    const both = (await api.articles({ source: world.slug, category: "science" })).articles;
    expect(both).toEqual([]);
    expect((await api.articles({ source: "no-such-source" })).articles).toEqual([]);

    // Filters paginate too.
    const first = await api.articles({ category: "world", limit: 5 });
    expect(first.articles).toHaveLength(5);
    const second = await api.articles({ category: "world", limit: 5, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.articles, ...second.articles]).toEqual(byCategory);
  });

  it("refuses a filter that is not a slug with 400", async () => {
    expectJsonError(await api.request("GET", "/api/articles?source=Not%20A%20Slug!"), 400);
    expectJsonError(await api.request("GET", "/api/articles?category=%3Cscript%3E"), 400);
  });

  it("searches titles with q", async () => {
    const hits = (await api.articles({ q: "quokka" })).articles;
    expect(hits.map((article) => article.title)).toEqual(["Quokka census finds a record population"]);
    const several = (await api.articles({ q: "science finding", limit: 100 })).articles;
    expect(several.map((article) => article.title).sort()).toEqual(["Science finding 1", "Science finding 2", "Science finding 3"]);
    expect((await api.articles({ q: "quokka", source: science.slug })).articles).toEqual([]);
    expect((await api.articles({ q: "xylophoneabsent" })).articles).toEqual([]);
  });
});

describe("GET /api/sources", () => {
  it("lists sources with their health", async () => {
    const response = await api.request("GET", "/api/sources");
    expect(response.status).toBe(200);
    const { sources } = response.json();
    const mine = sources.find((source: { id: number }) => source.id === world.id);
    expect(mine).toMatchObject({
      id: world.id,
      slug: world.slug,
      name: "World Wire",
      url: feeds.feedUrl(world.feedName),
      category: "world",
      lastError: null,
      errorCount: 0,
      articleCount: WORLD_COUNT,
    });
    for (const field of ["lastFetchedAt", "lastSuccessAt"]) {
      expect(mine[field]).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
      expect(Date.parse(mine[field])).toBeGreaterThan(Date.now() - 10 * 60_000);
    }
    expect(sources.find((source: { id: number }) => source.id === science.id).articleCount).toBe(SCIENCE_COUNT);
  });
});

describe("admin authentication", () => {
  it("refuses admin calls without the token, or with a wrong one, with 401 and changes nothing", async () => {
    const feedName = uniqueName("unauth");
    feeds.publish(feedName);
    const url = feeds.feedUrl(feedName);
    const sourcesBefore = await api.sources();
    const articlesBefore = await api.articles({ limit: 100 });
    const checksBefore = feeds.stats(world.feedName).requests;

    for (const admin of [false, "Bearer wrong-token-0123456789", "Basic dGVzdDp0ZXN0", "Bearer", `Token ${"x".repeat(20)}`]) {
      const auth = admin === false ? {} : { admin };
      expectJsonError(await api.request("POST", "/api/sources", { ...auth, body: { url } }), 401);
      expectJsonError(await api.request("DELETE", `/api/sources/${world.id}`, auth), 401);
      expectJsonError(await api.request("POST", `/api/sources/${world.id}/refresh`, auth), 401);
      expectJsonError(
        await api.request("POST", "/api/opml", { ...auth, body: `<opml version="2.0"><body><outline xmlUrl="${url}"/></body></opml>`, headers: { "content-type": "text/x-opml" } }),
        401,
      );
    }

    expect(await api.sources()).toEqual(sourcesBefore);
    expect(await api.articles({ limit: 100 })).toEqual(articlesBefore);
    expect(feeds.stats(feedName).requests).toBe(0);
    expect(feeds.stats(world.feedName).requests).toBe(checksBefore);
  });
});

describe("POST /api/sources", () => {
  it("refuses bad bodies with 400", async () => {
    const before = await api.sources();
    const bodies: [string, string | object][] = [
      ["not JSON", "{url: nope"],
      ["empty", ""],
      ["missing url", { name: "No URL" }],
      ["url not a string", { url: 42 }],
      ["ftp url", { url: "ftp://example.com/feed.xml" }],
      ["javascript url", { url: "javascript:alert(1)" }],
      ["relative url", { url: "/feeds/x.xml" }],
      ["bad category", { url: feeds.feedUrl(uniqueName("badcat")), category: "Not a slug!" }],
    ];
    for (const [label, body] of bodies) {
      const response = await api.request("POST", "/api/sources", { admin: true, body });
      expect(response.status, `${label}: ${response.text}`).toBe(400);
      expectJsonError(response, 400);
    }
    expect(await api.sources()).toEqual(before);
  });

  it("adds a fixture feed (201 {source}), ingests it, and answers 409 for the same URL again", async () => {
    const feedName = uniqueName("added");
    feeds.publish(feedName, { title: "First story of the added feed" });
    const url = feeds.feedUrl(feedName);
    const response = await api.request("POST", "/api/sources", { admin: true, body: { url, name: "Added Wire", category: "business" } });
    expect(response.status, response.text).toBe(201);
    const body = response.json();
    expect(Object.keys(body)).toEqual(["source"]);
    expect(body.source).toMatchObject({ name: "Added Wire", url, category: "business", slug: "added-wire" });
    expect(Number.isInteger(body.source.id)).toBe(true);

    const articles = await eventually(async () => {
      const list = await api.articlesOf(body.source.slug);
      return list.length === 1 ? list : undefined;
    }, "the added feed's story");
    expect(articles[0].title).toBe("First story of the added feed");
    expect(articles[0].category).toBe("business");

    const again = await api.request("POST", "/api/sources", { admin: true, body: { url } });
    expectJsonError(again, 409);
    expect((await api.sources()).filter((source) => source.url === url)).toHaveLength(1);
  });

  it("answers 422 for URLs that are not feeds", async () => {
    const cases: [string, Parameters<FixtureFeedServer["setBehaviour"]>[1]][] = [
      ["html", { kind: "body", contentType: "text/html; charset=utf-8", body: "<!doctype html><html><head><title>Home</title></head><body><p>No feed here.</p></body></html>" }],
      ["garbage", { kind: "body", contentType: "application/octet-stream", body: Buffer.from([0, 159, 146, 150, 255, 1, 2, 3, 0, 0, 7]) }],
      ["json", { kind: "body", contentType: "application/json", body: '{"hello":"world"}' }],
      ["status404", { kind: "status", status: 404 }],
      ["status500", { kind: "status", status: 500 }],
    ];
    // Which sources exist (their check fields move on as the polling loop checks them meanwhile).
    const sourceList = async () => (await api.sources()).map((source) => `${source.id} ${source.url}`);
    const before = await sourceList();
    for (const [label, behaviour] of cases) {
      const feedName = uniqueName(label);
      feeds.setBehaviour(feedName, behaviour);
      const response = await api.request("POST", "/api/sources", { admin: true, body: { url: feeds.feedUrl(feedName) } });
      expect(response.status, `${label}: ${response.text}`).toBe(422);
      expectJsonError(response, 422);
      expect(feeds.stats(feedName).requests, label).toBeGreaterThan(0);
    }
    // A site homepage without a feed link, served by a plain web server.
    site.pages.set("/no-feed", "<!doctype html><html><head><title>A site</title><link rel=stylesheet href=/s.css></head><body>Hi</body></html>");
    expectJsonError(await api.request("POST", "/api/sources", { admin: true, body: { url: `${site.origin}/no-feed` } }), 422);
    // An unreachable host (nothing listens on a port we just freed).
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expectJsonError(await api.request("POST", "/api/sources", { admin: true, body: { url: `http://127.0.0.1:${closedPort}/feed.xml` } }), 422);
    // Cloud metadata stays refused even with FEED_ALLOW_PRIVATE=1.
    expectJsonError(await api.request("POST", "/api/sources", { admin: true, body: { url: "http://169.254.169.254/latest/meta-data" } }), 422);

    expect(await sourceList()).toEqual(before);
  });

  it("discovers the feed of an HTML homepage through <link rel=alternate>", async () => {
    const feedName = uniqueName("discovered");
    feeds.publish(feedName, { title: "Story found through discovery" });
    const feedUrl = feeds.feedUrl(feedName);
    site.pages.set(
      "/",
      `<!doctype html><html><head><title>Discovered Times</title>` +
        `<link rel="stylesheet" href="/style.css">` +
        `<link rel="alternate" type="application/rss+xml" title="RSS" href="${feedUrl}">` +
        `</head><body><h1>Discovered Times</h1></body></html>`,
    );
    const response = await api.request("POST", "/api/sources", { admin: true, body: { url: `${site.origin}/`, name: "Discovered Times" } });
    expect(response.status, response.text).toBe(201);
    const { source } = response.json();
    expect(source.url).toBe(feedUrl);
    const articles = await eventually(async () => {
      const list = await api.articlesOf(source.slug);
      return list.length > 0 ? list : undefined;
    }, "the discovered feed's story");
    expect(articles.map((article) => article.title)).toEqual(["Story found through discovery"]);
    // The discovered feed URL is now taken.
    expectJsonError(await api.request("POST", "/api/sources", { admin: true, body: { url: feedUrl } }), 409);
  });
});

describe("DELETE /api/sources/:id", () => {
  it("deletes a source and its articles (204), then 404", async () => {
    const doomed = await FixtureSource.create(api, feeds, {
      prefix: "doomed",
      items: [{ title: "Doomed story one" }, { title: "Doomed story two" }],
    });
    const stored = await eventually(async () => {
      const list = await api.articlesOf(doomed.slug);
      return list.length === 2 ? list : undefined;
    }, "the doomed stories");
    expect((await api.request("GET", stored[0].path)).status).toBe(200);

    const response = await api.request("DELETE", `/api/sources/${doomed.id}`, { admin: true });
    expect(response.status, response.text).toBe(204);
    expect(response.text).toBe("");

    expect(await api.source(doomed.id)).toBeUndefined();
    expect(await api.articlesOf(doomed.slug)).toEqual([]);
    const remaining = (await api.articles({ limit: 100 })).articles;
    expect(remaining.some((article) => article.source.id === doomed.id)).toBe(false);
    expect((await api.request("GET", stored[0].path)).status).toBe(404);

    expectJsonError(await api.request("DELETE", `/api/sources/${doomed.id}`, { admin: true }), 404);
  });

  it("answers 400 for an id that is not a number", async () => {
    expectJsonError(await api.request("DELETE", "/api/sources/abc", { admin: true }), 400);
    expectJsonError(await api.request("DELETE", "/api/sources/-1", { admin: true }), 400);
  });
});

describe("POST /api/sources/:id/refresh", () => {
  it("answers 202 and fetches the source now: new items appear", async () => {
    const [item] = world.put({ title: "Breaking: refreshed on request", pubDate: new Date() });
    const checkedBefore = (await api.source(world.id))!.lastFetchedAt;
    const response = await api.request("POST", `/api/sources/${world.id}/refresh`, { admin: true });
    expect(response.status, response.text).toBe(202);
    const article = await eventually(
      async () => (await api.articlesOf(world.slug)).find((candidate) => candidate.url === item.link),
      "the refreshed story",
    );
    expect(article.title).toBe("Breaking: refreshed on request");
    const newest = (await api.articles({ limit: 1 })).articles[0];
    expect(newest.id).toBe(article.id);
    // Let that check finish recording before anything else asks for one.
    await eventually(async () => (await api.source(world.id))?.lastFetchedAt !== checkedBefore, "the refresh to be recorded");
    expect((await api.source(world.id))!.articleCount).toBe(WORLD_COUNT + 1);
  });

  it("answers 404 for an unknown id and 400 for a non-numeric one", async () => {
    expectJsonError(await api.request("POST", "/api/sources/987654/refresh", { admin: true }), 404);
    expectJsonError(await api.request("POST", "/api/sources/abc/refresh", { admin: true }), 400);
    expectJsonError(await api.request("POST", "/api/sources/1.5/refresh", { admin: true }), 400);
  });
});

describe("OPML", () => {
  it("exports every source as OPML 2.0", async () => {
    const response = await api.request("GET", "/api/opml");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^(text\/x-opml|application\/xml|text\/xml)/);
    expect(XMLValidator.validate(response.text)).toBe(true);
    const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(response.text);
    expect(document.opml.version).toBe("2.0");
    const urls: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === "object") {
        const outline = node as { xmlUrl?: string; outline?: unknown };
        if (outline.xmlUrl) urls.push(outline.xmlUrl);
        visit(outline.outline);
      }
    };
    visit(document.opml.body.outline);
    const sources = await api.sources();
    expect(urls.sort()).toEqual(sources.map((source) => source.url).sort());
    expect(urls).toContain(feeds.feedUrl(world.feedName));
  });

  it("imports sources (admin), skipping duplicates and bad URLs", async () => {
    const fresh1 = uniqueName("opml-a");
    const fresh2 = uniqueName("opml-b");
    feeds.publish(fresh1, { title: "Imported story A" });
    feeds.publish(fresh2, { title: "Imported story B" });
    const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Culture" title="Culture">
      <outline type="rss" text="Opml A" xmlUrl="${feeds.feedUrl(fresh1)}"/>
      <outline type="rss" text="Opml A again" xmlUrl="${feeds.feedUrl(fresh1)}"/>
      <outline type="rss" text="Existing" xmlUrl="${feeds.feedUrl(world.feedName)}"/>
    </outline>
    <outline type="rss" text="Opml B" xmlUrl="${feeds.feedUrl(fresh2)}" category="sport"/>
    <outline type="rss" text="Ftp" xmlUrl="ftp://example.com/feed.xml"/>
    <outline type="rss" text="Not a URL" xmlUrl="not a url at all"/>
    <outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data"/>
  </body>
</opml>`;
    const before = await api.sources();
    const response = await api.request("POST", "/api/opml", { admin: true, body: opml, headers: { "content-type": "text/x-opml" } });
    expect(response.status, response.text).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ imported: 2, skipped: 5 });

    const after = await api.sources();
    expect(after).toHaveLength(before.length + 2);
    const a = after.find((source) => source.url === feeds.feedUrl(fresh1))!;
    const b = after.find((source) => source.url === feeds.feedUrl(fresh2))!;
    expect(a).toMatchObject({ name: "Opml A", category: "culture" });
    expect(b).toMatchObject({ name: "Opml B", category: "sport" });
    // Imported sources are polled like any other.
    await eventually(async () => (await api.articlesOf(a.slug)).length === 1 && (await api.articlesOf(b.slug)).length === 1, "the imported stories");
    await eventually(async () => {
      const list = await api.sources();
      return [a.id, b.id].every((id) => list.find((source) => source.id === id)?.lastSuccessAt);
    }, "the imported sources' first checks");

    // The same document again imports nothing.
    const again = await api.request("POST", "/api/opml", { admin: true, body: opml, headers: { "content-type": "text/x-opml" } });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ imported: 0, skipped: 7 });
    expect(await api.sources()).toHaveLength(after.length);
  });

  it("refuses a body that is not OPML with 400", async () => {
    expectJsonError(await api.request("POST", "/api/opml", { admin: true, body: "just some text", headers: { "content-type": "text/plain" } }), 400);
    expectJsonError(await api.request("POST", "/api/opml", { admin: true, body: "<opml><body><outline", headers: { "content-type": "text/x-opml" } }), 400);
  });
});

describe("errors outside the listed routes", () => {
  // docs/api.md: the HTTP API is JSON and its errors are {"error":{"code","message"}} with a fitting status.
  it("answers an unknown /api path with 404 and the JSON error shape", async () => {
    expectJsonError(await api.request("GET", "/api/no-such-endpoint"), 404);
  });

  it("answers an unsupported method on an API route with 405 and the JSON error shape", async () => {
    expectJsonError(await api.request("PATCH", `/api/sources/${world.id}`, { admin: true, body: {} }), 405);
    expectJsonError(await api.request("PUT", "/api/sources", { admin: true, body: {} }), 405);
  });
});

describe("operations", () => {
  it("GET /api/health answers 200 {status: ok}", async () => {
    const response = await api.request("GET", "/api/health");
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok" });
  });

  it("GET /metrics answers Prometheus text with newswire_ metrics", async () => {
    const response = await api.request("GET", "/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/^# HELP newswire_/m);
    expect(response.text).toMatch(/^# TYPE newswire_\w+ (counter|gauge|histogram|summary)$/m);
    // Checks have happened, so the check counter has samples.
    expect(response.text).toMatch(/^newswire_feed_checks_total\{[^}]*\} [1-9]/m);
    // Feeds have been stored, so the storing stage has been timed.
    expect(response.text).toMatch(/^newswire_feed_store_seconds_count [1-9]/m);
  });
});
