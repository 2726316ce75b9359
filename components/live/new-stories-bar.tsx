"use client";
// The new-stories bar: where live arrivals wait while inserting them would move what the reader sees
// (docs/decisions/0017). Its slot is in the server's HTML from the first paint with its final height, so the
// bar appearing, counting up and changing its headline moves nothing; the slot is sticky, so a reader deep in
// the river still sees it at the top of the screen. It speaks through the list's one throttled polite region,
// not by itself: its text changes with every arrival.
import Link from "next/link";
import { forwardRef } from "react";
import type { Article } from "@/lib/domain/article";

type Props = {
  /** Held arrivals; 0 shows an empty (invisible, click-through) slot. */
  count: number;
  newest: Article | null;
  onShow: () => void;
};

export const NewStoriesBar = forwardRef<HTMLDivElement, Props>(function NewStoriesBar({ count, newest, onShow }, ref) {
  return (
    // Fixed height whatever it holds; pointer-events only on the bar itself, so the empty slot never covers
    // a link beneath it while it sticks.
    <div ref={ref} data-testid="new-stories-slot" className="pointer-events-none sticky top-2 z-30 mb-4 h-11">
      {count > 0 && newest ? (
        <div
          data-testid="new-stories-bar"
          className="pointer-events-auto flex h-11 items-center gap-3 overflow-hidden rounded-md border border-line-strong bg-surface pr-3 text-sm shadow-md"
        >
          <button
            type="button"
            data-testid="new-stories"
            onClick={onShow}
            className="inline-flex h-full shrink-0 items-center gap-2 bg-ink px-3 font-semibold text-paper hover:opacity-90"
          >
            <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden="true">
              <path d="M12 19V5M5 12l7-7 7 7" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            Show {count} new {count === 1 ? "story" : "stories"}
          </button>
          {/* The newest headline, readable and followable at once; replaced in place as more arrive. */}
          <Link href={newest.path} prefetch={false} data-testid="new-stories-newest" className="min-w-0 flex-1 truncate font-serif font-bold text-ink hover:underline">
            {newest.title}
          </Link>
        </div>
      ) : null}
    </div>
  );
});
