// The listing side of the sources repository — keyset pages, the health summary, export batches — on both
// engines: raw SQL is where SQLite and PostgreSQL differ. PostgreSQL must be reachable (127.0.0.1:5432, or
// NEWSWIRE_TEST_POSTGRES_URL), as for lib/db/postgresql.test.ts.
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { sourceStatus } from "../../components/articles/source-health";
import { applyMigrations } from "../boot/migrate";
import type { SourceHealth } from "../domain/article";
import type { ArticleCandidate } from "../domain/feed";
import { sha256Hex } from "../domain/hash";
import type { SourceKey } from "../domain/source-cursor";
import { insertNewArticles } from "./article-writes";
import { disconnectDb, getDb } from "./client";
import { findSourceHealthById, findSourceHealthBySlug, insertSource, listSourceHealthPage, listSourcesForExport, listSourcesWithHealth, sourcePageStatement, summarizeSources, type SourceForExport } from "./sources";
import { recordFetchOutcome } from "./source-checks";

const pgAdminUrl = process.env.NEWSWIRE_TEST_POSTGRES_URL || "postgresql://root@127.0.0.1:5432/test";

async function pgAdmin(work: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated database of each engine, made for this file and removed after it. */
const engines = {
  async sqlite() {
    const database = await useTestDatabase("source-listing");
    return database.cleanup;
  },
  async postgresql() {
    const name = `newswire_listing_${process.pid}_${Date.now()}`;
    await pgAdmin((client) => client.query(`CREATE DATABASE "${name}"`).then(() => undefined));
    const url = new URL(pgAdminUrl);
    url.pathname = `/${name}`;
    await disconnectDb();
    process.env.DATABASE_URL = url.toString();
    await applyMigrations(url.toString());
    return async () => {
      await disconnectDb();
      await pgAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined));
    };
  },
};

let n = 0;
function candidate(publishedAt: Date): ArticleCandidate {
  n += 1;
  const url = `https://listing.example/stories/${n}`;
  return {
    dedupeKey: `g:${n}`,
    title: `Listing story ${n}`,
    url,
    normalizedUrl: url.replace(/^https?:\/\//, ""),
    summary: `Summary ${n}`,
    contentHtml: "",
    contentHash: sha256Hex(`listing ${n}`),
    imageUrl: null,
    author: null,
    publishedAt,
    updatedAt: publishedAt,
  };
}

/** Names with ties (the id decides), capitals and XML's special characters. */
const NAMES = ["Gamma", "alpha", "Beta", "Beta", "Zulu & Sons", "delta <news>", "Echo", "Beta", "Alpha", "foxtrot", "Gamma", "hotel 'h'", "India", "Juliet", "kilo", "Lima", "Mike", "Beta", "november", "Oscar", "Papa", "Quebec", "Romeo"];
const CATEGORIES = ["world", "science", "business"];

/** Byte order of ASCII names, then id: SQLite's order. */
const byNameThenId = (a: SourceHealth, b: SourceHealth) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id);

