import { describe, expect, it } from "vitest";
import { fakeDatabase, fixtureArticle as article } from "./article-fixture";
import { createSharedReplay } from "./replay";

describe("shared replay", () => {
  it("asks the database for the articles between a cursor and an end, and says where its answer reaches", async () => {
    const db = fakeDatabase(100);
    const replay = createSharedReplay({ query: db.query });
    const page = await replay(95, 99, { category: "sport" }, 500);
    expect(page.articles.map((a) => a.id)).toEqual([96, 99]);
    expect(page).toMatchObject({ upTo: 99, limit: 500 });
    expect(db.calls).toEqual([{ afterId: 95, upTo: 99, filter: { category: "sport" }, limit: 500 }]);
  });

  it("runs one query for many identical requests in flight, and separate ones for different requests", async () => {
    const db = fakeDatabase(50);
    const replay = createSharedReplay({ query: db.query });
    db.hold();
    const same = Array.from({ length: 1000 }, (_, i) => replay(40, 50 + (i % 2), {}, 500));
    const other = [replay(40, 50, { source: "other" }, 500), replay(41, 50, {}, 500)];
    db.release();
    const answers = await Promise.all(same);
    // Shared answers carry the end of the query that made them, whatever end the later asker had.
    expect(answers.every((answer) => answer.articles.map((a) => a.id).join() === "41,42,43,44,45,46,47,48,49,50" && answer.upTo === 50)).toBe(true);
    expect((await other[0]).articles.map((a) => a.id)).toEqual([42, 45, 48]);
    expect(db.calls).toHaveLength(3);
    expect(replay.stats()).toEqual({ queries: 3, shared: 999 });
  });

  it("shares an answer for a moment after it arrives, then asks again", async () => {
    const db = fakeDatabase(20);
    const replay = createSharedReplay({ query: db.query, shareMs: 30 });
    await replay(10, 20, {}, 500);
    await replay(10, 20, {}, 500);
    expect(db.calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await replay(10, 20, {}, 500);
    expect(db.calls).toHaveLength(2);
  });

  it("does not keep a failed query: the next request asks again", async () => {
    let fail = true;
    const replay = createSharedReplay({
      query: async (afterId) => {
        if (fail) throw new Error("database unavailable");
        return [article(afterId + 1)];
      },
    });
    await expect(replay(1, 5, {}, 500)).rejects.toThrow("database unavailable");
    fail = false;
    expect((await replay(1, 5, {}, 500)).articles.map((a) => a.id)).toEqual([2]);
  });
});
