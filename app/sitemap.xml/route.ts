// /sitemap.xml is a sitemap index: the site's sections, the stories, the articles in pages, and the Google
// News sitemap.
import { getEnv } from "@/lib/env";
import { escapeXml } from "@/lib/domain/xml";
import { getSitemapIndex } from "@/lib/queries/seo";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { publicUrl } = getEnv();
  const { articlePages, newest } = await getSitemapIndex();
  const lastmod = newest ? `<lastmod>${newest.toISOString()}</lastmod>` : "";
  const entries = [
    `<sitemap><loc>${escapeXml(`${publicUrl}/sitemaps/sections.xml`)}</loc>${lastmod}</sitemap>`,
    `<sitemap><loc>${escapeXml(`${publicUrl}/sitemaps/stories.xml`)}</loc>${lastmod}</sitemap>`,
    ...Array.from({ length: articlePages }, (_, page) => `<sitemap><loc>${escapeXml(`${publicUrl}/sitemaps/articles-${page}.xml`)}</loc>${lastmod}</sitemap>`),
    `<sitemap><loc>${escapeXml(`${publicUrl}/news-sitemap.xml`)}</loc>${lastmod}</sitemap>`,
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join("\n")}\n</sitemapindex>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "cache-control": "public, max-age=300" } });
}
