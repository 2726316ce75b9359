import { describe, expect, it } from "vitest";
import type { SourceHealth } from "../domain/article";
import { ValidationError } from "../domain/errors";
import { XMLValidator } from "fast-xml-parser";
import { exportOpml, exportOpmlStream, OPML_NOT_WELL_FORMED, readOpml, type OpmlSource } from "./opml";

const source = (overrides: Partial<SourceHealth>): SourceHealth => ({
  id: 1,
  slug: "s",
  name: "S",
  url: "https://example.com/feed.xml",
  siteUrl: null,
  category: "world",
  lastFetchedAt: null,
  lastSuccessAt: null,
  lastError: null,
  errorCount: 0,
  articleCount: 0,
  nextCheckAt: new Date(0).toISOString(),
  newestArticleAt: null,
  ...overrides,
});

describe("OPML", () => {
  it("round-trips sources with their categories, escaping names", () => {
    const xml = exportOpml([
      source({ name: "Tom & Jerry's <News>", url: "https://a.example/rss?x=1&y=2", siteUrl: "https://a.example/", category: "world" }),
      source({ id: 2, name: "Lab", url: "https://b.example/atom", category: "science" }),
    ]);
    expect(xml).toContain('<opml version="2.0">');
    const entries = readOpml(xml);
    expect(entries).toEqual([
      { url: "https://b.example/atom", name: "Lab", siteUrl: null, category: "science" },
      { url: "https://a.example/rss?x=1&y=2", name: "Tom & Jerry's <News>", siteUrl: "https://a.example/", category: "world" },
    ]);
  });

  it("takes the category of nested outlines from their parent", () => {
    const entries = readOpml(`<?xml version="1.0"?><opml version="1.0"><body>
      <outline text="Tech"><outline text="Ars" xmlUrl="https://arstechnica.com/feed"/></outline>
      <outline text="Loose" xmlUrl="https://loose.example/feed"/>
    </body></opml>`);
    expect(entries).toEqual([
      { url: "https://arstechnica.com/feed", name: "Ars", siteUrl: null, category: "Tech" },
      { url: "https://loose.example/feed", name: "Loose", siteUrl: null, category: null },
    ]);
  });

  it("refuses a body that is not OPML", () => {
    expect(() => readOpml("<html><body>hi</body></html>")).toThrow(ValidationError);
  });

  it("refuses XML the parser cannot read with a fixed message that quotes neither the input nor the parser", () => {
    // fast-xml-parser's own message here is 'readTagExp returned undefined at position 12. Context: "<opml>…'.
    for (const body of ["<opml><body><outline", "<opml><body><outline text='<script>secret</script>", "<opml><body></b></body></opml>", `<opml><body><outline text="A" xmlUrl="https://a.example/feed"></body></opml>`]) {
      let thrown: unknown;
      try {
        readOpml(body);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect(thrown).toMatchObject({ code: "invalid_opml", message: OPML_NOT_WELL_FORMED });
    }
  });
});

/** Sources in batches, as the database hands them out, counting how many batches have been asked for. */
function batchesOf(sources: OpmlSource[], size: number) {
  const state = { requested: 0, finished: false, closed: false };
  async function* generate() {
    try {
      for (let i = 0; i < sources.length; i += size) {
        state.requested += 1;
        yield sources.slice(i, i + size);
      }
      state.finished = true;
    } finally {
      state.closed = true;
    }
  }
  return { state, batches: generate() };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks += 1;
    text += decoder.decode(next.value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks };
}

const CATEGORIES = ["business", "science", "world"];
/** Grouped by category, as the export query returns them; names and URLs with everything XML must escape. */
const MANY: OpmlSource[] = CATEGORIES.flatMap((category, c) =>
  Array.from({ length: 40 }, (_, i) => ({
    name: i === 0 ? `Tom & Jerry's <"News"> ${c}` : i === 1 ? `Bell\u0007 and \u0000null ${c}` : `${category} feed ${i}`,
    feedUrl: `https://${category}.example/${i}/rss?x=1&y=2`,
    siteUrl: i % 2 === 0 ? `https://${category}.example/?a=<b>&c='d'` : null,
    category,
  })),
);

describe("streamed OPML export", () => {
  it("writes one well-formed document with one group per category and every source escaped", async () => {
    const { batches } = batchesOf(MANY, 25);
    const { text, chunks } = await readAll(await exportOpmlStream(batches, new Date(0)));
    expect(XMLValidator.validate(text)).toBe(true);
    expect(chunks).toBeGreaterThan(3);
    expect(text.match(/<outline text="[^"]*" title="[^"]*">/g)).toEqual(CATEGORIES.map((c) => `<outline text="${c}" title="${c}">`));
    const entries = readOpml(text);
    expect(entries).toHaveLength(MANY.length);
    expect(entries[0]).toEqual({ name: `Tom & Jerry's <"News"> 0`, url: "https://business.example/0/rss?x=1&y=2", siteUrl: "https://business.example/?a=<b>&c='d'", category: "business" });
    // Characters XML 1.0 cannot carry are dropped rather than breaking the document.
    expect(entries[1].name).toBe("Bell and null 0");
    expect(new Set(entries.map((entry) => entry.category))).toEqual(new Set(CATEGORIES));
    // The same bytes as the all-at-once export of the same sources.
    const asHealth = MANY.map((source, id) => ({ ...source, id, slug: `s${id}`, url: source.feedUrl, lastFetchedAt: null, lastSuccessAt: null, lastError: null, errorCount: 0, articleCount: 0, nextCheckAt: "", newestArticleAt: null }));
    expect(text).toBe(exportOpml(asHealth, new Date(0)));
  });

  it("reads a batch only when the reader has taken what came before (never the whole list at once)", async () => {
    const { state, batches } = batchesOf(MANY, 10);
    const reader = (await exportOpmlStream(batches)).getReader();
    // The first batch is read up front, so that a failing database can still get a proper error response.
    expect(state.requested).toBe(1);
    await reader.read(); // the head
    await reader.read(); // the first batch
    await new Promise((resolve) => setTimeout(resolve, 20));
    // At most one chunk ahead of the reader: batches 2 (and perhaps 3) of 12.
    expect(state.requested).toBeLessThanOrEqual(3);
    expect(state.finished).toBe(false);
    await reader.cancel();
    // A reader that goes away stops the reading.
    expect(state.closed).toBe(true);
    expect(state.finished).toBe(false);
  });

  it("fails before answering when the first batch cannot be read, and cuts the stream when a later one cannot", async () => {
    async function* failingAt(batch: number) {
      for (let i = 0; ; i++) {
        if (i === batch) throw new Error("database gone");
        yield MANY.slice(i * 10, i * 10 + 10);
      }
    }
    await expect(exportOpmlStream(failingAt(0))).rejects.toThrow("database gone");
    await expect(readAll(await exportOpmlStream(failingAt(2)))).rejects.toThrow("database gone");
  });

  it("writes an empty body for no sources", async () => {
    const { text } = await readAll(await exportOpmlStream(batchesOf([], 10).batches));
    expect(XMLValidator.validate(text)).toBe(true);
    expect(readOpml(text)).toEqual([]);
  });
});
