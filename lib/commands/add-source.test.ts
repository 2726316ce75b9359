// Adding a source fetches its feed once to check it is one: the parse runs where the caller says (the server
// hands in its worker pool, so a huge feed being added stalls no page), and a page that links to a feed is
// followed to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { onThisThread, type FeedDocument, type FeedProcessor } from "../ingest/parse-pool/processor";
import { FeedProcessingError, UnavailableError, UnprocessableError } from "../domain/errors";
import { addSource, parseNewSource } from "./add-source";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
let feeds: FixtureFeedServer;

beforeAll(async () => {
  database = await useTestDatabase("add-source");
  feeds = await startFixtureFeedServer();
  feeds.publish("harbour");
  feeds.publish("linked");
  feeds.setBehaviour("page", { kind: "body", contentType: "text/html", body: `<html><head><link rel="alternate" type="application/rss+xml" href="${feeds.feedUrl("linked")}"></head><body>Home</body></html>` });
});

afterAll(async () => {
  await feeds.close();
  await database.cleanup();
});

function recordingProcessor(): FeedProcessor & { parsed: string[] } {
  const parsed: string[] = [];
  return { parsed, process: (document: FeedDocument, options) => (parsed.push(document.url), onThisThread.process(document, options)) };
}

describe("addSource", () => {
  it("parses the feed with the processor it is given, and names the source from it", async () => {
    const processor = recordingProcessor();
    const source = await addSource({ url: feeds.feedUrl("harbour") }, { allowPrivate: true, pollIntervalSeconds: 300, processor });
    expect(processor.parsed).toEqual([feeds.feedUrl("harbour")]);
    expect(source).toMatchObject({ name: "Fixture harbour", url: feeds.feedUrl("harbour"), siteUrl: `${feeds.origin}/site/harbour` });
  });

  it("follows a page's feed link, parsing both documents with that processor", async () => {
    const processor = recordingProcessor();
    const source = await addSource({ url: feeds.feedUrl("page"), name: "Harbour page" }, { allowPrivate: true, pollIntervalSeconds: 300, processor });
    expect(processor.parsed).toEqual([feeds.feedUrl("page"), feeds.feedUrl("linked")]);
    expect(source).toMatchObject({ name: "Harbour page", url: feeds.feedUrl("linked") });
  });
});

describe("addSource when the parse pool cannot read the feed", () => {
  const failing = (error: Error): FeedProcessor => ({ process: () => Promise.reject(error) });

  it("answers 422 with the pool's reason for a feed too slow or too big to parse, and 503 while the pool is full", async () => {
    const url = feeds.feedUrl("heavy");
    await expect(addSource({ url }, { allowPrivate: true, pollIntervalSeconds: 300, processor: failing(new FeedProcessingError("Parsing took too long", "parse_timeout")) })).rejects.toMatchObject({ constructor: UnprocessableError, status: 422, code: "parse_timeout" });
    await expect(addSource({ url }, { allowPrivate: true, pollIntervalSeconds: 300, processor: failing(new FeedProcessingError("The parse queue is full", "parse_busy")) })).rejects.toMatchObject({ constructor: UnavailableError, status: 503, code: "parse_busy" });
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
