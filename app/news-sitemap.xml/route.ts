// Google News sitemap: articles published in the last 48 hours.
import { getEnv } from "@/lib/env";
import { escapeXml } from "@/lib/domain/xml";
import { getNewsSitemapArticles } from "@/lib/queries/seo";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { publicUrl } = getEnv();
  const articles = await getNewsSitemapArticles();
  const body = articles
    .map(
      (article) => `<url><loc>${escapeXml(`${publicUrl}/articles/${article.slug}`)}</loc><news:news><news:publication><news:name>Newswire</news:name><news:language>en</news:language></news:publication><news:publication_date>${article.publishedAt.toISOString()}</news:publication_date><news:title>${escapeXml(article.title)}</news:title></news:news></url>`,
    )
    .join("\n");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n${body}\n</urlset>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "cache-control": "public, max-age=60" } });
}
