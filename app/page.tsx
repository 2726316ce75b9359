import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getEnv } from "@/lib/env";
import { loadArticlePage, parseBefore, type SearchParams } from "@/components/articles/page-data";
import { ArticleRiver } from "@/components/articles/article-river";
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
      {/* Only on the newest page, where the river has no "back to the latest" link above it. */}
      {topStories ? <TopStories initialStories={topStories} /> : null}
      <ArticleRiver page={page} before={before} now={now} latestHref="/" latestLabel="the latest stories" heading="Latest news" />
    </>
  );
}
