// For tests of the live layer: a minimal Article DTO with the fields the transports and filters read.
import type { Article } from "../domain/article";

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
