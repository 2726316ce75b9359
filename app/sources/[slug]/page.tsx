import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import type { SourceHealth } from "@/lib/domain/article";
import { getSourceBySlug } from "@/lib/queries/sources";
import { categoryHref, categoryLabel, sourceHref } from "@/components/articles/category";
import { loadArticlePage } from "@/components/articles/page-data";
import { explainFetchError, sourceStatus } from "@/components/articles/source-health";
import { TimeAgo } from "@/components/articles/time-ago";
import { FilteredArticleRiver, filteredListMetadata, readFilteredRoute, type FilteredList, type FilteredRoute } from "@/components/articles/filtered-list";

export const dynamic = "force-dynamic";

const loadSource = cache((slug: string) => getSourceBySlug(slug));

function sourceList(source: SourceHealth): FilteredList {
  return {
    filter: { source: source.slug },
    path: sourceHref(source.slug),
    name: source.name,
    scope: `from ${source.name}`,
    description: `The latest stories from ${source.name}, live on Newswire.`,
    ogTitle: source.name,
    emptyMessage: `No stories from ${source.name} yet. They will appear here as soon as they are published.`,
  };
}

export async function generateMetadata({ params, searchParams }: FilteredRoute): Promise<Metadata> {
  const { list, before } = await readFilteredRoute(params, (await searchParams).before, loadSource, sourceList);
  return filteredListMetadata(list, before, getEnv().publicUrl);
}

export default async function SourcePage({ params, searchParams }: FilteredRoute) {
  const { subject: source, list, before } = await readFilteredRoute(params, (await searchParams).before, loadSource, sourceList);
  if (before === null) notFound();

  const page = await loadArticlePage(list.filter, before);
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
      <FilteredArticleRiver list={list} page={page} before={before} now={now} />
    </>
  );
}
