import { describe, expect, it } from "vitest";
import { fixtureArticle } from "./article-fixture";
import { createLocalBus, RecentArticles } from "./bus";
import { formatArticleEvent } from "./sse";
import { cleanFilter, matchesFilter } from "./filter";

const article = fixtureArticle;

describe("local bus", () => {
  it("delivers batches in order to every subscriber until it unsubscribes", async () => {
    const bus = createLocalBus();
    const seen: number[][] = [];
    const unsubscribe = bus.subscribe((articles) => seen.push(articles.map((a) => a.id)));
    await bus.publish([article(1), article(2)]);
    unsubscribe();
    await bus.publish([article(3)]);
    expect(seen).toEqual([[1, 2]]);
  });
});

describe("RecentArticles", () => {
  it("returns what came after an id, oldest first, and forgets beyond its capacity", () => {
    const recent = new RecentArticles(3);
    recent.add([article(1), article(2)]);
    recent.add([article(3), article(4)]);
    expect(recent.after(2).map((a) => a.id)).toEqual([3, 4]);
    expect(recent.after(0).map((a) => a.id)).toEqual([2, 3, 4]);
    expect(recent.after(4)).toEqual([]);
  });

  it("finds everything above an id when batches were published out of id order", () => {
    // Two checks committed 101–102 and then 103–104, but the second published first; then 105 came.
    const recent = new RecentArticles();
    recent.add([article(103), article(104)]);
    recent.add([article(101), article(102)]);
    recent.add([article(105)]);
    expect(recent.after(104).map((a) => a.id)).toEqual([105]);
    expect(recent.after(100).map((a) => a.id)).toEqual([101, 102, 103, 104, 105]);
    expect(recent.after(102).map((a) => a.id)).toEqual([103, 104, 105]);
  });
});

describe("live filters", () => {
  it("drops malformed slugs and matches on source and category", () => {
    expect(cleanFilter({ source: "bbc-world", category: "<script>" })).toEqual({ source: "bbc-world" });
    expect(matchesFilter(article(1, "bbc"), { source: "bbc" })).toBe(true);
    expect(matchesFilter(article(1, "bbc"), { source: "npr" })).toBe(false);
    expect(matchesFilter(article(1, "bbc", "science"), { category: "world" })).toBe(false);
    expect(matchesFilter(article(1), {})).toBe(true);
  });
});

describe("SSE event format", () => {
  it("names the event, carries the cursor as id and the article as one data line", () => {
    const text = formatArticleEvent({ ...article(7), title: "Line one\nline two" });
    const lines = text.split("\n");
    expect(lines[0]).toBe("event: article");
    expect(lines[1]).toBe("id: 7");
    expect(lines[2].startsWith("data: ")).toBe(true);
    expect(JSON.parse(lines[2].slice(6)).title).toBe("Line one\nline two");
    expect(text.endsWith("\n\n")).toBe(true);
  });
});
