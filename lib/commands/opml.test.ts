import { describe, expect, it } from "vitest";
import type { SourceHealth } from "../domain/article";
import { ValidationError } from "../domain/errors";
import { exportOpml, readOpml } from "./opml";

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
});
