// The parse pool really parses off the main thread, bounds a parse that runs too long, and keeps serving the
// other feeds when one fails.
import { afterEach, describe, expect, it } from "vitest";
import { FeedParseError } from "../../domain/errors";
import { FeedProcessingError } from "../../domain/errors";
import { createParsePool, type ParsePool } from "./pool";
import { onThisThread } from "./processor";

const URL = "https://feeds.example/big.xml";
const FETCHED_AT = new Date("2030-01-01T00:00:00Z");

/** An RSS document of about `megabytes` MB: 1000 entries with long HTML bodies (the fetch stage allows 10 MiB). */
function bigFeed(megabytes: number): Buffer {
  const paragraph = `<p>Paragraph with <a href="/relative/link">a link</a>, <b>bold</b> text &amp; an <img src="/img.png" alt="x"> image.</p>`;
  const perItem = Math.ceil((megabytes * 1024 * 1024) / 1000 / paragraph.length);
  const items = Array.from(
    { length: 1000 },
    (_, i) =>
      `<item><title>Story ${i}</title><link>https://news.example/story/${i}</link><guid>story-${i}</guid>` +
      `<pubDate>Mon, 01 Jan 2029 00:${String(i % 60).padStart(2, "0")}:00 GMT</pubDate>` +
      `<description><![CDATA[${paragraph.repeat(perItem)}]]></description></item>`,
  );
  return Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://news.example/</link>${items.join("")}</channel></rss>`);
}

const small = Buffer.from(`<rss version="2.0"><channel><title>Small</title><item><title>Only story</title><link>https://news.example/1</link></item></channel></rss>`);

let pool: ParsePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** Runs `work` while a 10 ms timer ticks; returns the longest gap between ticks (ms): how long the loop was held. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(tick, 10);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the timer see the end of a stall
  } finally {
    clearInterval(timer);
  }
  tick();
  return longest;
}

describe("parse pool", () => {
  it("starts no thread before the first feed, then parses and normalizes like the main thread", async () => {
    pool = createParsePool({ threads: 1 });
    expect(pool.stats().threads).toBe(0);
    const document = { body: small, contentType: "application/rss+xml", url: URL };
    const processed = await pool.process(document, { fetchedAt: FETCHED_AT });
    expect(pool.stats().threads).toBe(1);
    const expected = await onThisThread.process(document, { fetchedAt: FETCHED_AT });
    const withoutTimings = ({ parseMs: _parse, normalizeMs: _normalize, ...rest }: typeof processed) => rest;
    expect(withoutTimings(processed)).toEqual(withoutTimings(expected));
    expect(processed).toMatchObject({ feed: { title: "Small" }, itemCount: 1 });
    expect(processed.candidates[0]!.publishedAt).toBeInstanceOf(Date);
    // The last check's fingerprints cross to the worker: an entry it had is not normalized again.
    expect((await pool.process(document, { fetchedAt: FETCHED_AT, seen: new Set(processed.fingerprints) })).candidates).toEqual([]);
  });

  it("keeps the event loop free while a 3 MB feed is parsed and cleaned, unlike parsing on the main thread", async () => {
    const body = bigFeed(3);
    pool = createParsePool({ threads: 1, timeoutMs: 120_000 });
    await pool.process({ body: small, contentType: null, url: URL }, { fetchedAt: FETCHED_AT }); // thread started and warm

    const onMain = await longestStall(() => onThisThread.process({ body, contentType: null, url: URL }, { fetchedAt: FETCHED_AT }));
    let items = 0;
    const inPool = await longestStall(async () => {
      items = (await pool!.process({ body, contentType: null, url: URL }, { fetchedAt: FETCHED_AT })).candidates.length;
    });
    expect(items).toBe(1000);
    // On the main thread the loop is held for the whole parse (seconds); in the pool only for copying results.
    expect(onMain).toBeGreaterThan(500);
    expect(inPool).toBeLessThan(onMain / 3);
  }, 120_000);

  it("stops a parse that runs past its time, fails only that feed, and parses the one waiting behind it", async () => {
    pool = createParsePool({ threads: 1, timeoutMs: 200 });
    const big = bigFeed(9);
    const [slow, other] = await Promise.allSettled([
      pool.process({ body: big, contentType: null, url: URL }, { fetchedAt: FETCHED_AT }),
      pool.process({ body: small, contentType: null, url: URL }, { fetchedAt: FETCHED_AT }),
    ]);
    expect(slow.status).toBe("rejected");
    const error = (slow as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(FeedProcessingError);
    expect(error).toMatchObject({ code: "parse_timeout", message: "Parsing and cleaning the feed took longer than 200 ms and was stopped" });
    expect(other).toMatchObject({ status: "fulfilled", value: { feed: { title: "Small" } } });
    await expect(pool.process({ body: small, contentType: null, url: URL }, { fetchedAt: FETCHED_AT })).resolves.toMatchObject({ feed: { title: "Small" } });
  }, 60_000);

  it("refuses documents past its queue bound at once", async () => {
    pool = createParsePool({ threads: 1, maxQueue: 1, timeoutMs: 60_000 });
    const big = bigFeed(3);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => pool!.process({ body: big, contentType: null, url: URL }, { fetchedAt: FETCHED_AT })));
    // One parses, one waits, the other two are refused without waiting.
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
    for (const r of results.slice(2)) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "parse_busy" });
  }, 60_000);

  it("reports a document that is not a feed as FeedParseError, as on the main thread", async () => {
    pool = createParsePool({ threads: 1 });
    const error = await pool.process({ body: Buffer.from("<!doctype html><html></html>"), contentType: null, url: URL }, { fetchedAt: FETCHED_AT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as Error).message).toBe("The document is an HTML page, not a feed");
  });

  it("refuses work once closed", async () => {
    pool = createParsePool({ threads: 1 });
    await pool.close();
    await expect(pool.process({ body: small, contentType: null, url: URL }, { fetchedAt: FETCHED_AT })).rejects.toMatchObject({ code: "parse_busy" });
  });
});
