import pino from "pino";
import { describe, expect, it } from "vitest";
import { fakeDatabase, fixtureArticle } from "./article-fixture";
import { createArticleFeed } from "./article-feed";

const silent = pino({ level: "silent" });

/** A feed over the stand-in table that counts its reads and records what it delivers. */
function countedFeed(stored: number, minReadIntervalMs?: number) {
  const db = fakeDatabase(stored);
  let reads = 0;
  const feed = createArticleFeed({
    startAfter: stored,
    readAfter: (afterId, limit) => {
      reads += 1;
      return db.readAfter(afterId, limit);
    },
    logger: silent,
    pollMs: 60_000,
    minReadIntervalMs,
  });
  const delivered: number[] = [];
  feed.subscribe((articles) => delivered.push(...articles.map((article) => article.id)));
  return { db, feed, delivered, reads: () => reads };
}

describe("the live feed's wake-ups", () => {
  it("does not read again for a notification of articles it has already delivered", async () => {
    const { db, feed, delivered, reads } = countedFeed(10);
    for (const id of [11, 12, 13]) db.store(fixtureArticle(id));
    // This instance's own insert wakes it first…
    feed.wake();
    await feed.idle();
    expect(delivered).toEqual([11, 12, 13]);
    const readsAfterOwnInsert = reads();
    // …then the database's notification of that same insert arrives: nothing newer, nothing read.
    feed.wake(13);
    feed.wake(12);
    await feed.idle();
    expect(reads()).toBe(readsAfterOwnInsert);
    await feed.close();
  });

  it("reads when a notification names an id it has not delivered", async () => {
    const { db, feed, delivered, reads } = countedFeed(10);
    db.store(fixtureArticle(11));
    feed.wake(11);
    await feed.idle();
    expect(delivered).toEqual([11]);
    expect(reads()).toBeGreaterThan(0);
    await feed.close();
  });

  it("reads on a wake-up that names no id (a missed notification, a reconnect)", async () => {
    const { db, feed, delivered } = countedFeed(10);
    db.store(fixtureArticle(11));
    feed.wake();
    await feed.idle();
    db.store(fixtureArticle(12));
    feed.wake();
    await feed.idle();
    expect(delivered).toEqual([11, 12]);
    await feed.close();
  });

  it("reads at once after a quiet spell, then no sooner than its interval after the last read", async () => {
    const { db, feed, delivered, reads } = countedFeed(10, 60_000);
    db.store(fixtureArticle(11));
    feed.wake(11);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered).toEqual([11]);
    expect(reads()).toBe(1);
    // A busy stream: the next wake-ups wait for the interval (a minute here), and share one read then.
    db.store(fixtureArticle(12));
    feed.wake(12);
    db.store(fixtureArticle(13));
    feed.wake(13);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered).toEqual([11]);
    expect(reads()).toBe(1);
    await feed.close();
  });

  it("delivers a burst exactly once and in order, whatever the wake-ups' timing", async () => {
    const { db, feed, delivered } = countedFeed(10);
    for (let id = 11; id <= 40; id++) {
      db.store(fixtureArticle(id));
      feed.wake(id);
      if (id % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await feed.idle();
    expect(delivered).toEqual(Array.from({ length: 30 }, (_, i) => 11 + i));
    await feed.close();
  });
});
