"use client";
// The homepage / source / category list. Server-rendered with the first page (readable without JavaScript);
// once hydrated it merges live stories (see use-live-articles.ts) without moving what the reader is looking at:
// straight in when the list's top is below the viewport, otherwise into the new-stories bar above the list,
// whose slot is reserved from the first paint (docs/decisions/0017).
import { memo, useCallback, useEffect, useRef, type RefObject } from "react";
import type { Article } from "@/lib/domain/article";
import type { LiveFilter } from "@/lib/realtime/events";
import { ArticleCard } from "@/components/articles/article-card";
import { NewStoriesBar } from "./new-stories-bar";
import { useLiveArticles, type LiveTransport } from "./use-live-articles";
import { useNow } from "./use-now";

export type LiveArticleListProps = {
  initialArticles: Article[];
  initialNextCursor: string | null;
  /** Server time (ms) the first render measures relative times against. */
  now: number;
  filter?: LiveFilter;
  /** false for older pages (?before=): nothing new belongs at their top. */
  live?: boolean;
  /** Show the first story large. */
  lead?: boolean;
  heading: string;
  emptyMessage?: string;
};

export function LiveArticleList(props: LiveArticleListProps) {
  // A new filter is a new list: remount rather than carry state across client-side navigations.
  const key = `${props.filter?.source ?? ""}|${props.filter?.category ?? ""}|${props.live !== false}|${props.initialArticles[0]?.id ?? ""}`;
  return <LiveArticleListView key={key} {...props} />;
}

function LiveArticleListView({
  initialArticles,
  initialNextCursor,
  now: serverNow,
  filter,
  live = true,
  lead = true,
  heading,
  emptyMessage = "No stories yet. New ones will appear here as soon as they are published.",
}: LiveArticleListProps) {
  const slotRef = useRef<HTMLDivElement>(null);
  // The insertion point is the slot's place (the list starts right below it). Entirely below the viewport,
  // an insert there moves nothing on screen; in view or scrolled past (the slot then sticks at the top), it
  // would push what the reader sees, so arrivals wait in the bar.
  const insertsUnseen = useCallback(() => {
    const slot = slotRef.current;
    return slot !== null && slot.getBoundingClientRect().top >= window.innerHeight;
  }, []);
  const { articles, pendingCount, newestPending, fresh, nextCursor, transport, announcement, loadState, loadMore, revealPending } =
    useLiveArticles({ initialArticles, initialNextCursor, filter, live, insertsUnseen });
  const now = useNow(serverNow);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useMergeWhenBelowView(slotRef, pendingCount > 0, revealPending);
  const headingId = "story-list-heading";

  function showNewStories() {
    revealPending();
    const heading = headingRef.current;
    // Scrolled past the list's top (the bar was stuck to the screen's top): take the reader up to the new
    // stories. In view, the stories appear right where the bar was; nothing to scroll.
    if (heading && heading.getBoundingClientRect().top < 0) {
      const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      heading.scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
    }
    // The button disappears; keep keyboard users where the new stories are.
    heading?.focus({ preventScroll: true });
  }

  return (
    <section data-live-transport={transport} aria-labelledby={headingId}>
      <div className="mb-6 flex items-end justify-between gap-4 border-b-2 border-ink pb-2">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="scroll-mt-4 font-serif text-xl font-bold sm:text-2xl">
          {heading}
        </h2>
        {live ? <LiveStatus transport={transport} /> : null}
      </div>

      {/* Polite, rate-limited announcements; never moves focus. */}
      <p aria-live="polite" aria-atomic="true" className="sr-only" data-testid="live-announcer">
        {announcement}
      </p>

      {/* Reserved on live lists from the first paint, so arrivals shown in it shift nothing. */}
      {live ? <NewStoriesBar ref={slotRef} count={pendingCount} newest={newestPending} onShow={showNewStories} /> : null}

      {articles.length === 0 ? <p className="py-12 text-center text-muted">{emptyMessage}</p> : null}

      <ArticleGrid articles={articles} now={now} fresh={fresh} lead={lead} />

      <nav aria-label="Older stories" className="mt-10 flex flex-col items-center gap-3">
        {nextCursor !== null ? (
          <>
            <button
              type="button"
              data-testid="load-more"
              onClick={() => void loadMore()}
              disabled={loadState === "loading"}
              aria-describedby={loadState === "error" ? "load-more-error" : undefined}
              className="h-11 rounded-md border border-line-strong bg-surface px-6 text-sm font-semibold text-ink hover:bg-sunken disabled:cursor-progress disabled:opacity-60"
            >
              {loadState === "loading" ? "Loading…" : "Load more"}
            </button>
            {loadState === "error" ? (
              <p id="load-more-error" role="status" className="text-sm text-bad">
                Older stories could not be loaded. Try again.
              </p>
            ) : null}
            {/* A real link, for readers without JavaScript and for crawlers. */}
            <a href={`?before=${encodeURIComponent(nextCursor)}`} className="text-sm text-muted underline underline-offset-2 hover:text-ink">
              Older stories
            </a>
          </>
        ) : articles.length > 0 ? (
          <p className="text-sm text-muted">You have reached the oldest stories.</p>
        ) : null}
      </nav>
    </section>
  );
}

