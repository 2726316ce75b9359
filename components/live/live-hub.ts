// One live connection per page and filter, shared by every part of the page that shows live data (the
// homepage's top stories and its article list use one socket, not two). It opens once the page is
// interactive and closes when its last subscriber leaves. No React here.
import type { Article } from "@/lib/domain/article";
import type { Story } from "@/lib/domain/story";
import type { ArticleFilter } from "@/lib/domain/live-filter";
import { afterInteractive } from "./after-interactive";
import { openLiveConnection, type LiveConnection, type LiveTransport } from "./live-connection";
import { olderCursor } from "./live-payload";

export type LiveSubscriber = {
  filter?: ArticleFilter;
  /** The newest article this subscriber has; undefined if it shows no articles (story readers). */
  cursor?: string;
  onArticles?(articles: Article[]): void;
  onStory?(story: Story): void;
  onTransport?(transport: LiveTransport): void;
  onConnected?(again: boolean): void;
};

type Hub = {
  subscribers: Set<LiveSubscriber>;
  transport: LiveTransport;
  connection: LiveConnection | null;
  cancelStart: () => void;
};

const hubs = new Map<string, Hub>();

function keyOf(filter: ArticleFilter): string {
  return `${filter.source ?? ""}|${filter.category ?? ""}`;
}

/** Subscribes to live events; returns the unsubscribe function. */
export function subscribeLive(subscriber: LiveSubscriber): () => void {
  const filter = subscriber.filter ?? {};
  const key = keyOf(filter);
  let hub = hubs.get(key);
  if (!hub) {
    const created: Hub = { subscribers: new Set(), transport: "connecting", connection: null, cancelStart: () => {} };
    const each = (call: (subscriber: LiveSubscriber) => void) => {
      for (const one of [...created.subscribers]) call(one);
    };
    created.cancelStart = afterInteractive(() => {
      // Everyone who subscribed during hydration is here by now: resume from the oldest cursor any of them
      // has, so none misses an article (each list drops what it already shows).
      let cursor: string | undefined;
      for (const one of created.subscribers) cursor = olderCursor(cursor, one.cursor);
      created.connection = openLiveConnection({
        filter,
        cursor,
        onArticles: (articles) => each((one) => one.onArticles?.(articles)),
        onStory: (story) => each((one) => one.onStory?.(story)),
        onTransport: (transport) => {
          created.transport = transport;
          each((one) => one.onTransport?.(transport));
        },
        onConnected: (again) => each((one) => one.onConnected?.(again)),
      });
    });
    hubs.set(key, created);
    hub = created;
  }
  const joined = hub;
  joined.subscribers.add(subscriber);
  subscriber.onTransport?.(joined.transport);
  return () => {
    joined.subscribers.delete(subscriber);
    if (joined.subscribers.size > 0) return;
    joined.cancelStart();
    joined.connection?.close();
    if (hubs.get(key) === joined) hubs.delete(key);
  };
}
