import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getCategories, getSources, type CategorySummary } from "@/lib/queries/sources";
import { categoryHref, sourceHref } from "@/components/articles/category";
import { loadArticlePage } from "@/components/articles/page-data";
import { FilteredArticleRiver, filteredListMetadata, readFilteredRoute, type FilteredList, type FilteredRoute } from "@/components/articles/filtered-list";

export const dynamic = "force-dynamic";

/** A category exists while at least one source has it. */
const loadCategory = cache(async (slug: string) => (await getCategories()).find((category) => category.slug === slug) ?? null);

function categoryList(category: CategorySummary): FilteredList {
  return {
    filter: { category: category.slug },
    path: categoryHref(category.slug),
    name: category.name,
    scope: `in ${category.name}`,
    description: `The latest ${category.name} news from ${category.sourceCount} ${category.sourceCount === 1 ? "source" : "sources"}, live on Newswire.`,
    ogTitle: `${category.name} news`,
    emptyMessage: `No ${category.name} stories yet. They will appear here as soon as they are published.`,
  };
}

export async function generateMetadata({ params, searchParams }: FilteredRoute): Promise<Metadata> {
  const { list, before } = await readFilteredRoute(params, (await searchParams).before, loadCategory, categoryList);
  return filteredListMetadata(list, before, getEnv().publicUrl);
}

export default async function CategoryPage({ params, searchParams }: FilteredRoute) {
  const { subject: category, list, before } = await readFilteredRoute(params, (await searchParams).before, loadCategory, categoryList);
  if (before === null) notFound();

  const [page, sources] = await Promise.all([loadArticlePage(list.filter, before), getSources()]);
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
      <FilteredArticleRiver list={list} page={page} before={before} now={now} />
    </>
  );
}
