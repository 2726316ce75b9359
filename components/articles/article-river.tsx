// The river of a list page (the homepage, a category, a source): the newest stories, live, or an older page
// (?before=) with its way back to the newest. One component so the three pages page, end and stay empty
// the same way; each page says only what it lists.
import type { ArticlePage } from "@/lib/queries/articles";
import type { LiveFilter } from "@/lib/realtime/events";
import { LiveArticleList } from "@/components/live/live-article-list";

type Props = {
  page: ArticlePage;
  /** The cursor of an older page, undefined for the newest stories. */
  before: string | undefined;
  now: number;
  filter?: LiveFilter;
  /** The newest page's address, e.g. "/categories/world". */
  latestHref: string;
  /** Ends "← Back to …" on older pages, e.g. "the latest in World". */
  latestLabel: string;
  /** The newest page's heading; older pages say "Older stories". */
  heading: string;
  emptyMessage?: string;
};

export function ArticleRiver({ page, before, now, filter, latestHref, latestLabel, heading, emptyMessage }: Props) {
  const older = before !== undefined;
  return (
    <>
      {older ? (
        <p className="mb-6 text-sm">
          <a href={latestHref} className="font-semibold text-link underline underline-offset-2" data-testid="back-to-latest">
            ← Back to {latestLabel}
          </a>
        </p>
      ) : null}
      <LiveArticleList
        initialArticles={page.articles}
        initialNextCursor={page.nextCursor}
        now={now}
        filter={filter}
        // Nothing new belongs at the top of an older page, and its first story is no lead.
        live={!older}
        lead={!older}
        heading={older ? "Older stories" : heading}
        emptyMessage={emptyMessage}
      />
    </>
  );
}
