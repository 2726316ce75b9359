// The pages the page cache may answer, and the query parameters each one reads. Everything else in a query
// string (utm_*, fbclid, gclid, a cache-buster) changes nothing on the page, so it is dropped from both the
// cache key and the request Next renders: a link shared with tracking parameters costs what a plain one does.
// A unit test checks each page's file for the parameters it reads, so a new one cannot be forgotten here.
// `/sources` shows live health and is never cached; /search and /admin are per reader.

export type CacheablePage = { pattern: RegExp; file: string; params: readonly string[] };

export const CACHEABLE_PAGES: readonly CacheablePage[] = [
  { pattern: /^\/$/, file: "app/page.tsx", params: ["before"] },
  { pattern: /^\/about$/, file: "app/about/page.tsx", params: [] },
  { pattern: /^\/articles\/[^/]+$/, file: "app/articles/[slug]/page.tsx", params: [] },
  { pattern: /^\/categories\/[^/]+$/, file: "app/categories/[slug]/page.tsx", params: ["before"] },
  { pattern: /^\/sources\/[^/]+$/, file: "app/sources/[slug]/page.tsx", params: ["before"] },
  { pattern: /^\/stories\/[^/]+$/, file: "app/stories/[slug]/page.tsx", params: [] },
  { pattern: /^\/feed\.xml$/, file: "app/feed.xml/route.ts", params: [] },
  { pattern: /^\/sitemap\.xml$/, file: "app/sitemap.xml/route.ts", params: [] },
  { pattern: /^\/news-sitemap\.xml$/, file: "app/news-sitemap.xml/route.ts", params: [] },
  { pattern: /^\/robots\.txt$/, file: "app/robots.txt/route.ts", params: [] },
  { pattern: /^\/sitemaps\/[^/]+$/, file: "app/sitemaps/[file]/route.ts", params: [] },
];

export function findCacheablePage(pathname: string): CacheablePage | undefined {
  return CACHEABLE_PAGES.find((page) => page.pattern.test(pathname));
}