/**
 * One card, memoized: a live insert adds one card and turns the old lead into a standard one; the other
 * cards' props are unchanged, so only those two render again.
 */
const LiveCard = memo(ArticleCard);

/**
 * The cards, memoized: an arrival held in the bar (or an announcement) changes the list's state but not its
 * articles; re-rendering thirty cards for it would be wasted main-thread work every few seconds on a slow phone.
 */
const ArticleGrid = memo(function ArticleGrid({ articles, now, fresh, lead }: { articles: Article[]; now: number; fresh: ReadonlySet<number>; lead: boolean }) {
  // The lead and the first row of the grid make the first screen.
  const firstImageId = articles.slice(0, 4).find((article) => article.imageUrl)?.id;
  return (
    <ul data-testid="article-list" className="grid gap-x-8 gap-y-8 sm:grid-cols-2 lg:grid-cols-3">
      {articles.map((article, index) => {
        // The first picture on the first screen is usually the page's largest element: fetched at once.
        const imagePriority = article.id === firstImageId;
        const isLead = lead && index === 0;
        return (
          <li
            key={article.id}
            className={isLead ? "pb-2 sm:col-span-2 lg:col-span-3" : "min-w-0 border-t border-line pt-4"}
          >
            <LiveCard
              article={article}
              now={now}
              variant={isLead ? "lead" : "standard"}
              fresh={fresh.has(article.id)}
              imagePriority={imagePriority}
            />
          </li>
        );
      })}
    </ul>
  );
});

/**
 * Held arrivals go into the list by themselves once its top is entirely below the viewport (the reader went
 * back up to what is above it, e.g. the homepage's top stories): the insert is then out of sight. Not while
 * focus is in the bar, which would take the focused element away.
 */
function useMergeWhenBelowView(slotRef: RefObject<HTMLDivElement | null>, holding: boolean, merge: () => void) {
  useEffect(() => {
    const slot = slotRef.current;
    if (!holding || !slot || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(([entry]) => {
      const below = !entry.isIntersecting && entry.boundingClientRect.top >= (entry.rootBounds?.bottom ?? window.innerHeight);
      if (below && !slot.contains(document.activeElement)) merge();
    });
    observer.observe(slot);
    return () => observer.disconnect();
  }, [slotRef, holding, merge]);
}

function LiveStatus({ transport }: { transport: LiveTransport }) {
  // Nothing until connected: without JavaScript there is no live connection to speak of.
  if (transport !== "socket" && transport !== "sse") return null;
  return (
    <p className="flex items-center gap-2 text-xs font-semibold tracking-wide text-muted uppercase">
      <span aria-hidden="true" className="inline-block size-2 rounded-full bg-ok motion-safe:animate-pulse" />
      Live
    </p>
  );
}
