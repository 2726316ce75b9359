// /stories/<slug>: a story's full coverage, server-rendered — every article with its source and time, the
// first and the latest report, a short timeline — with canonical URL, OpenGraph and JSON-LD (an ItemList of
// NewsArticle). A merged story's old slug redirects (308) to the story it became. Coverage that joins the
// story while the page is open appears without a reload (components/stories/live-story-coverage.tsx).
import type { Metadata } from "next";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getStoryBySlug } from "@/lib/queries/stories";
import { JsonLd } from "@/components/articles/json-ld";
import { LiveStoryCoverage } from "@/components/stories/live-story-coverage";
import { storyJsonLd, storySummary } from "@/components/stories/story-seo";

export const dynamic = "force-dynamic";

type Params = Promise<{ slug: string }>;

// generateMetadata and the page ask for the same story: one query per request.
const loadStory = cache((slug: string) => getStoryBySlug(slug));

async function load(slug: string) {
  const found = await loadStory(slug);
  if (!found) notFound();
  if (found.movedTo) permanentRedirect(found.movedTo);
  return found.story;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const story = await load((await params).slug);
  const canonical = `${getEnv().publicUrl}${story.path}`;
  const description = storySummary(story);
  const image = story.articles.find((article) => article.imageUrl)?.imageUrl ?? undefined;
  return {
    title: story.title,
    description,
    alternates: { canonical },
    openGraph: { type: "website", url: canonical, title: story.title, description, siteName: "Newswire", images: image ? [image] : undefined },
    twitter: { card: image ? "summary_large_image" : "summary", title: story.title, description, images: image ? [image] : undefined },
  };
}

export default async function StoryPage({ params }: { params: Params }) {
  const story = await load((await params).slug);
  const { publicUrl } = getEnv();
  return (
    <>
      <JsonLd data={storyJsonLd(story, publicUrl)} />
      <LiveStoryCoverage initialStory={story} now={Date.now()} />
    </>
  );
}
