"use client";
// A story page that follows its story: coverage that joins it while the page is open appears without a
// reload (the timeline is oldest first, so new reports land at its end, below what the reader has read).
import { useEffect, useRef, useState } from "react";
import type { Story } from "@/lib/domain/story";
import type { LiveTransport } from "@/components/live/live-connection";
import { subscribeLive } from "@/components/live/live-hub";
import { isStory } from "@/components/live/live-payload";
import { createThrottledAnnouncer, type ThrottledAnnouncer } from "@/components/live/throttled-announcer";
import { useNow } from "@/components/live/use-now";
import { StoryCoverage } from "./story-coverage";

const ANNOUNCE_INTERVAL_MS = 60_000;
/** A first connection this long after navigation may have missed story updates: read the story once. */
const LATE_CONNECT_MS = 5_000;

/** The update is this story, or a story this one merged into (its id, the first article's, is a member). */
function concerns(current: Story, update: Story): boolean {
  return update.id === current.id || update.articles.some((article) => article.id === current.id);
}

export function LiveStoryCoverage({ initialStory, now: serverNow }: { initialStory: Story; now: number }) {
  const [story, setStory] = useState(initialStory);
  const [announcement, setAnnouncement] = useState("");
  const [transport, setTransport] = useState<LiveTransport>("connecting");
  const now = useNow(serverNow);
  const current = useRef(initialStory);
  const announcer = useRef<ThrottledAnnouncer<Story> | null>(null);

  useEffect(() => {
    const speaker = createThrottledAnnouncer<Story>(ANNOUNCE_INTERVAL_MS, (updates) => {
      const latest = updates[updates.length - 1];
      return `New coverage of this story: ${latest.sourceCount} sources, ${latest.articleCount} articles`;
    }, setAnnouncement);
    announcer.current = speaker;
    const take = (update: Story) => {
      const shown = current.current;
      if (!concerns(shown, update) || (update.id === shown.id && update.updatedAt === shown.updatedAt && update.articleCount === shown.articleCount)) return;
      current.current = update;
      setStory(update);
      speaker.add([update]);
    };
    let refetch: AbortController | undefined;
    const unsubscribe = subscribeLive({
      onStory: take,
      onTransport: setTransport,
      onConnected: (again) => {
        // Story updates are not replayed: after an outage (or a late first connection), read the story again.
        if (!again && performance.now() < LATE_CONNECT_MS) return;
        refetch?.abort();
        refetch = new AbortController();
        fetch(`/api/stories/${encodeURIComponent(current.current.slug)}`, { headers: { accept: "application/json" }, signal: refetch.signal })
          .then((response) => (response.ok ? response.json() : null))
          .then((body: unknown) => {
            const fetched = (body as { story?: unknown } | null)?.story;
            if (isStory(fetched)) take(fetched);
          })
          .catch(() => {});
      },
    });
    return () => {
      refetch?.abort();
      unsubscribe();
      speaker.close();
    };
  }, []);

  return (
    <div data-live-transport={transport}>
      <p aria-live="polite" aria-atomic="true" className="sr-only" data-testid="story-announcer">
        {announcement}
      </p>
      <StoryCoverage story={story} now={now} />
    </div>
  );
}
