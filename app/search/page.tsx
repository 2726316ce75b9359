import type { Metadata } from "next";
import { ValidationError } from "@/lib/domain/errors";
import { SEARCH_PAGE_SIZE, searchArticlesRanked } from "@/lib/queries/articles";
import type { Article } from "@/lib/domain/article";
import { ArticleCard } from "@/components/articles/article-card";
import { queryTerms } from "@/components/articles/highlight";
import { firstParam, type SearchParams } from "@/components/articles/page-data";
import { SearchForm } from "@/components/ui/search-form";

export const dynamic = "force-dynamic";

/** Longer queries are cut here, once, so every place the query is echoed (title, heading, form, links) is bounded. */
const MAX_QUERY_LENGTH = 200;
/** Browsers show about this much of a title in a tab. */
const MAX_TITLE_QUERY_LENGTH = 60;

function queryOf(params: Awaited<SearchParams>): string | undefined {
  return firstParam(params.q)?.trim().slice(0, MAX_QUERY_LENGTH).trim() || undefined;
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const q = queryOf(await searchParams);
  const shown = q && q.length > MAX_TITLE_QUERY_LENGTH ? `${q.slice(0, MAX_TITLE_QUERY_LENGTH - 1)}…` : q;
  // Result pages are endless and change by the minute: keep them out of the index.
  return { title: shown ? `Search: ${shown}` : "Search", robots: { index: false, follow: true } };
}

type Outcome = { kind: "none" } | { kind: "results"; articles: Article[]; hasMore: boolean } | { kind: "invalid"; message: string };

/** Best matches first (BM25 over the full-text index, titles weighted above summaries), a page at a time. */
async function search(q: string | undefined, page: number): Promise<Outcome> {
  if (!q) return { kind: "none" };
  try {
    const articles = await searchArticlesRanked(q, page);
    return { kind: "results", articles, hasMore: articles.length === SEARCH_PAGE_SIZE };
  } catch (error) {
    if (error instanceof ValidationError) return { kind: "invalid", message: "That search could not be run. Try fewer or shorter words." };
    throw error;
  }
}

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = queryOf(params);
  const pageNumber = Math.min(Math.max(1, Number.parseInt(firstParam(params.page) ?? "1", 10) || 1), 50);
  const later = pageNumber > 1;
  const outcome = await search(q, pageNumber);
  const terms = queryTerms(q);
  const now = Date.now();
  const firstWithImage = outcome.kind === "results" ? outcome.articles.slice(0, 3).find((article) => article.imageUrl)?.id : undefined;

  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="font-serif text-3xl font-bold sm:text-4xl">{q ? <>Results for “{q}”</> : "Search the news"}</h1>
      <SearchForm id="search-page-query" size="large" defaultValue={q} className="mt-5" />

      {outcome.kind === "none" ? (
        <p className="mt-6 text-muted">Search headlines and summaries from every source. All words must match.</p>
      ) : null}

      {outcome.kind === "invalid" ? (
        <p role="status" className="mt-6 text-bad">
          {outcome.message}
        </p>
      ) : null}

      {outcome.kind === "results" ? (
        <section aria-labelledby="results-heading" className="mt-8">
          <h2 id="results-heading" className="border-b-2 border-ink pb-2 text-sm font-semibold tracking-wide text-muted uppercase">
            {outcome.articles.length === 0
              ? later
                ? "No more results"
                : "No stories match"
              : later
                ? `More results, page ${pageNumber}`
                : `${outcome.articles.length}${outcome.hasMore ? "+" : ""} ${outcome.articles.length === 1 ? "story" : "stories"}, best matches first`}
          </h2>
          {outcome.articles.length === 0 ? (
            <p className="mt-4 text-muted">Try different or fewer words.</p>
          ) : (
            <ol data-testid="search-results" className="divide-y divide-line">
              {outcome.articles.map((article) => (
                <li key={article.id} className="py-5">
                  <ArticleCard
                    article={article}
                    now={now}
                    variant="row"
                    highlightTerms={terms}
                    // The first result's picture is on the first screen: fetch it at once, the rest lazily.
                    imagePriority={article.id === firstWithImage}
                  />
                </li>
              ))}
            </ol>
          )}
          {outcome.hasMore && pageNumber < 50 ? (
            <p className="mt-6 text-center">
              <a
                href={`/search?${new URLSearchParams({ q: q ?? "", page: String(pageNumber + 1) })}`}
                className="inline-flex h-11 items-center rounded-md border border-line-strong bg-surface px-6 text-sm font-semibold hover:bg-sunken"
              >
                More results
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