for (const kind of ["sqlite", "postgresql"] as const) {
  describe(`source listing (${kind})`, () => {
    let cleanup: () => Promise<void>;
    const ids: number[] = [];
    let withArticles: number;
    let failing: number;
    const newest = new Date(Date.UTC(2026, 4, 6, 7, 8, 9, 10));

    beforeAll(async () => {
      cleanup = await engines[kind]();
      for (const [index, name] of NAMES.entries()) {
        const source = await insertSource({ slug: `s-${index}`, name, feedUrl: `https://s${index}.example/feed?a=1&b=2`, category: CATEGORIES[index % 3], pollIntervalSeconds: 300 });
        ids.push(source.id);
      }
      withArticles = ids[4];
      await insertNewArticles(withArticles, [candidate(new Date(newest.getTime() - 3_600_000)), candidate(newest), candidate(new Date(newest.getTime() - 60_000))], new Date());
      failing = ids[2];
      const at = new Date();
      await recordFetchOutcome(failing, { kind: "failure", fetchedAt: at, nextCheckAt: at, error: "HTTP 503" });
      await recordFetchOutcome(ids[3], { kind: "success", fetchedAt: at, nextCheckAt: at, pollIntervalSeconds: 300 });
      await recordFetchOutcome(ids[5], { kind: "success", fetchedAt: at, nextCheckAt: at, pollIntervalSeconds: 300 });
    }, 60_000);
    afterAll(async () => cleanup?.());

    async function walk(order: SourceKey["order"], limit: number, direction: "after" | "before", start?: SourceKey): Promise<SourceHealth[][]> {
      const pages: SourceHealth[][] = [];
      let key = start;
      for (let guard = 0; guard < 100; guard++) {
        const rows = await listSourceHealthPage({ order, [direction]: key, limit });
        if (rows.length === 0) break;
        pages.push(rows);
        const edge = direction === "after" ? rows[rows.length - 1] : rows[0];
        key = order === "id" ? { order: "id", id: edge.id } : { order: "name", name: edge.name, id: edge.id };
        if (rows.length < limit) break;
      }
      return pages;
    }

    it("pages by name then id, forwards and backwards, each source once and in order", async () => {
      const expected = (await listSourcesWithHealth()).map((source) => source.id);
      expect(expected).toHaveLength(NAMES.length);
      // SQLite compares names byte by byte; PostgreSQL by the database's collation, which paging must follow too.
      if (kind === "sqlite") expect([...(await listSourcesWithHealth())].sort(byNameThenId).map((source) => source.id)).toEqual(expected);

      const forward = await walk("name", 5, "after");
      expect(forward.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
      expect(forward.flat().map((source) => source.id)).toEqual(expected);

      // Back from just past the last row: the same rows, pages read back to front.
      const last = forward.flat().at(-1)!;
      const lastPage = await listSourceHealthPage({ order: "name", after: { order: "name", name: last.name, id: last.id }, limit: 5 });
      expect(lastPage).toEqual([]);
      const backward = await walk("name", 5, "before", { order: "name", name: last.name, id: last.id + 1 });
      expect(backward.reverse().flat().map((source) => source.id)).toEqual(expected);
    });

    it("pages by id, and a source added during a walk comes on a later page", async () => {
      const [first, ...rest] = await walk("id", 7, "after");
      expect(first.map((source) => source.id)).toEqual(ids.slice(0, 7));
      const added = await insertSource({ slug: "added-late", name: "Aaa added late", feedUrl: "https://late.example/feed", category: "world", pollIntervalSeconds: 300 });
      const remaining = await walk("id", 7, "after", { order: "id", id: first[6].id });
      expect([...first, ...remaining.flat()].map((source) => source.id)).toEqual([...ids, added.id]);
      expect(rest.flat().map((source) => source.id)).toEqual(ids.slice(7));
      ids.push(added.id);
    });

    // SQLite's plan, which is what a file-backed site runs on (PostgreSQL plans by statistics).
    if (kind === "sqlite") it("reads a page through an index range, never sorting the whole Source table", async () => {
      const queries: Parameters<typeof sourcePageStatement>[0][] = [
        { order: "name", limit: 101 },
        { order: "name", after: { order: "name", name: "Echo", id: 3 }, limit: 101 },
        { order: "name", before: { order: "name", name: "Echo", id: 3 }, limit: 101 },
        { order: "id", after: { order: "id", id: 3 }, limit: 1001 },
      ];
      for (const query of queries) {
        const plan = (await getDb().$queryRaw<{ detail: string }[]>`EXPLAIN QUERY PLAN ${sourcePageStatement(query)}`).map((row) => row.detail);
        // Without the index (or with the subqueries in the sorting query) this reads "SCAN s" + a sort of every row.
        expect(plan.filter((detail) => /^SCAN s\b/.test(detail) && !/USING (COVERING )?INDEX/.test(detail)), plan.join(" | ")).toEqual([]);
        expect(plan.join(" | ")).toMatch(query.order === "name" ? /Source_name_id_idx/ : /INTEGER PRIMARY KEY \(rowid>\?\)/);
      }
    });

    it("carries each source's health, article count and newest article, the same on a page and alone", async () => {
      const page = await listSourceHealthPage({ order: "id", limit: 1000 });
      const mine = page.find((source) => source.id === withArticles)!;
      expect(mine).toMatchObject({ name: "Zulu & Sons", url: "https://s4.example/feed?a=1&b=2", category: "science", articleCount: 3, newestArticleAt: newest.toISOString(), lastError: null, errorCount: 0 });
      expect(page.find((source) => source.id === failing)).toMatchObject({ lastError: "HTTP 503", errorCount: 1, articleCount: 0, newestArticleAt: null });
      expect(page.find((source) => source.id === ids[3])!.lastSuccessAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      expect(typeof mine.nextCheckAt).toBe("string");
      for (const source of page) {
        expect(await findSourceHealthById(source.id)).toEqual(source);
        expect(await findSourceHealthBySlug(source.slug)).toEqual(source);
      }
      expect(await findSourceHealthById(987_654)).toBeNull();
      expect(await findSourceHealthBySlug("no-such-source")).toBeNull();
    });

    it("summarizes health in one query, agreeing with what the page shows for each source", async () => {
      const all = await listSourcesWithHealth();
      const summary = await summarizeSources();
      expect(summary).toEqual({
        total: all.length,
        failing: all.filter((source) => sourceStatus(source) === "failing").length,
        pending: all.filter((source) => sourceStatus(source) === "pending").length,
      });
      expect(summary.failing).toBe(1);
      expect(summary.pending).toBe(all.length - 3);
    });

    it("reads every source for an export in batches, grouped by category, each once", async () => {
      const batches: SourceForExport[][] = [];
      let after: { category: string; id: number } | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const batch = await listSourcesForExport(after, 4);
        if (batch.length === 0) break;
        batches.push(batch);
        after = { category: batch.at(-1)!.category, id: batch.at(-1)!.id };
      }
      const rows = batches.flat();
      expect(batches.length).toBeGreaterThan(2);
      expect(rows.map((row) => row.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      // Categories in order and each in one run; ids ascending within one.
      const categories = rows.map((row) => row.category);
      expect(categories).toEqual([...categories].sort());
      for (let i = 1; i < rows.length; i++) if (rows[i].category === rows[i - 1].category) expect(rows[i].id).toBeGreaterThan(rows[i - 1].id);
      expect(rows.find((row) => row.id === withArticles)).toEqual({ id: withArticles, name: "Zulu & Sons", feedUrl: "https://s4.example/feed?a=1&b=2", siteUrl: null, category: "science" });
    });
  });
}
