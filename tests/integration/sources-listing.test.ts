// Many sources, through the real server: GET /api/sources paging, GET /api/sources/:id, the paged /sources
// page (plain links, no JavaScript), the streamed OPML export and the health summary. The database is
// migrated and filled before the server starts (sources never due, so nothing is fetched).
import http from "node:http";
import Database from "better-sqlite3";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../lib/boot/migrate";
import { removeDatabase, startTestServer, NewswireClient, type HttpResult } from "../helpers/newswire-client";
import { tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";

const COUNT = 250;
const FAILING = 10;
const NEVER_CHECKED = 5;
const CATEGORIES = ["business", "science", "world"];
/** The keys of a Source on the wire, as before paging: nothing a client used may disappear. */
const SOURCE_KEYS = ["articleCount", "category", "errorCount", "id", "lastError", "lastFetchedAt", "lastSuccessAt", "name", "newestArticleAt", "nextCheckAt", "siteUrl", "slug", "url"];

let databaseUrl: string;
let server: RunningServer;
let api: NewswireClient;

/** Source i: names unordered against ids; every 25th with the characters XML must escape; some names tie. */
const nameOf = (i: number) => `${["Morning", "Evening", "Daily", "Weekly"][i % 4]} ${String((i * 73) % COUNT).padStart(3, "0")}${i % 25 === 0 ? ` & Sons <"Extra"> 'Late'` : ""}`;

beforeAll(async () => {
  databaseUrl = tempDatabaseUrl("sources-listing");
  await applyMigrations(databaseUrl);
  const db = new Database(databaseUrl.replace(/^file:/, ""));
  // Dates as @prisma/adapter-better-sqlite3 writes them.
  const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
  const now = iso(new Date());
  const insert = db.prepare(
    `INSERT INTO "Source" (slug, name, feedUrl, siteUrl, category, nextCheckAt, pollIntervalSeconds, lastFetchedAt, lastSuccessAt, lastError, errorCount, createdAt, updatedAt)
     VALUES (@slug, @name, @feedUrl, @siteUrl, @category, @nextCheckAt, 300, @lastFetchedAt, @lastSuccessAt, @lastError, @errorCount, @now, @now)`,
  );
  db.transaction(() => {
    for (let i = 0; i < COUNT; i++) {
      const failing = i < FAILING;
      const neverChecked = i >= COUNT - NEVER_CHECKED;
      insert.run({
        slug: `listed-${i}`,
        name: i === 1 ? nameOf(2) : nameOf(i),
        feedUrl: `https://feeds.example/${i}.xml?a=1&b=2`,
        siteUrl: i % 2 === 0 ? `https://site${i}.example/` : null,
        category: CATEGORIES[i % CATEGORIES.length],
        nextCheckAt: iso(new Date("2100-01-01T00:00:00Z")),
        lastFetchedAt: neverChecked ? null : now,
        lastSuccessAt: neverChecked || failing ? null : now,
        lastError: failing ? "HTTP 503" : null,
        errorCount: failing ? 2 : 0,
        now,
      });
    }
  })();
  db.close();
  server = await startTestServer({ env: { DATABASE_URL: databaseUrl } });
  api = new NewswireClient(server.url);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  if (databaseUrl) removeDatabase(databaseUrl);
});

function expectJsonError(response: HttpResult, status: number, code?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toEqual({ code: code ?? expect.any(String), message: expect.any(String) });
}

type Source = { id: number; slug: string; name: string; url: string; category: string };

describe("GET /api/sources", () => {
  it("answers the first 100 by default, each with its health, and a cursor to the next page", async () => {
    const response = await api.request("GET", "/api/sources");
    expect(response.status).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(["nextCursor", "sources"]);
    expect(body.sources).toHaveLength(100);
    expect(typeof body.nextCursor).toBe("string");
    for (const source of body.sources) expect(Object.keys(source).sort()).toEqual(SOURCE_KEYS);
    const failing = body.sources.find((source: Source) => source.slug === "listed-0");
    expect(failing).toMatchObject({ name: nameOf(0), url: "https://feeds.example/0.xml?a=1&b=2", category: "business", lastError: "HTTP 503", errorCount: 2, articleCount: 0, lastSuccessAt: null });
  });

  it("answers up to 1,000 and refuses 1,001 or a limit that is not a positive integer with 400", async () => {
    const all = (await api.request("GET", "/api/sources?limit=1000")).json();
    expect(all.sources).toHaveLength(COUNT);
    expect(all.nextCursor).toBeNull();
    expectJsonError(await api.request("GET", "/api/sources?limit=1001"), 400, "invalid_limit");
    for (const limit of ["0", "-5", "ten", "2.5"]) expectJsonError(await api.request("GET", `/api/sources?limit=${limit}`), 400, "invalid_limit");
    expectJsonError(await api.request("GET", "/api/sources?cursor=not-a-cursor"), 400, "invalid_cursor");
  });

  it("walks every source by cursor, in id order, without duplicates or gaps", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api.request("GET", `/api/sources?limit=60${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(response.status, response.text).toBe(200);
      const body: { sources: Source[]; nextCursor: string | null } = response.json();
      seen.push(...body.sources.map((source) => source.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(COUNT);
    expect(seen).toEqual([...new Set(seen)].sort((a, b) => a - b));
  });
});

describe("GET /api/sources/:id", () => {
  it("answers one source as it appears in the list", async () => {
    const listed: Source = (await api.request("GET", "/api/sources?limit=5")).json().sources[3];
    const response = await api.request("GET", `/api/sources/${listed.id}`);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ source: listed });
  });

  it("answers 404 for an unknown id and 400 for an id that is not one, as DELETE does", async () => {
    expectJsonError(await api.request("GET", "/api/sources/987654"), 404, "not_found");
    expectJsonError(await api.request("DELETE", "/api/sources/987654", { admin: true }), 404, "not_found");
    for (const id of ["abc", "1.5", "-1"]) {
      expectJsonError(await api.request("GET", `/api/sources/${id}`), 400, "invalid_id");
      expectJsonError(await api.request("DELETE", `/api/sources/${id}`, { admin: true }), 400, "invalid_id");
    }
  });
});

/** What a reader without JavaScript gets: the rows, the summary and the page links of one /sources page. */
async function sourcesPage(path: string) {
  const response = await api.request("GET", path);
  const html = response.text;
  const attr = (pattern: RegExp, text = html) => text.match(pattern)?.[1]?.replace(/&amp;/g, "&") ?? null;
  const link = (rel: string) => {
    const tag = html.match(new RegExp(`<a [^>]*rel="${rel}"[^>]*>`))?.[0];
    return tag ? attr(/href="([^"]+)"/, tag) : null;
  };
  return {
    status: response.status,
    location: response.headers.get("location"),
    bytes: Buffer.byteLength(html),
    slugs: [...html.matchAll(/data-testid="source-row" data-source-slug="([^"]+)"/g)].map((match) => match[1]),
    summary: attr(/data-testid="sources-summary"[^>]*>([^<]*)</),
    next: link("next"),
    previous: link("prev"),
    noindex: /<meta name="robots" content="noindex/.test(html),
    canonical: attr(/<link rel="canonical" href="([^"]+)"/),
  };
}

describe("the /sources page", () => {
  it("shows 100 sources a page, alphabetically, with Next and Previous links that work without JavaScript", async () => {
    const first = await sourcesPage("/sources");
    expect(first.status).toBe(200);
    expect(first.summary).toBe(`${COUNT} publishers followed, ${FAILING} with a feed that is failing right now.`);
    expect(first.slugs).toHaveLength(100);
    expect(first.previous).toBeNull();
    expect(first.next).toMatch(/^\/sources\?after=[A-Za-z0-9_-]+$/);
    expect(first.noindex).toBe(false);
    expect(first.canonical).toMatch(/\/sources$/);

    const second = await sourcesPage(first.next!);
    expect(second.status).toBe(200);
    expect(second.slugs).toHaveLength(100);
    expect(second.summary).toBe(first.summary);
    // Later pages: followed but not indexed, and canonical to the first.
    expect(second.noindex).toBe(true);
    expect(second.canonical).toBe(first.canonical);
    expect(second.previous).toMatch(/^\/sources\?before=[A-Za-z0-9_-]+$/);

    const third = await sourcesPage(second.next!);
    expect(third.slugs).toHaveLength(COUNT - 200);
    expect(third.next).toBeNull();

    // Every source exactly once, in name order (then id, for the two that share a name).
    const all = [...first.slugs, ...second.slugs, ...third.slugs];
    expect(new Set(all).size).toBe(COUNT);
    const index = (slug: string) => Number(slug.replace("listed-", ""));
    const names = all.map((slug) => (index(slug) === 1 ? nameOf(2) : nameOf(index(slug))));
    expect(names).toEqual([...names].sort());

    // Previous from the third page is the second; from the second, the first at its own address.
    expect((await sourcesPage(third.previous!)).slugs).toEqual(second.slugs);
    const back = await sourcesPage(second.previous!);
    expect(back.status).toBe(307);
    expect(back.location).toBe("/sources");
  });

  it("stays small: a page of 100 sources is a few hundred KiB whatever the number of sources", async () => {
    const first = await sourcesPage("/sources");
    expect(first.bytes).toBeLessThan(512 * 1024);
  });

  it("answers 404 for a page cursor it did not issue", async () => {
    expect((await api.request("GET", "/sources?after=bogus")).status).toBe(404);
    expect((await api.request("GET", "/sources?before=%25%25")).status).toBe(404);
  });
});

describe("GET /api/opml", () => {
  it("streams every source as OPML 2.0, one group per category, names and URLs escaped", async () => {
    // Read with node:http to see the framing: a streamed body is chunked, with no Content-Length.
    const response = await new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      http
        .get(`${server.url}/api/opml`, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ headers: res.headers, body }));
          res.on("error", reject);
        })
        .on("error", reject);
    });
    expect(response.headers["content-type"]).toMatch(/^text\/x-opml/);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(response.headers["content-length"]).toBeUndefined();
    expect(XMLValidator.validate(response.body)).toBe(true);

    const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(response.body);
    expect(document.opml.version).toBe("2.0");
    const groups: { text: string; outline: { text: string; xmlUrl: string; category: string }[] }[] = document.opml.body.outline;
    expect(groups.map((group) => group.text)).toEqual(CATEGORIES);
    const feeds = groups.flatMap((group) => group.outline.map((outline) => ({ ...outline, group: group.text })));
    expect(feeds).toHaveLength(COUNT);
    expect(new Set(feeds.map((feed) => feed.xmlUrl)).size).toBe(COUNT);
    for (const feed of feeds) expect(feed.category).toBe(feed.group);
    const special = feeds.find((feed) => feed.xmlUrl === "https://feeds.example/25.xml?a=1&b=2");
    expect(special).toMatchObject({ text: nameOf(25), category: CATEGORIES[25 % 3] });
  });
});

describe("GET /api/health", () => {
  it("answers ok with the sources summary", async () => {
    const response = await api.request("GET", "/api/health");
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok", database: "ok", sources: { total: COUNT, failing: FAILING, pending: NEVER_CHECKED } });
  });
});
