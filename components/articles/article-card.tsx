// One story in a list. Server-safe (no hooks, no handlers) so the server pages and the live client list
// render the very same markup. Dimensions are fixed by the layout (16:9 thumbnail box, clamped text), so a
// card never changes size after its image loads.
import Link from "next/link";
import type { Article } from "@/lib/domain/article";
import { categoryHref, categoryLabel, sourceHref } from "./category";
import { formatAbsoluteTime, formatRelativeTime } from "./format-time";
import { highlight } from "./highlight";

export type ArticleCardVariant = "lead" | "standard" | "row";

type Props = {
  article: Article;
  /** Milliseconds since the epoch that relative times are measured from; the same value on server and client. */
  now: number;
  variant?: ArticleCardVariant;
  /** Words to <mark> in the title and summary (search results). */
  highlightTerms?: readonly string[];
  /** Shows a brief highlight: the story just arrived live. */
  fresh?: boolean;
  headingLevel?: 2 | 3;
};

export function ArticleCard({ article, now, variant = "standard", highlightTerms = [], fresh = false, headingLevel = 3 }: Props) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const isLead = variant === "lead";
  const isRow = variant === "row";

  const thumbnail = (
    <div
      className={
        isRow
          ? "relative hidden aspect-video w-40 shrink-0 self-start overflow-hidden rounded-sm bg-sunken sm:block"
          : "relative aspect-video w-full overflow-hidden rounded-sm bg-sunken"
      }
    >
      {article.imageUrl ? (
        // A plain <img>: images come from publishers' hosts, which the image optimizer must not proxy.
        <img
          src={article.imageUrl}
          alt=""
          width={640}
          height={360}
          loading={isLead ? "eager" : "lazy"}
          decoding="async"
          referrerPolicy="no-referrer"
          className="absolute inset-0 h-full w-full object-cover"
        />
      ) : (
        <div aria-hidden="true" className="absolute inset-0 flex items-center justify-center">
          <span className="font-serif text-4xl font-bold text-line-strong select-none">
            {article.source.name.charAt(0).toUpperCase()}
          </span>
        </div>
      )}
    </div>
  );

  const meta = (
    <p className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
      <Link
        href={categoryHref(article.category)}
        prefetch={false}
        className="relative z-10 rounded-sm bg-accent-soft px-1.5 py-0.5 font-semibold tracking-wide text-accent-ink uppercase hover:underline"
      >
        {categoryLabel(article.category)}
      </Link>
      <Link
        href={sourceHref(article.source.slug)}
        prefetch={false}
        className="relative z-10 truncate font-medium text-ink hover:underline"
      >
        {article.source.name}
      </Link>
      <span aria-hidden="true">·</span>
      <time dateTime={article.publishedAt} title={formatAbsoluteTime(article.publishedAt)}>
        {formatRelativeTime(article.publishedAt, now)}
      </time>
    </p>
  );

  const title = (
    <Heading
      className={
        isLead
          ? "font-serif text-2xl leading-tight font-bold text-balance sm:text-3xl lg:text-4xl"
          : isRow
            ? "font-serif text-lg leading-snug font-bold"
            : "line-clamp-3 font-serif text-lg leading-snug font-bold"
      }
    >
      {/* The title link covers the card (after:inset-0), so the whole card is a target; the meta links sit above it. */}
      <Link
        href={article.path}
        prefetch={false}
        className="after:absolute after:inset-0 after:content-[''] hover:underline"
      >
        {highlight(article.title, highlightTerms)}
      </Link>
    </Heading>
  );

  const summary = article.summary ? (
    <p
      className={
        isLead ? "line-clamp-4 text-base leading-relaxed text-muted" : "line-clamp-3 text-sm leading-relaxed text-muted"
      }
    >
      {highlight(article.summary, highlightTerms)}
    </p>
  ) : null;

  const frame = ["group relative h-full rounded-md", fresh ? "motion-safe:animate-arrive" : ""];

  if (isLead) {
    return (
      <article
        data-testid="article-card"
        data-article-id={article.id}
        className={[...frame, "grid gap-4 md:grid-cols-5 md:gap-8"].join(" ")}
      >
        <div className="md:col-span-3">{thumbnail}</div>
        <div className="flex min-w-0 flex-col gap-3 md:col-span-2 md:justify-center">
          {meta}
          {title}
          {summary}
        </div>
      </article>
    );
  }

  if (isRow) {
    return (
      <article data-testid="article-card" data-article-id={article.id} className={[...frame, "flex gap-4"].join(" ")}>
        <div className="flex min-w-0 flex-1 flex-col gap-2">
          {meta}
          {title}
          {summary}
        </div>
        {thumbnail}
      </article>
    );
  }

  // The same element tree as the lead card, only other classes: when a live story arrives the old lead
  // becomes a standard card, and a different tree would make React rebuild it, dropping keyboard focus.
  return (
    <article
      data-testid="article-card"
      data-article-id={article.id}
      className={[...frame, "flex flex-col gap-3"].join(" ")}
    >
      <div>{thumbnail}</div>
      <div className="flex min-w-0 flex-col gap-3">
        {meta}
        {title}
        {summary}
      </div>
    </article>
  );
}
