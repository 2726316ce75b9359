// What the list pages of one category or one source share: reading their route, their metadata and their
// river, all made from one description of what the page lists. Each page writes only its words and its header.
// Server-only, like page-data.ts.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { LiveFilter } from "@/lib/realtime/events";
import type { ArticlePage } from "@/lib/queries/articles";
import { parseBefore, type SearchParams } from "./page-data";
import { ArticleRiver } from "./article-river";

export type FilteredList = {
  filter: LiveFilter;
  /** The newest page's address, e.g. "/categories/world". */
  path: string;
  /** The newest page's title, e.g. "World". */
  name: string;
  /** "in World", "from Reuters": ends "Older stories …", "Latest …" and "← Back to the latest …". */
  scope: string;
  description: string;
  ogTitle: string;
  emptyMessage: string;
};

export type FilteredRoute = { params: Promise<{ slug: string }>; searchParams: SearchParams };

/**
 * What the route names (404 when nothing), described, and its `?before=` cursor: undefined for the newest page,
 * null when present but not a cursor (the page answers 404; its metadata is made anyway). The page reads its
 * query parameters itself and hands them in: lib/http/cacheable-pages.test.ts finds them in the page's file.
 */
export async function readFilteredRoute<T>(
  params: FilteredRoute["params"],
  beforeParam: string | string[] | undefined,
  load: (slug: string) => Promise<T | null>,
  describe: (subject: T) => FilteredList,
): Promise<{ subject: T; list: FilteredList; before: string | undefined | null }> {
  const subject = await load((await params).slug);
  if (!subject) notFound();
  return { subject, list: describe(subject), before: parseBefore(beforeParam) };
}

export function filteredListMetadata(list: FilteredList, before: string | undefined | null, publicUrl: string): Metadata {
  const canonical = `${publicUrl}${list.path}`;
  return {
    title: before ? `Older stories ${list.scope}` : list.name,
    description: list.description,
    alternates: { canonical },
    robots: before ? { index: false, follow: true } : undefined,
    openGraph: { url: canonical, title: list.ogTitle, siteName: "Newswire", type: "website" },
  };
}

export function FilteredArticleRiver({ list, page, before, now }: { list: FilteredList; page: ArticlePage; before: string | undefined; now: number }) {
  return (
    <ArticleRiver
      page={page}
      before={before}
      now={now}
      filter={list.filter}
      latestHref={list.path}
      latestLabel={`the latest ${list.scope}`}
      heading={`Latest ${list.scope}`}
      emptyMessage={list.emptyMessage}
    />
  );
}
