// Direct database work for the bench: a migrated SQLite file (Prisma's own `migrate deploy`, as the server
// does at start), and fast seeding with one better-sqlite3 transaction. DateTime columns hold ISO-8601 text
// with a "+00:00" offset: that is how @prisma/adapter-better-sqlite3 writes them, and how Prisma compares.
import "../../lib/db/sqlite-driver";
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { applyMigrations } from "../../lib/boot/migrate";
import { headlineGenerator, summaryFor } from "./headlines";
import { ROOT } from "./util";

export const isoDb = (date: Date) => date.toISOString().replace("Z", "+00:00");

export async function createMigratedDatabase(file: string): Promise<void> {
  await applyMigrations(`file:${file}`, ROOT);
}

export function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  return db;
}

export type SeedSource = { slug: string; name: string; feedUrl: string; category: string; nextCheckAt: Date; pollIntervalSeconds?: number };

export function insertSources(db: Database.Database, sources: SeedSource[]): number[] {
  const now = isoDb(new Date());
  const insert = db.prepare(
    `INSERT INTO "Source" (slug, name, feedUrl, siteUrl, category, nextCheckAt, pollIntervalSeconds, createdAt, updatedAt)
     VALUES (@slug, @name, @feedUrl, @siteUrl, @category, @nextCheckAt, @pollIntervalSeconds, @now, @now)`,
  );
  const ids: number[] = [];
  db.transaction(() => {
    for (const source of sources) {
      const info = insert.run({ ...source, siteUrl: source.feedUrl.replace(/\/feeds\/.*/, "/"), nextCheckAt: isoDb(source.nextCheckAt), pollIntervalSeconds: source.pollIntervalSeconds ?? 300, now });
      ids.push(Number(info.lastInsertRowid));
    }
  })();
  return ids;
}

export type ArticleRow = {
  sourceId: number;
  dedupeKey: string;
  slug: string;
  title: string;
  url: string;
  normalizedUrl: string;
  summary: string;
  contentHtml: string;
  contentHash: string;
  imageUrl: string | null;
  publishedAt: string;
  ingestedAt: string;
};

export function articleRows(count: number, sourceIds: number[], options: { seed?: number; keyPrefix?: string; newestAt?: Date } = {}): ArticleRow[] {
  const headline = headlineGenerator(options.seed ?? 7);
  const newest = (options.newestAt ?? new Date()).getTime();
  const rows: ArticleRow[] = [];
  for (let i = 0; i < count; i++) {
    const title = headline();
    const summary = summaryFor(title);
    const key = `${options.keyPrefix ?? "seed"}-${i}`;
    const sourceId = sourceIds[i % sourceIds.length];
    // Oldest first, one a minute: ids follow publication order as ingestion would make them.
    const at = isoDb(new Date(newest - (count - i) * 60_000));
    rows.push({
      sourceId,
      dedupeKey: `g:${key}`,
      slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60).replace(/-+$/, "")}-${createHash("sha1").update(key).digest("hex").slice(0, 8)}`,
      title,
      url: `https://news.example.com/${sourceId}/${key}`,
      normalizedUrl: `news.example.com/${sourceId}/${key}`,
      summary,
      contentHtml: `<p>${summary}</p>`,
      contentHash: createHash("sha256").update(title + summary).digest("hex"),
      imageUrl: i % 3 === 0 ? `https://img.example.com/${key}.jpg` : null,
      publishedAt: at,
      ingestedAt: at,
    });
  }
  return rows;
}

/** Inserts the rows in one transaction (the FTS triggers fire, as they do for the server). Returns ms. */
export function insertArticles(db: Database.Database, rows: ArticleRow[]): number {
  const insert = db.prepare(
    `INSERT INTO "Article" (sourceId, dedupeKey, slug, title, url, normalizedUrl, summary, contentHtml, contentHash, imageUrl, publishedAt, updatedAt, ingestedAt)
     VALUES (@sourceId, @dedupeKey, @slug, @title, @url, @normalizedUrl, @summary, @contentHtml, @contentHash, @imageUrl, @publishedAt, @publishedAt, @ingestedAt)`,
  );
  const started = performance.now();
  db.transaction(() => {
    for (const row of rows) insert.run(row);
  })();
  return performance.now() - started;
}
