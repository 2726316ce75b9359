// The read side of the sitemaps, robots.txt and /feed.xml.
import { countArticles, findNewestArticleTime, listArticleSitemapPage, listArticlesPublishedSince } from "../db/seo";
import { listCategories, listSourcesWithHealth } from "../db/sources";
import { listArticles } from "../db/articles";
import type { Article } from "../domain/article";

/** The sitemap protocol allows 50,000 URLs per file; smaller pages keep each response quick. */
export const SITEMAP_PAGE_SIZE = 10_000;

export async function getSitemapIndex(): Promise<{ articlePages: number; newest: Date | null }> {
  const [count, newest] = await Promise.all([countArticles(), findNewestArticleTime()]);
  return { articlePages: Math.max(1, Math.ceil(count / SITEMAP_PAGE_SIZE)), newest };
}

export async function getSitemapArticles(page: number) {
  return listArticleSitemapPage(page, SITEMAP_PAGE_SIZE);
}

export async function getSitemapSections(): Promise<{ sources: { slug: string; lastmod: Date | null }[]; categories: string[] }> {
  const [sources, categories] = await Promise.all([listSourcesWithHealth(), listCategories()]);
  return {
    sources: sources.map((source) => ({ slug: source.slug, lastmod: source.newestArticleAt ? new Date(source.newestArticleAt) : null })),
    categories: categories.map((category) => category.slug),
  };
}

/** Google News sitemaps list only articles published in the last two days, at most 1,000. */
export async function getNewsSitemapArticles(now = new Date()) {
  return listArticlesPublishedSince(new Date(now.getTime() - 48 * 3600 * 1000), 1000);
}

export async function getFeedArticles(limit = 50): Promise<Article[]> {
  return (await listArticles({ limit })).articles;
}
