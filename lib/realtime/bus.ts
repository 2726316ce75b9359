// The publish/subscribe seam between ingestion (via server.ts) and the live transports. The local bus
// lives in one process; a cross-instance bus (Redis) can replace it without the transports noticing.
import type { Article } from "../domain/article";

export type ArticleListener = (articles: Article[]) => void;

export interface ArticleBus {
  /** Articles must be given oldest first; listeners receive them in the same order. */
  publish(articles: Article[]): Promise<void>;
  subscribe(listener: ArticleListener): () => void;
  close(): Promise<void>;
}

export function createLocalBus(): ArticleBus {
  const listeners = new Set<ArticleListener>();
  return {
    async publish(articles) {
      if (articles.length === 0) return;
      for (const listener of listeners) listener(articles);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}

/**
 * The newest published articles, kept so that a client resuming from the database can be handed what was
 * published while its replay query ran, without a second query (see socket.ts / sse.ts), and so that a
 * client already close to the newest article can resume without any query (replay.ts).
 */
export class RecentArticles {
  private readonly items: Article[] = [];
  /** Every article published with an id above this is in the buffer (undefined: not known). */
  private completeAbove: number | undefined;

  constructor(private readonly capacity = 2000) {}

  /**
   * Declares the buffer complete above `newestStoredId`: call it with the newest stored article before
   * anything is published (server start), after subscribing to the bus.
   */
  markCompleteAbove(newestStoredId: number): void {
    this.completeAbove = newestStoredId;
  }

  add(articles: Article[]): void {
    this.items.push(...articles);
    if (this.items.length > this.capacity) {
      const dropped = this.items.splice(0, this.items.length - this.capacity);
      // What was dropped is no longer here: the buffer is complete only above it.
      if (this.completeAbove !== undefined) this.completeAbove = Math.max(this.completeAbove, dropped[dropped.length - 1].id);
    }
  }

  /** True when after(afterId) is everything published with an id above afterId. */
  covers(afterId: number): boolean {
    return this.completeAbove !== undefined && afterId >= this.completeAbove;
  }

  /** Articles with an id above `afterId`, oldest (lowest id) first. */
  after(afterId: number): Article[] {
    // The whole buffer, not just its tail: concurrent checks can publish their batches out of id order (a
    // batch with lower ids after one with higher ids), and a scan from the end would stop at the first.
    const found = this.items.filter((article) => article.id > afterId);
    for (let i = 1; i < found.length; i++) {
      if (found[i - 1].id > found[i].id) return found.sort((a, b) => a.id - b.id);
    }
    return found;
  }
}
