// The public shapes that cross the wire (API, Socket.IO, SSE). Pure types: no Prisma rows here.

export type SourceRef = {
  id: number;
  slug: string;
  name: string;
  siteUrl: string | null;
};

/** The `Article` of the public API (docs/api.md). Dates are ISO-8601 strings so the same object works on both sides. */
export type Article = {
  id: number;
  cursor: string;
  slug: string;
  path: string;
  title: string;
  url: string;
  summary: string;
  imageUrl: string | null;
  publishedAt: string;
  source: SourceRef;
  category: string;
};

/** What the article page needs beyond the list DTO. */
export type ArticleDetail = Article & {
  contentHtml: string;
  author: string | null;
  updatedAt: string;
  ingestedAt: string;
  storyId: number | null;
};

export type SourceHealth = {
  id: number;
  slug: string;
  name: string;
  url: string;
  siteUrl: string | null;
  category: string;
  lastFetchedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  errorCount: number;
  articleCount: number;
  nextCheckAt: string;
  newestArticleAt: string | null;
};

export function articlePath(slug: string): string {
  return `/articles/${slug}`;
}
