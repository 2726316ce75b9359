// The pages of the sitemap index: `sections.xml` (home, categories, sources), `stories.xml` (every public
// story's full-coverage page) and `articles-<n>.xml`.
import { getEnv } from "@/lib/env";
import { escapeXml } from "@/lib/domain/xml";
import { getSitemapArticles, getSitemapSections } from "@/lib/queries/seo";
import { getStoriesForSitemap } from "@/lib/queries/stories";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ file: string }> };

function urlset(urls: { loc: string; lastmod?: Date | null }[]): Response {
  const body = urls
    .map(({ loc, lastmod }) => `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>`)
    .join("\n");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}\n</urlset>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "cache-control": "public, max-age=300" } });
}

export async function GET(_request: Request, context: Context): Promise<Response> {
  const { file } = await context.params;
  const { publicUrl } = getEnv();
  if (file === "sections.xml") {
    const { sources, categories } = await getSitemapSections();
    return urlset([
      { loc: `${publicUrl}/` },
      { loc: `${publicUrl}/sources` },
      ...categories.map((slug) => ({ loc: `${publicUrl}/categories/${slug}` })),
      ...sources.map((source) => ({ loc: `${publicUrl}/sources/${source.slug}`, lastmod: source.lastmod })),
    ]);
  }
  if (file === "stories.xml") {
    const stories = await getStoriesForSitemap();
    return urlset(stories.map((story) => ({ loc: `${publicUrl}${story.path}`, lastmod: new Date(story.updatedAt) })));
  }
  const page = file.match(/^articles-(\d{1,6})\.xml$/);
  if (!page) return new Response("Not found", { status: 404 });
  const rows = await getSitemapArticles(Number(page[1]));
  if (rows.length === 0 && Number(page[1]) > 0) return new Response("Not found", { status: 404 });
  return urlset(rows.map((row) => ({ loc: `${publicUrl}/articles/${row.slug}`, lastmod: row.updatedAt > row.publishedAt ? row.updatedAt : row.publishedAt })));
}
