"use client";
// Top stories above the live river: events several outlets cover, ranked by breadth and recency. Server-
// rendered with the page; once hydrated a story updates where it stands when coverage joins it, and a story
// that newly ranks appears, without moving focus or the reader's scroll. Nothing shows while there are none.
import Link from "next/link";
import type { Story } from "@/lib/domain/story";
import { storyHighlights } from "./top-stories-state";
import { useLiveTopStories } from "./use-live-top-stories";

function TopStory({ story }: { story: Story }) {
  const { lead, others } = storyHighlights(story);
  return (
    <li data-testid="top-story" data-story-id={story.id} className="min-w-0 border-t border-line pt-4">
      <h3 className="font-serif text-lg leading-snug font-bold text-balance">
        <Link href={story.path} className="hover:underline">
          {lead?.title ?? story.title}
        </Link>
      </h3>
      <p className="mt-1 text-sm text-muted">
        <strong data-testid="story-source-count" className="font-semibold text-ink">
          {story.sourceCount} sources
        </strong>
        {lead ? <> · {lead.source.name}</> : null}
      </p>
      {others.length > 0 ? (
        <ul className="mt-2 space-y-1 text-sm" aria-label="Also covering this story">
          {others.map((article) => (
            <li key={article.id} data-testid="top-story-other" className="line-clamp-2">
              <span className="font-semibold">{article.source.name}:</span>{" "}
              <Link href={article.path} className="text-link hover:underline">
                {article.title}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function TopStories({ initialStories }: { initialStories: Story[] }) {
  const { stories, held, announcement, slot } = useLiveTopStories(initialStories);
  return (
    // data-held-stories: ids of stories whose updates wait for the reader to scroll back up (tests and
    // debugging read it).
    <div ref={slot} data-testid="top-stories-slot" data-held-stories={held.join(" ")}>
      {/* The one polite region for top stories: throttled, never moves focus. */}
      <p aria-live="polite" aria-atomic="true" className="sr-only" data-testid="story-announcer">
        {announcement}
      </p>
      {stories.length > 0 ? (
        <section aria-labelledby="top-stories-heading" data-testid="top-stories" className="mb-10">
          <h2 id="top-stories-heading" className="mb-4 border-b-2 border-ink pb-2 font-serif text-xl font-bold sm:text-2xl">
            Top stories
          </h2>
          <ol className="grid gap-x-8 gap-y-6 sm:grid-cols-2 lg:grid-cols-3">
            {stories.map((story) => (
              <TopStory key={story.id} story={story} />
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  );
}
