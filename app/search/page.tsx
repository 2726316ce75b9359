import type { Metadata } from "next";
import { ValidationError } from "@/lib/domain/errors";
import { queryArticles, type ArticlePage } from "@/lib/queries/articles";
import { ArticleCard } from "@/components/articles/article-card";
import { queryTerms } from "@/components/articles/highlight";
import { firstParam, parseBefore, type SearchParams } from "@/components/articles/page-data";
import { SearchForm } from "@/components/ui/search-form";

export const dynamic = "force-dynamic";

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const q = firstParam((await searchParams).q)?.trim();
  // Result pages are endless and change by the minute: keep them out of the index.
  return { title: q ? `Search: ${q}` : "Search", robots: { index: false, follow: true } };
}

type Outcome = { kind: "none" } | { kind: "results"; page: ArticlePage } | { kind: "invalid"; message: string };

async function search(q: string | undefined, before: string | undefined): Promise<Outcome> {
  if (!q) return { kind: "none" };
  try {
    return { kind: "results", page: await queryArticles({ q, cursor: before }) };
  } catch (error) {
    if (error instanceof ValidationError) return { kind: "invalid", message: "That search could not be run. Try fewer or shorter words." };
    throw error;
  }
}

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = firstParam(params.q)?.trim().slice(0, 200) || undefined;
  const parsedBefore = parseBefore(params.before);
  const before = parsedBefore ?? undefined;
  const outcome = await search(q, before);
  const terms = queryTerms(q);
  const now = Date.now();

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
            {outcome.page.articles.length === 0
              ? before
                ? "No older results"
                : "No stories match"
              : before
                ? "Older results"
                : `${outcome.page.articles.length}${outcome.page.nextCursor ? "+" : ""} ${outcome.page.articles.length === 1 ? "story" : "stories"}`}
          </h2>
          {outcome.page.articles.length === 0 ? (
            <p className="mt-4 text-muted">Try different or fewer words.</p>
          ) : (
            <ol data-testid="search-results" className="divide-y divide-line">
              {outcome.page.articles.map((article) => (
                <li key={article.id} className="py-5">
                  <ArticleCard article={article} now={now} variant="row" highlightTerms={terms} />
                </li>
              ))}
            </ol>
          )}
          {outcome.page.nextCursor ? (
            <p className="mt-6 text-center">
              <a
                href={`/search?${new URLSearchParams({ q: q ?? "", before: outcome.page.nextCursor })}`}
                className="inline-flex h-11 items-center rounded-md border border-line-strong bg-surface px-6 text-sm font-semibold hover:bg-sunken"
              >
                Older results
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
