import { describe, expect, it } from "vitest";
import { fixtureArticle as article } from "./article-fixture";
import { cleanFilter, matchesFilter } from "./filter";

describe("live filters", () => {
  it("drops malformed slugs and matches on source and category", () => {
    expect(cleanFilter({ source: "bbc-world", category: "<script>" })).toEqual({ source: "bbc-world" });
    expect(matchesFilter(article(1, "bbc"), { source: "bbc" })).toBe(true);
    expect(matchesFilter(article(1, "bbc"), { source: "npr" })).toBe(false);
    expect(matchesFilter(article(1, "bbc", "science"), { category: "world" })).toBe(false);
    expect(matchesFilter(article(1), {})).toBe(true);
  });
});
