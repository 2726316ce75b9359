import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getCategories, getSources } from "@/lib/queries/sources";
import { sourceHref } from "@/components/articles/category";
import { loadArticlePage, parseBefore, type SearchParams } from "@/components/articles/page-data";
import { ArticleRiver } from "@/components/articles/article-river";

export const dynamic = "force-dynamic";

type Params = Promise<{ slug: string }>;

/** A category exists while at least one source has it. */
const loadCategory = cache(async (slug: string) => (await getCategories()).find((category) => category.slug === slug) ?? null);

export async function generateMetadata({ params, searchParams }: { params: Params; searchParams: SearchParams }): Promise<Metadata> {
  const { slug } = await params;
  const category = await loadCategory(slug);
  if (!category) notFound();
  const before = parseBefore((await searchParams).before);
  const canonical = `${getEnv().publicUrl}/categories/${category.slug}`;
  return {
    title: before ? `Older stories in ${category.name}` : category.name,
    description: `The latest ${category.name} news from ${category.sourceCount} ${category.sourceCount === 1 ? "source" : "sources"}, live on Newswire.`,
    alternates: { canonical },
    robots: before ? { index: false, follow: true } : undefined,
    openGraph: { url: canonical, title: `${category.name} news`, siteName: "Newswire", type: "website" },
  };
}

export default async function CategoryPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { slug } = await params;
  const category = await loadCategory(slug);
  if (!category) notFound();
  const before = parseBefore((await searchParams).before);
  if (before === null) notFound();

  const [page, sources] = await Promise.all([loadArticlePage({ category: category.slug }, before), getSources()]);
  const inCategory = sources.filter((source) => source.category === category.slug);
  const now = Date.now();

  return (
    <>
      <header className="mb-8">
        <h1 className="font-serif text-3xl font-bold sm:text-4xl">{category.name}</h1>
        {inCategory.length > 0 ? (
          <p className="mt-2 text-sm text-muted">
            From{" "}
            {inCategory.map((source, index) => (
              <span key={source.id}>
                {index > 0 ? (index === inCategory.length - 1 ? " and " : ", ") : null}
                <Link href={sourceHref(source.slug)} className="font-semibold text-link hover:underline">
                  {source.name}
                </Link>
              </span>
            ))}
          </p>
        ) : null}
      </header>
      <ArticleRiver
        page={page}
        before={before}
        now={now}
        filter={{ category: category.slug }}
        latestHref={`/categories/${category.slug}`}
        latestLabel={`the latest in ${category.name}`}
        heading={`Latest in ${category.name}`}
        emptyMessage={`No ${category.name} stories yet. They will appear here as soon as they are published.`}
      />
    </>
  );
}
