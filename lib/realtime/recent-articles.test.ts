import { describe, expect, it } from "vitest";
import { fixtureArticle as article } from "./article-fixture";
import { RecentArticles } from "./recent-articles";

describe("RecentArticles", () => {
  it("returns what came after an id, oldest first, and forgets beyond its capacity", () => {
    const recent = new RecentArticles(3);
    recent.add([article(1), article(2)]);
    recent.add([article(3), article(4)]);
    expect(recent.after(2).map((a) => a.id)).toEqual([3, 4]);
    expect(recent.after(0).map((a) => a.id)).toEqual([2, 3, 4]);
    expect(recent.after(4)).toEqual([]);
    expect(recent.after(99)).toEqual([]);
  });

  it("finds the first article after an id that is not in the buffer (ids have gaps)", () => {
    const recent = new RecentArticles();
    recent.add([article(10), article(13), article(20), article(21)]);
    expect(recent.after(12).map((a) => a.id)).toEqual([13, 20, 21]);
    expect(recent.after(13).map((a) => a.id)).toEqual([20, 21]);
    expect(recent.after(9).map((a) => a.id)).toEqual([10, 13, 20, 21]);
  });

  it("is complete only above where it started and above what it has dropped", () => {
    const recent = new RecentArticles(3);
    expect(recent.covers(1_000)).toBe(false);
    recent.markCompleteAbove(10);
    expect(recent.covers(9)).toBe(false);
    expect(recent.covers(10)).toBe(true);
    recent.add([article(11), article(12), article(13), article(14), article(15)]);
    // 11 and 12 were dropped: a reader at 11 would miss 12 from memory.
    expect(recent.covers(11)).toBe(false);
    expect(recent.covers(12)).toBe(true);
  });
});
