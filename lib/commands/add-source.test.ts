// Adding a source fetches its feed once to check it is one: the parse runs where the caller says (the server
// hands in its worker pool, so a huge feed being added stalls no page), and a page that links to a feed is
// followed to it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { onThisThread, type FeedDocument, type FeedProcessor } from "../ingest/parse-pool/processor";
import { addSource, parseNewSource } from "./add-source";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  database = await useTestDatabase("add-source");
  server = http.createServer((req, res) => {
    if (req.url === "/page") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<html><head><link rel="alternate" type="application/rss+xml" href="/linked.xml"></head><body>Home</body></html>`);
      return;
    }
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.end(`<rss version="2.0"><channel><title>Harbour Wire</title><link>https://harbour.example/</link><item><title>One</title><link>https://harbour.example/1</link></item></channel></rss>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.cleanup();
});

function recordingProcessor(): FeedProcessor & { parsed: string[] } {
  const parsed: string[] = [];
  return { parsed, parse: (document: FeedDocument) => (parsed.push(document.url), onThisThread.parse(document)), normalize: onThisThread.normalize };
}

describe("addSource", () => {
  it("parses the feed with the processor it is given, and names the source from it", async () => {
    const processor = recordingProcessor();
    const source = await addSource({ url: `${origin}/feed.xml` }, { allowPrivate: true, pollIntervalSeconds: 300, processor });
    expect(processor.parsed).toEqual([`${origin}/feed.xml`]);
    expect(source).toMatchObject({ name: "Harbour Wire", url: `${origin}/feed.xml`, siteUrl: "https://harbour.example/" });
  });

  it("follows a page's feed link, parsing both documents with that processor", async () => {
    const processor = recordingProcessor();
    const source = await addSource({ url: `${origin}/page`, name: "Harbour page" }, { allowPrivate: true, pollIntervalSeconds: 300, processor });
    expect(processor.parsed).toEqual([`${origin}/page`, `${origin}/linked.xml`]);
    expect(source).toMatchObject({ name: "Harbour page", url: `${origin}/linked.xml` });
  });
});

describe("parseNewSource: category", () => {
  it("takes a slug of up to 40 characters, lower-cased and trimmed", () => {
    expect(parseNewSource({ url: "https://news.example/feed", category: " Science-Tech " }).category).toBe("science-tech");
    expect(parseNewSource({ url: "https://news.example/feed", category: "a".repeat(40) }).category).toBe("a".repeat(40));
  });

  it("refuses anything else with one message", () => {
    for (const category of ["a".repeat(41), "-world", "world news", "wörld", ""]) {
      expect(() => parseNewSource({ url: "https://news.example/feed", category }), category).toThrow("category: must be a slug such as world or science-tech");
    }
  });
});
