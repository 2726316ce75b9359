"use client";
// The homepage's top stories, live: `story:update` / `event: story` through the page's shared connection,
// applied by the pure reducer (top-stories-state.ts), announced politely at most once a minute.
import { useEffect, useReducer, useRef, useState } from "react";
import type { Story } from "@/lib/domain/story";
import { subscribeLive } from "@/components/live/live-hub";
import { isStory } from "@/components/live/live-payload";
import { createThrottledAnnouncer, type ThrottledAnnouncer } from "@/components/live/throttled-announcer";
import { describeStoryChanges, initialTopStories, TOP_STORIES_SHOWN, topStoriesReducer, type StoryChange } from "./top-stories-state";

/** Screen readers hear about top-story changes at most this often. */
export const STORY_ANNOUNCE_INTERVAL_MS = 60_000;
/** A first connection this long after navigation may have missed story updates: fetch the ranking once. */
const LATE_CONNECT_MS = 5_000;

/** The section's slot is not above the viewport: changing it moves nothing the reader is looking at. */
function slotInView(slot: HTMLElement | null): boolean {
  return slot === null || slot.getBoundingClientRect().top >= 0;
}

export function useLiveTopStories(initialStories: Story[]) {
  const [state, dispatch] = useReducer(topStoriesReducer, initialStories, initialTopStories);
  const [announcement, setAnnouncement] = useState("");
  const slot = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const update = (story: Story) => dispatch({ type: "update", story, nowMs: Date.now(), inView: slotInView(slot.current) });
    let refetch: AbortController | undefined;
    const unsubscribe = subscribeLive({
      onStory: update,
      onConnected: (again) => {
        // Story updates are not replayed: after an outage (or a late first connection) ask for the ranking.
        if (!again && performance.now() < LATE_CONNECT_MS) return;
        refetch?.abort();
        refetch = new AbortController();
        fetch(`/api/stories?limit=${TOP_STORIES_SHOWN}`, { headers: { accept: "application/json" }, signal: refetch.signal })
          .then((response) => (response.ok ? response.json() : null))
          .then((body: unknown) => {
            const stories = (body as { stories?: unknown } | null)?.stories;
            if (Array.isArray(stories)) for (const story of stories) if (isStory(story)) update(story);
          })
          .catch(() => {
            // The next story:update still arrives; a missed one shows at the next page load.
          });
      },
    });
    return () => {
      refetch?.abort();
      unsubscribe();
    };
  }, []);

  // Held while the reader is below the section: applied once the section is back in view.
  const holding = state.held.length > 0;
  useEffect(() => {
    if (!holding) return;
    const onScroll = () => {
      if (slotInView(slot.current)) dispatch({ type: "release", nowMs: Date.now() });
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, [holding]);

  const announcer = useRef<ThrottledAnnouncer<StoryChange> | null>(null);
  useEffect(() => {
    const created = createThrottledAnnouncer(STORY_ANNOUNCE_INTERVAL_MS, describeStoryChanges, setAnnouncement);
    announcer.current = created;
    return () => created.close();
  }, []);
  const { changeCount, lastChanges } = state;
  useEffect(() => {
    if (changeCount > 0) announcer.current?.add(lastChanges);
  }, [changeCount, lastChanges]);

  return { stories: state.stories, held: state.held.map((story) => story.id), announcement, slot };
}
