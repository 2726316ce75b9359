import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Article } from "../domain/article";
import { fakeDatabase, fixtureArticle as article } from "./article-fixture";
import { createArticleFeed } from "./article-feed";
import { catchUp } from "./catch-up";
import type { LiveFilter } from "./events";
import { matchesFilter } from "./filter";
import { RecentArticles } from "./recent-articles";
import { createSharedReplay } from "./replay";

const silent = pino({ level: "silent" });

/** The live layer of one instance as the transports use it, with readers that record what they are sent. */
function liveLayer(stored: number, recentCapacity = 2000) {
  const db = fakeDatabase(stored);
  const feed = createArticleFeed({ startAfter: stored, readAfter: (afterId, limit) => db.readAfter(afterId, limit), logger: silent, pollMs: 60_000 });
  const recent = new RecentArticles(recentCapacity);
  recent.markCompleteAbove(stored);
  feed.subscribe((articles) => recent.add(articles));
  const sources = { replay: createSharedReplay({ query: db.query }), recent, deliveredUpTo: feed.deliveredUpTo };
  const live = new Set<{ filter: LiveFilter; received: number[] }>();
  feed.subscribe((articles) => {
    for (const reader of live) for (const a of articles) if (matchesFilter(a, reader.filter)) reader.received.push(a.id);
  });
  function reader(filter: LiveFilter = {}) {
    const state = { filter, received: [] as number[], writableCalls: 0, open: true, live: false };
    return {
      state,
      filter,
      send: (a: Article) => state.received.push(a.id),
      writable: async () => {
        state.writableCalls += 1;
        await new Promise((resolve) => setImmediate(resolve));
      },
      isOpen: () => state.open,
      goLive: () => {
        state.live = true;
        live.add(state);
      },
    };
  }
  let nextId = stored + 1;
  /** Stores `count` articles (some from "other"/"sport") and wakes the feed, as an insert does. */
  function store(count: number) {
    for (let i = 0; i < count; i++, nextId++) db.store(nextId % 3 === 0 ? article(nextId, "other", "sport") : article(nextId));
    feed.wake();
  }
  return { db, feed, sources, reader, store, expected: (after: number, filter: LiveFilter = {}) => db.rows.filter((a) => a.id > after && matchesFilter(a, filter)).map((a) => a.id) };
}

describe("catching a reader up", () => {
  it("sends what it missed from the database, in order, then goes live: every article once", async () => {
    const layer = liveLayer(600);
    const reader = layer.reader();
    await catchUp(reader, 100, layer.sources);
    expect(reader.state.live).toBe(true);
    layer.store(5);
    await layer.feed.idle();
    expect(reader.state.received).toEqual(layer.expected(100));
    // 500 missed articles: two database pages, and the reader was waited for after each.
    expect(layer.db.calls.length).toBeGreaterThanOrEqual(2);
    expect(reader.state.writableCalls).toBeGreaterThanOrEqual(2);
  });

  it("answers a recent cursor from memory, without asking the database", async () => {
    const layer = liveLayer(100);
    layer.store(30);
    await layer.feed.idle();
    const reader = layer.reader({ source: "other" });
    await catchUp(reader, 110, layer.sources);
    expect(layer.db.calls).toEqual([]);
    expect(reader.state.received).toEqual(layer.expected(110, { source: "other" }));
  });

  it("misses nothing and repeats nothing when articles arrive while its queries run", async () => {
    const layer = liveLayer(1_000, 50);
    const readers = [
      { r: layer.reader(), from: 0 },
      { r: layer.reader({ category: "sport" }), from: 400 },
      { r: layer.reader(), from: 990 },
      { r: layer.reader({ source: "wire" }), from: 1_000 },
    ];
    const done = readers.map(({ r, from }) => catchUp(r, from, layer.sources));
    // Articles keep arriving, more than the recent buffer holds, while the readers catch up.
    for (let i = 0; i < 40; i++) {
      layer.store(7);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(done);
    layer.store(3);
    await layer.feed.idle();
    for (const { r, from } of readers) {
      expect(r.state.live).toBe(true);
      expect(r.state.received).toEqual(layer.expected(from, r.filter));
    }
  });

  it("with an end, sends only up to it: a reader already live has what came after", async () => {
    const layer = liveLayer(50);
    const reader = layer.reader();
    await catchUp(reader, 10, layer.sources, 20);
    expect(reader.state.received).toEqual(layer.expected(10).filter((id) => id <= 20));
  });

  it("stops when the reader goes away, without going live", async () => {
    const layer = liveLayer(2_000);
    const reader = layer.reader();
    const done = catchUp(reader, 0, layer.sources);
    reader.state.open = false;
    await done;
    expect(reader.state.live).toBe(false);
    expect(reader.state.received.length).toBeLessThanOrEqual(250);
  });

  it("rejects when the database fails, leaving the reader not live", async () => {
    const layer = liveLayer(100);
    const reader = layer.reader();
    const failing = { ...layer.sources, replay: Object.assign(async () => Promise.reject(new Error("database unavailable")), { stats: () => ({ queries: 0, shared: 0 }) }) };
    await expect(catchUp(reader, 0, failing)).rejects.toThrow("database unavailable");
    expect(reader.state.live).toBe(false);
  });
});
