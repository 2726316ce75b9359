// One story in a list. Server-safe (no hooks, no handlers) so the server pages and the live client list
// render the very same markup. A card is laid out by what the story has: a picture only when the publisher
// sent one, so a text-only story stays a compact block of words rather than a grey box with a letter in it.
// An image's box is reserved before it loads (width/height attributes and a 16:9 aspect ratio), so a card
// never changes size when its picture arrives.
import Link from "next/link";
import type { Article } from "@/lib/domain/article";
import { categoryHref, categoryLabel, sourceHref } from "./category";
import { formatAbsoluteTime, formatRelativeTime } from "./format-time";
import { highlight } from "./highlight";
import { StoryImage } from "./story-image";

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
  /**
   * The page's first picture, likely the largest thing on the first screen: fetched at once and first.
   * Every other picture loads lazily. Defaults to true for the lead card.
   */
  imagePriority?: boolean;
};

export function ArticleCard({ article, now, variant = "standard", highlightTerms = [], fresh = false, headingLevel = 3, imagePriority }: Props) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const isLead = variant === "lead";
  const isRow = variant === "row";
  const priority = imagePriority ?? isLead;

  const picture = article.imageUrl ? (
    <div data-testid="article-image" className={isLead ? "md:col-span-3" : isRow ? "w-28 shrink-0 self-start sm:w-40" : ""}>
      <StoryImage src={article.imageUrl} priority={priority} />
    </div>
  ) : null;

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
          ? article.imageUrl
            ? "font-serif text-2xl leading-tight font-bold text-balance sm:text-3xl lg:text-4xl"
            : // A lead without a picture carries the first screen on its words.
              "font-serif text-3xl leading-tight font-bold text-balance sm:text-4xl lg:text-5xl"
          : isRow
            ? "font-serif text-lg leading-snug font-bold"
            : "line-clamp-4 font-serif text-lg leading-snug font-bold"
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
        isLead
          ? "line-clamp-4 text-base leading-relaxed text-muted sm:text-lg"
          : // Without a picture the words have the room: a longer standfirst.
            `${article.imageUrl || isRow ? "line-clamp-3" : "line-clamp-5"} text-sm leading-relaxed text-muted`
      }
    >
      {highlight(article.summary, highlightTerms)}
    </p>
  ) : null;

  const frame = ["group relative rounded-md", fresh ? "motion-safe:animate-arrive" : ""];
  const common = { "data-testid": "article-card", "data-article-id": article.id, "data-has-image": article.imageUrl ? "true" : "false" };

  if (isRow) {
    return (
      <article {...common} className={[...frame, "flex gap-4"].join(" ")}>
        <div className="flex min-w-0 flex-1 flex-col gap-2">
          {meta}
          {title}
          {summary}
        </div>
        {picture}
      </article>
    );
  }

  // Lead and standard cards share one element tree, only other classes: when a live story arrives the old
  // lead becomes a standard card, and a different tree would make React rebuild it, dropping keyboard focus.
  const layout = isLead
    ? article.imageUrl
      ? "grid gap-4 md:grid-cols-5 md:gap-8"
      : "flex max-w-4xl flex-col"
    : "flex flex-col gap-3";
  return (
    <article {...common} className={[...frame, layout].join(" ")}>
      {picture}
      <div className={isLead ? "flex min-w-0 flex-col gap-3 md:col-span-2 md:justify-center" : "flex min-w-0 flex-col gap-2"}>
        {meta}
        {title}
        {summary}
      </div>
    </article>
  );
}
