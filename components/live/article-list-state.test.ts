import { describe, expect, it } from "vitest";
import { fixtureArticle as article } from "@/lib/realtime/article-fixture";
import { articleListReducer, initialArticleList, MAX_LIVE_ITEMS } from "./article-list-state";

const ids = (list: { id: number }[]) => list.map((item) => item.id);

describe("the live article list", () => {
  it("puts arrivals at the top, newest first, when the list's top is below the viewport, and highlights only them", () => {
    const start = initialArticleList([article(3), article(2)], "2");
    const next = articleListReducer(start, { type: "arrived", articles: [article(4), article(5)], insert: true });
    expect(ids(next.articles)).toEqual([5, 4, 3, 2]);
    expect([...next.fresh].sort()).toEqual([4, 5]);
    expect(next.arrivals).toBe(2);
    expect(next.nextCursor).toBe("2");
  });

  it("holds arrivals back while the list's top is in view or scrolled past, and reveals them on request", () => {
    let state = initialArticleList([article(3)], null);
    state = articleListReducer(state, { type: "arrived", articles: [article(4)], insert: false });
    state = articleListReducer(state, { type: "arrived", articles: [article(5)], insert: false });
    expect(ids(state.articles)).toEqual([3]);
    expect(ids(state.pending)).toEqual([5, 4]);
    expect(state.arrivals).toBe(2);
    // A later arrival at the top takes the held ones in with it, in order.
    const inserted = articleListReducer(state, { type: "arrived", articles: [article(6)], insert: true });
    expect(ids(inserted.articles)).toEqual([6, 5, 4, 3]);
    expect(inserted.pending).toEqual([]);
    const revealed = articleListReducer(state, { type: "reveal" });
    expect(ids(revealed.articles)).toEqual([5, 4, 3]);
    expect(articleListReducer(revealed, { type: "reveal" })).toBe(revealed);
  });

  it("shows a replayed or duplicated article once and does not count it again", () => {
    let state = initialArticleList([article(3)], null);
    state = articleListReducer(state, { type: "arrived", articles: [article(4)], insert: false });
    const again = articleListReducer(state, { type: "arrived", articles: [article(3), article(4)], insert: true });
    expect(again).toBe(state);
    const mixed = articleListReducer(state, { type: "arrived", articles: [article(4), article(5), article(5)], insert: false });
    expect(ids(mixed.pending)).toEqual([5, 4]);
    expect(mixed.arrivals).toBe(2);
  });

  it("trims the list after a live insert, and 'load more' then continues after the last article kept", () => {
    const many = Array.from({ length: MAX_LIVE_ITEMS }, (_, i) => article(MAX_LIVE_ITEMS - i));
    const state = articleListReducer(initialArticleList(many, "1"), { type: "arrived", articles: [article(MAX_LIVE_ITEMS + 1)], insert: true });
    expect(state.articles).toHaveLength(MAX_LIVE_ITEMS);
    expect(state.articles[0].id).toBe(MAX_LIVE_ITEMS + 1);
    expect(state.nextCursor).toBe("2");
  });

  it("appends an older page that follows on, without duplicates, and drops one that no longer does", () => {
    const state = initialArticleList([article(5), article(4)], "4");
    const older = articleListReducer(state, { type: "older", after: "4", articles: [article(4), article(3), article(2)], nextCursor: "2" });
    expect(ids(older.articles)).toEqual([5, 4, 3, 2]);
    expect(older.nextCursor).toBe("2");
    expect(articleListReducer(older, { type: "older", after: "4", articles: [article(1)], nextCursor: null })).toBe(older);
  });
});
