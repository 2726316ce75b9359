// A check whose parse runs past the pool's time limit fails that source alone, with the reason recorded on it;
// a source checked at the same time through the same pool is stored as usual. A stored check logs where its
// time went.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before anything opens the database: every lib/db call in this file goes to its own SQLite file.
const DATABASE_URL = vi.hoisted(() => {
  const url = `file:./tests/.tmp/refresh-source-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = url;
  return url;
});

import { applyMigrations } from "../boot/migrate";
import { disconnectDb } from "../db/client";
import { findSourceHealthBySlug, insertSource } from "../db/sources";
import { findSourceById } from "../db/source-checks";
import { createParsePool, type ParsePool } from "./parse-pool/pool";
import { refreshSource } from "./refresh-source";

const SMALL = `<rss version="2.0"><channel><title>Small</title><item><title>A small story</title><link>https://news.example/small</link><guid>small-1</guid></item></channel></rss>`;

function bigRss(megabytes: number): string {
  const paragraph = `<p>Paragraph with <a href="/relative">a link</a> and <b>bold</b> text.</p>`;
  const perItem = Math.ceil((megabytes * 1024 * 1024) / 1000 / paragraph.length);
  const items = Array.from({ length: 1000 }, (_, i) => `<item><title>Story ${i}</title><guid>big-${i}</guid><description><![CDATA[${paragraph.repeat(perItem)}]]></description></item>`);
  return `<rss version="2.0"><channel><title>Big</title>${items.join("")}</channel></rss>`;
}

let server: http.Server;
let origin: string;
let pool: ParsePool;

beforeAll(async () => {
  fs.mkdirSync(path.join(process.cwd(), "tests", ".tmp"), { recursive: true });
  await applyMigrations(DATABASE_URL);
  const big = bigRss(4);
  server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.end(req.url === "/big.xml" ? big : SMALL);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await pool?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await disconnectDb();
  const file = path.join(process.cwd(), DATABASE_URL.slice("file:".length));
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${file}${suffix}`, { force: true });
});

describe("refreshSource with the parse pool", () => {
  it("fails only the source whose parse runs too long, and records why on it", async () => {
    pool = createParsePool({ threads: 1, timeoutMs: 150 });
    const context = { allowPrivate: true, baseIntervalSeconds: 300, logger: pino({ level: "silent" }), processor: pool };
    const [big, small] = await Promise.all(
      ["big", "small"].map(async (slug) => {
        const created = await insertSource({ slug, name: slug, feedUrl: `${origin}/${slug}.xml`, category: "world", pollIntervalSeconds: 300 });
        return (await findSourceById(created.id))!;
      }),
    );

    const [bigResult, smallResult] = await Promise.all([refreshSource(big, context), refreshSource(small, context)]);

    // Parsing 4 MB, or cleaning its entries after it on a fast machine: whichever step passes the limit names itself.
    const tooLong = /^Parsing and cleaning the feed took longer than 150 ms and was stopped$/;
    expect(bigResult).toEqual({ status: "failed", code: "parse_timeout", error: expect.stringMatching(tooLong) });
    expect(smallResult).toMatchObject({ status: "updated", inserted: [expect.objectContaining({ title: "A small story" })] });
    const bigHealth = await findSourceHealthBySlug("big");
    expect(bigHealth).toMatchObject({ lastError: `parse_timeout: ${(bigResult as { error: string }).error}`, errorCount: 1, articleCount: 0 });
    const smallHealth = await findSourceHealthBySlug("small");
    expect(smallHealth).toMatchObject({ lastError: null, articleCount: 1 });
  }, 60_000);
});

describe("refreshSource's log line", () => {
  it("says how long each stage of a stored check took, and the waits the caller measured", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const created = await insertSource({ slug: "timed", name: "timed", feedUrl: `${origin}/timed.xml`, category: "world", pollIntervalSeconds: 300 });
    const source = (await findSourceById(created.id))!;

    const result = await refreshSource(source, { allowPrivate: true, baseIntervalSeconds: 300, logger }, { claimMs: 3.21, turnMs: 12.34 });

    expect(result).toMatchObject({ status: "updated" });
    const refreshed = lines.find((line) => line.msg === "feed refreshed");
    expect(refreshed?.ms).toEqual({ claimMs: 3.2, turnMs: 12.3, fetchMs: expect.any(Number), parseMs: expect.any(Number), normalizeMs: expect.any(Number), storeMs: expect.any(Number) });
    const stages = refreshed!.ms as Record<string, number>;
    for (const stage of ["fetchMs", "parseMs", "normalizeMs", "storeMs"]) expect(stages[stage]).toBeGreaterThanOrEqual(0);
    expect(stages.storeMs).toBeGreaterThan(0);
  });
});
