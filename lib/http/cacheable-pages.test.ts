import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CACHEABLE_PAGES, findCacheablePage } from "./cacheable-pages";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The query parameters a page or route file reads, in the forms this code base uses. */
function paramsRead(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/\(await searchParams\)\.(\w+)/g)) names.add(match[1]);
  for (const match of source.matchAll(/searchParams\.get\(["'](\w+)["']\)/g)) names.add(match[1]);
  // `const params = await searchParams` followed by params.x: any other way of reading them must be added above.
  if (/=\s*await searchParams\b/.test(source)) names.add("(read through a variable: list its parameters)");
  return [...names].sort();
}

describe("cacheable pages", () => {
  it.each(CACHEABLE_PAGES.map((page) => [page.file, page] as const))("%s: the table lists exactly the query parameters it reads", (file, page) => {
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    expect(paramsRead(source)).toEqual([...page.params].sort());
  });

  it("matches the pages it names and not the per-reader ones", () => {
    for (const pathname of ["/", "/about", "/articles/a-b", "/categories/world", "/sources/bbc", "/feed.xml", "/robots.txt", "/sitemaps/articles-1.xml"]) {
      expect(findCacheablePage(pathname), pathname).toBeDefined();
    }
    for (const pathname of ["/admin", "/search", "/sources", "/api/articles", "//", "/articles/a/b", "/about/"]) {
      expect(findCacheablePage(pathname), pathname).toBeUndefined();
    }
  });
});
