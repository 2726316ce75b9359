// /feed.xml: RSS 2.0 of the newest articles, linking to their pages on this site.
import { getEnv } from "@/lib/env";
import { escapeXml } from "@/lib/domain/xml";
import { getFeedArticles } from "@/lib/queries/seo";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { publicUrl } = getEnv();
  const articles = await getFeedArticles(50);
  const lastBuild = articles[0] ? new Date(articles[0].publishedAt) : new Date();
  const items = articles
    .map((article) => {
      const link = `${publicUrl}${article.path}`;
      return [
        "<item>",
        `<title>${escapeXml(article.title)}</title>`,
        `<link>${escapeXml(link)}</link>`,
        `<guid isPermaLink="true">${escapeXml(link)}</guid>`,
        `<pubDate>${new Date(article.publishedAt).toUTCString()}</pubDate>`,
        article.summary ? `<description>${escapeXml(article.summary)}</description>` : "",
        `<source url="${escapeXml(article.url)}">${escapeXml(article.source.name)}</source>`,
        `<category>${escapeXml(article.category)}</category>`,
        article.imageUrl ? `<enclosure url="${escapeXml(article.imageUrl)}" type="image/jpeg" length="0"/>` : "",
        "</item>",
      ].join("");
    })
    .join("\n");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Newswire</title>
<link>${escapeXml(`${publicUrl}/`)}</link>
<description>The latest stories from the open web, as they break.</description>
<language>en</language>
<lastBuildDate>${lastBuild.toUTCString()}</lastBuildDate>
<atom:link href="${escapeXml(`${publicUrl}/feed.xml`)}" rel="self" type="application/rss+xml"/>
${items}
</channel>
</rss>
`;
  return new Response(xml, { headers: { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "public, max-age=60" } });
}
