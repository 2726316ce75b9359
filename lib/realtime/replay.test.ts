import { describe, expect, it } from "vitest";
import type { Article } from "../domain/article";
import { fixtureArticle } from "./article-fixture";
import { RecentArticles } from "./bus";
import type { LiveFilter } from "./events";
import { createSharedReplay } from "./replay";

const article = fixtureArticle;

/** A stand-in for the database: ids 1..stored, every third from "other", in category "sport". */
function fakeDatabase(stored: number) {
  const rows = Array.from({ length: stored }, (_, i) => (i % 3 === 2 ? article(i + 1, "other", "sport") : article(i + 1)));
  const calls: { afterId: number; filter: LiveFilter; limit: number }[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> = Promise.resolve();
  return {
    calls,
    rows,
    /** Holds queries until release() (to make requests overlap). */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release?.(),
    async query(afterId: number, filter: LiveFilter, limit: number): Promise<Article[]> {
      calls.push({ afterId, filter, limit });
      await gate;
      return rows.filter((row) => row.id > afterId && (!filter.source || row.source.slug === filter.source) && (!filter.category || row.category === filter.category)).slice(0, limit);
    },
  };
}

describe("shared replay", () => {
  it("answers from memory, without a query, a cursor at or above the newest article at start", async () => {
    const db = fakeDatabase(100);
    const recent = new RecentArticles();
    recent.markCompleteAbove(100);
    recent.add([article(101), article(102, "other", "sport"), article(103)]);
    const replay = createSharedReplay({ query: db.query, recent });
    expect((await replay(100, {}, 500)).map((a) => a.id)).toEqual([101, 102, 103]);
    expect((await replay(101, { source: "other" }, 500)).map((a) => a.id)).toEqual([102]);
    expect((await replay(100, {}, 2)).map((a) => a.id)).toEqual([101, 102]);
    expect(await replay(103, {}, 500)).toEqual([]);
    expect(db.calls).toEqual([]);
    expect(replay.stats()).toMatchObject({ fromMemory: 4, queries: 0 });
  });

  it("asks the database for a cursor below that, and never without knowing where memory starts", async () => {
    const db = fakeDatabase(100);
    const recent = new RecentArticles();
    const unknown = createSharedReplay({ query: db.query, recent });
    expect(await unknown(100, {}, 500)).toEqual([]);
    expect(db.calls).toHaveLength(1);
    recent.markCompleteAbove(100);
    const replay = createSharedReplay({ query: db.query, recent });
    expect((await replay(95, { category: "sport" }, 500)).map((a) => a.id)).toEqual([96, 99]);
    expect(db.calls.at(-1)).toEqual({ afterId: 95, filter: { category: "sport" }, limit: 500 });
  });

  it("is complete only above what the buffer has dropped", async () => {
    const db = fakeDatabase(10);
    const recent = new RecentArticles(3);
    recent.markCompleteAbove(10);
    recent.add([article(11), article(12), article(13), article(14), article(15)]);
    const replay = createSharedReplay({ query: db.query, recent });
    // 11 and 12 were dropped: a client at 11 would miss 12 from memory, so it goes to the database.
    expect(recent.covers(11)).toBe(false);
    expect(recent.covers(12)).toBe(true);
    await replay(11, {}, 500);
    expect(db.calls.map((call) => call.afterId)).toEqual([11]);
    expect((await replay(12, {}, 500)).map((a) => a.id)).toEqual([13, 14, 15]);
    expect(db.calls).toHaveLength(1);
  });

  it("runs one query for many identical requests in flight, and separate ones for different requests", async () => {
    const db = fakeDatabase(50);
    const recent = new RecentArticles();
    recent.markCompleteAbove(50);
    const replay = createSharedReplay({ query: db.query, recent });
    db.hold();
    const same = Array.from({ length: 1000 }, () => replay(40, {}, 500));
    const other = [replay(40, { source: "other" }, 500), replay(41, {}, 500)];
    db.release();
    const answers = await Promise.all(same);
    expect(answers.every((answer) => answer.map((a) => a.id).join() === "41,42,43,44,45,46,47,48,49,50")).toBe(true);
    expect((await other[0]).map((a) => a.id)).toEqual([42, 45, 48]);
    expect(db.calls).toHaveLength(3);
    expect(replay.stats()).toMatchObject({ queries: 3, shared: 999 });
  });

  it("shares an answer for a moment after it arrives, then asks again", async () => {
    const db = fakeDatabase(20);
    const recent = new RecentArticles();
    recent.markCompleteAbove(20);
    const replay = createSharedReplay({ query: db.query, recent, shareMs: 30 });
    await replay(10, {}, 500);
    await replay(10, {}, 500);
    expect(db.calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await replay(10, {}, 500);
    expect(db.calls).toHaveLength(2);
  });

  it("does not keep a failed query: the next request asks again", async () => {
    const recent = new RecentArticles();
    recent.markCompleteAbove(5);
    let fail = true;
    const replay = createSharedReplay({
      recent,
      query: async (afterId) => {
        if (fail) throw new Error("database unavailable");
        return [article(afterId + 1)];
      },
    });
    await expect(replay(1, {}, 500)).rejects.toThrow("database unavailable");
    fail = false;
    expect((await replay(1, {}, 500)).map((a) => a.id)).toEqual([2]);
  });
});
