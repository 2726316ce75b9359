import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getSourceBySlug } from "@/lib/queries/sources";
import { categoryHref, categoryLabel } from "@/components/articles/category";
import { loadArticlePage, parseBefore, type SearchParams } from "@/components/articles/page-data";
import { explainFetchError, sourceStatus } from "@/components/articles/source-health";
import { TimeAgo } from "@/components/articles/time-ago";
import { ArticleRiver } from "@/components/articles/article-river";

export const dynamic = "force-dynamic";

type Params = Promise<{ slug: string }>;

const loadSource = cache((slug: string) => getSourceBySlug(slug));

export async function generateMetadata({ params, searchParams }: { params: Params; searchParams: SearchParams }): Promise<Metadata> {
  const { slug } = await params;
  const source = await loadSource(slug);
  if (!source) notFound();
  const before = parseBefore((await searchParams).before);
  const canonical = `${getEnv().publicUrl}/sources/${source.slug}`;
  return {
    title: before ? `Older stories from ${source.name}` : source.name,
    description: `The latest stories from ${source.name}, live on Newswire.`,
    alternates: { canonical },
    robots: before ? { index: false, follow: true } : undefined,
    openGraph: { url: canonical, title: source.name, siteName: "Newswire", type: "website" },
  };
}

export default async function SourcePage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { slug } = await params;
  const source = await loadSource(slug);
  if (!source) notFound();
  const before = parseBefore((await searchParams).before);
  if (before === null) notFound();

  const page = await loadArticlePage({ source: source.slug }, before);
  const now = Date.now();
  const status = sourceStatus(source);

  return (
    <>
      <header className="mb-8">
        <p className="text-sm text-muted">
          <Link href="/sources" className="hover:text-ink hover:underline">
            Sources
          </Link>{" "}
          /{" "}
          <Link href={categoryHref(source.category)} className="hover:text-ink hover:underline">
            {categoryLabel(source.category)}
          </Link>
        </p>
        <h1 className="mt-1 font-serif text-3xl font-bold sm:text-4xl">{source.name}</h1>
        <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-muted">
          {source.siteUrl ? (
            <a href={source.siteUrl} rel="noopener" className="font-semibold text-link hover:underline">
              Visit {source.siteUrl.replace(/^https?:\/\//, "").replace(/\/$/, "")}
            </a>
          ) : null}
          <span>{source.articleCount.toLocaleString("en-US")} stories</span>
          <span>
            Last checked successfully: {source.lastSuccessAt ? <TimeAgo iso={source.lastSuccessAt} now={now} /> : "never"}
          </span>
        </p>
        {status === "failing" ? (
          <p role="note" className="mt-3 rounded-md bg-bad-soft px-3 py-2 text-sm text-bad">
            <strong>This feed is failing:</strong> {explainFetchError(source.lastError)} New stories may be delayed.
          </p>
        ) : null}
      </header>
      <ArticleRiver
        page={page}
        before={before}
        now={now}
        filter={{ source: source.slug }}
        latestHref={`/sources/${source.slug}`}
        latestLabel={`the latest from ${source.name}`}
        heading={`Latest from ${source.name}`}
        emptyMessage={`No stories from ${source.name} yet. They will appear here as soon as they are published.`}
      />
    </>
  );
}
