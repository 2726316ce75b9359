// What search engines and link previews read of a story page: a one-line description and JSON-LD.
import type { Story } from "@/lib/domain/story";

export function storySummary(story: Story): string {
  const outlets = [...new Set(story.articles.map((article) => article.source.name))];
  const named = outlets.length > 3 ? `${outlets.slice(0, 3).join(", ")} and others` : outlets.join(", ").replace(/, ([^,]*)$/, " and $1");
  return `${story.sourceCount} sources cover this story: ${named}.`;
}

/** An ItemList of NewsArticle, one per article, in the order the page lists them. */
export function storyJsonLd(story: Story, publicUrl: string): object {
  return {
    "@context": "https://schema.org",
    "@type": "ItemList",
    name: story.title,
    url: `${publicUrl}${story.path}`,
    numberOfItems: story.articles.length,
    itemListElement: story.articles.map((article, index) => ({
      "@type": "ListItem",
      position: index + 1,
      item: {
        "@type": "NewsArticle",
        headline: article.title,
        url: `${publicUrl}${article.path}`,
        mainEntityOfPage: `${publicUrl}${article.path}`,
        datePublished: article.publishedAt,
        image: article.imageUrl ? [article.imageUrl] : undefined,
        publisher: { "@type": "Organization", name: article.source.name, ...(article.source.siteUrl ? { url: article.source.siteUrl } : {}) },
        isBasedOn: article.url,
      },
    })),
  };
}
