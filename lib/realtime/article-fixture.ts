// For tests of the live layer: a minimal Article DTO with the fields the transports and filters read.
import type { Article } from "../domain/article";
import type { LiveFilter } from "./events";

export function fixtureArticle(id: number, source = "wire", category = "world"): Article {
  return {
    id,
    cursor: String(id),
    slug: `story-${id}`,
    path: `/articles/story-${id}`,
    title: `Story ${id}`,
    url: `https://example.com/${id}`,
    summary: "",
    imageUrl: null,
    publishedAt: new Date(0).toISOString(),
    source: { id: 1, slug: source, name: source, siteUrl: null },
    category,
  };
}

/** A stand-in for the articles table: ids 1..stored, every third from "other", in category "sport". */
export function fakeDatabase(stored: number) {
  const rows = Array.from({ length: stored }, (_, i) => (i % 3 === 2 ? fixtureArticle(i + 1, "other", "sport") : fixtureArticle(i + 1)));
  const calls: { afterId: number; upTo: number; filter: LiveFilter; limit: number }[] = [];
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
    /** Stores one more article (ids only grow). */
    store(article: Article) {
      rows.push(article);
    },
    /** The live feed's read. */
    async readAfter(afterId: number, limit: number): Promise<Article[]> {
      await gate;
      return rows.filter((row) => row.id > afterId).slice(0, limit);
    },
    async query(afterId: number, upTo: number, filter: LiveFilter, limit: number): Promise<Article[]> {
      calls.push({ afterId, upTo, filter, limit });
      await gate;
      return rows
        .filter((row) => row.id > afterId && row.id <= upTo && (!filter.source || row.source.slug === filter.source) && (!filter.category || row.category === filter.category))
        .slice(0, limit);
    },
  };
}

