import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import type { SourceHealth } from "@/lib/domain/article";
import { getSourceSummary, getSourcesPage } from "@/lib/queries/sources";
import { categoryHref, categoryLabel, sourceHref } from "@/components/articles/category";
import { firstParam, type SearchParams } from "@/components/articles/page-data";
import { explainFetchError, sourceStatus, type HealthStatus } from "@/components/articles/source-health";
import { describeSourceSummary } from "@/components/articles/sources-summary";
import { TimeAgo } from "@/components/articles/time-ago";

export const dynamic = "force-dynamic";

/** `?after=` / `?before=`: the cursors of the page links below (opaque; a bad one is a 404). */
async function readPosition(searchParams: SearchParams): Promise<{ after?: string; before?: string }> {
  const params = await searchParams;
  return { after: firstParam(params.after), before: firstParam(params.before) };
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const { after, before } = await readPosition(searchParams);
  const later = after !== undefined || before !== undefined;
  return {
    title: later ? "Sources (continued)" : "Sources",
    description: "Every publisher Newswire follows, how fresh its stories are, and whether its feed is working.",
    // Every page of the list is one document to search engines: the first.
    alternates: { canonical: `${getEnv().publicUrl}/sources` },
    robots: later ? { index: false, follow: true } : undefined,
  };
}

const STATUS_LABEL: Record<HealthStatus, string> = { ok: "Working", failing: "Failing", pending: "Not checked yet" };
const STATUS_STYLE: Record<HealthStatus, string> = {
  ok: "bg-ok-soft text-ok",
  failing: "bg-bad-soft text-bad",
  pending: "bg-sunken text-muted",
};

export default async function SourcesPage({ searchParams }: { searchParams: SearchParams }) {
  const position = await readPosition(searchParams);
  // One page of rows and one aggregate for the counts: the cost does not grow with the number of sources.
  const [page, summary] = await Promise.all([getSourcesPage(position), getSourceSummary()]);
  if (!page) notFound();
  // "Previous" from the second page lands here: that is the first page, under its own address.
  if (position.before !== undefined && position.after === undefined && page.previousCursor === null) redirect("/sources");
  const now = Date.now();
  const later = position.after !== undefined || position.before !== undefined;

  return (
    <div>
      <header className="mb-8 border-b-2 border-ink pb-3">
        <h1 className="font-serif text-3xl font-bold sm:text-4xl">Sources</h1>
        <p className="mt-2 text-muted" data-testid="sources-summary">
          {describeSourceSummary(summary)}
        </p>
      </header>

      <ul data-testid="source-list" className="divide-y divide-line">
        {page.sources.map((source) => (
          <SourceRow key={source.id} source={source} now={now} />
        ))}
      </ul>
      {page.sources.length === 0 && later ? <p className="py-5 text-muted">No more sources here.</p> : null}

      <PageLinks previousCursor={page.previousCursor} nextCursor={page.nextCursor} showFirst={later && page.previousCursor === null} />
    </div>
  );
}

/** Links that work without JavaScript (they render as plain <a>), never prefetched: a prefetch would be a render. */
function PageLinks({ previousCursor, nextCursor, showFirst }: { previousCursor: string | null; nextCursor: string | null; showFirst: boolean }) {
  if (previousCursor === null && nextCursor === null && !showFirst) return null;
  const link = "rounded-md border border-line-strong bg-surface px-4 py-2 text-sm font-semibold hover:bg-sunken";
  return (
    <nav aria-label="Pages of sources" className="mt-10 flex items-center justify-between gap-4" data-testid="source-pages">
      {previousCursor !== null ? (
        <Link href={`/sources?before=${encodeURIComponent(previousCursor)}`} rel="prev" prefetch={false} className={link}>
          ← Previous
        </Link>
      ) : showFirst ? (
        <Link href="/sources" prefetch={false} className={link}>
          ← First page
        </Link>
      ) : (
        <span />
      )}
      {nextCursor !== null ? (
        <Link href={`/sources?after=${encodeURIComponent(nextCursor)}`} rel="next" prefetch={false} className={link}>
          Next →
        </Link>
      ) : null}
    </nav>
  );
}

function SourceRow({ source, now }: { source: SourceHealth; now: number }) {
  const status = sourceStatus(source);
  return (
    <li data-testid="source-row" data-source-slug={source.slug} data-status={status} className="grid gap-3 py-5 md:grid-cols-[1fr_auto] md:gap-8">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h2 className="font-serif text-xl font-bold">
            <Link href={sourceHref(source.slug)} className="hover:underline">
              {source.name}
            </Link>
          </h2>
          <Link
            href={categoryHref(source.category)}
            className="rounded-sm bg-accent-soft px-1.5 py-0.5 text-xs font-semibold tracking-wide text-accent-ink uppercase hover:underline"
          >
            {categoryLabel(source.category)}
          </Link>
          <span className={`rounded-sm px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[status]}`}>
            <span aria-hidden="true">{status === "ok" ? "● " : status === "failing" ? "▲ " : "○ "}</span>
            {STATUS_LABEL[status]}
          </span>
        </div>
        {source.siteUrl ? (
          <p className="mt-1 truncate text-sm">
            <a href={source.siteUrl} rel="noopener" className="text-link hover:underline">
              {source.siteUrl.replace(/^https?:\/\//, "").replace(/\/$/, "")}
            </a>
          </p>
        ) : null}
        {status === "failing" ? (
          <div className="mt-3 rounded-md border border-line bg-bad-soft p-3 text-sm" data-testid="source-problem">
            <p className="font-semibold text-bad">{explainFetchError(source.lastError)}</p>
            <p className="mt-1 text-muted">
              {source.errorCount === 1 ? "The last check failed." : `The last ${source.errorCount} checks in a row failed.`}{" "}
              We keep trying automatically.
            </p>
            {source.lastError ? (
              <details className="mt-2 text-muted">
                <summary className="cursor-pointer">Technical detail</summary>
                <p className="mt-1 font-mono text-xs break-all">{source.lastError}</p>
              </details>
            ) : null}
          </div>
        ) : null}
      </div>
      <dl className="grid grid-cols-[auto_1fr] content-start gap-x-4 gap-y-1 text-sm md:min-w-72">
        <dt className="text-muted">Newest story</dt>
        <dd>{source.newestArticleAt ? <TimeAgo iso={source.newestArticleAt} now={now} /> : "none yet"}</dd>
        <dt className="text-muted">Last check</dt>
        <dd>{source.lastFetchedAt ? <TimeAgo iso={source.lastFetchedAt} now={now} /> : "not yet"}</dd>
        <dt className="text-muted">Last successful check</dt>
        <dd>{source.lastSuccessAt ? <TimeAgo iso={source.lastSuccessAt} now={now} /> : "never"}</dd>
        <dt className="text-muted">Stories</dt>
        <dd>{source.articleCount.toLocaleString("en-US")}</dd>
      </dl>
    </li>
  );
}
