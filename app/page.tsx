import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getEnv } from "@/lib/env";
import { loadArticlePage, parseBefore, type SearchParams } from "@/components/articles/page-data";
import { LiveArticleList } from "@/components/live/live-article-list";
import { TopStories } from "@/components/stories/top-stories";
import { loadTopStories } from "@/components/stories/top-stories-data";

export const dynamic = "force-dynamic";

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const before = parseBefore((await searchParams).before);
  const canonical = `${getEnv().publicUrl}/`;
  if (before) {
    // Older pages are for following links, not for the index.
    return { title: "Older stories", alternates: { canonical }, robots: { index: false, follow: true } };
  }
  return {
    title: { absolute: "Newswire: the latest news, live" },
    alternates: { canonical },
    openGraph: { url: canonical, title: "Newswire: the latest news, live", siteName: "Newswire", type: "website" },
  };
}

export default async function HomePage({ searchParams }: { searchParams: SearchParams }) {
  const before = parseBefore((await searchParams).before);
  if (before === null) notFound();
  // Top stories belong to the live front page only, not to older pages.
  const [page, topStories] = await Promise.all([loadArticlePage({}, before), before ? null : loadTopStories()]);
  const now = Date.now();

  return (
    <>
      <h1 className="sr-only">Newswire: the latest news</h1>
      {before ? (
        <p className="mb-6 text-sm">
          <a href="/" className="font-semibold text-link underline underline-offset-2">
            ← Back to the latest stories
          </a>
        </p>
      ) : null}
      {topStories ? <TopStories initialStories={topStories} /> : null}
      <LiveArticleList
        initialArticles={page.articles}
        initialNextCursor={page.nextCursor}
        now={now}
        live={!before}
        lead={!before}
        heading={before ? "Older stories" : "Latest news"}
      />
    </>
  );
}
