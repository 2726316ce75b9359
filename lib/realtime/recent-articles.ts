// The newest delivered articles, in memory. A reader resuming from a cursor close to the newest article is
// answered from here without a query (the reconnect storm after a restart: docs/decisions/0006), and every
// catch-up ends by taking what was delivered while its last query ran from here, synchronously, before it
// goes live (lib/realtime/catch-up.ts).
import type { Article } from "../domain/article";

export class RecentArticles {
  private readonly items: Article[] = [];
  /** Every article delivered with an id above this is in the buffer (undefined: not known yet). */
  private completeAbove: number | undefined;

  constructor(private readonly capacity = 2000) {}

  /**
   * Declares the buffer complete above `newestStoredId`: call it with the id the live feed starts after,
   * before it delivers anything.
   */
  markCompleteAbove(newestStoredId: number): void {
    this.completeAbove = newestStoredId;
  }

  /** Articles must come in id order (the live feed delivers them so). */
  add(articles: Article[]): void {
    this.items.push(...articles);
    if (this.items.length > this.capacity) {
      const dropped = this.items.splice(0, this.items.length - this.capacity);
      // What was dropped is no longer here: the buffer is complete only above it.
      if (this.completeAbove !== undefined) this.completeAbove = Math.max(this.completeAbove, dropped[dropped.length - 1].id);
    }
  }

  /** True when after(afterId) is everything delivered with an id above afterId. */
  covers(afterId: number): boolean {
    return this.completeAbove !== undefined && afterId >= this.completeAbove;
  }

  /** Articles with an id above `afterId`, oldest first. */
  after(afterId: number): Article[] {
    // Binary search: the buffer is in id order.
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle].id <= afterId) low = middle + 1;
      else high = middle;
    }
    return this.items.slice(low);
  }
}
