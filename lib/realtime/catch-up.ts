// Catching a reader up, the same way for both transports: every article after its cursor that matches its
// filter, exactly once, in cursor order, and then live. It is written once here; socket.ts and sse.ts only
// say how to send one article, how to wait until the reader has taken what was sent, and how to go live.
//
// The rule that makes "exactly once, in order" hold: a reader goes live in the same synchronous turn in which
// it is sent the last delivered article it lacks. Until then nothing live is sent to it; what the live feed
// delivers meanwhile is in RecentArticles, from where the last step takes it. The database is asked only for
// articles at or below what the live feed has delivered (`upTo`): anything newer reaches the reader live.
import type { Article } from "../domain/article";
import type { LiveFilter } from "./events";
import { matchesFilter } from "./filter";
import type { RecentArticles } from "./recent-articles";
import type { Replay } from "./replay";

export type CatchUpReader = {
  filter: LiveFilter;
  /** Sends one article (it matches the filter). */
  send(article: Article): void;
  /** Resolves once the reader has taken what was sent (its buffers drained), or at once when closed. */
  writable(): Promise<void>;
  isOpen(): boolean;
  /** Called synchronously after the last missed article was sent: from now on live articles reach it. */
  goLive(): void;
};

export type CatchUpSources = {
  replay: Replay;
  recent: RecentArticles;
  /** The newest id the live feed has delivered to this process. */
  deliveredUpTo: () => number;
};

/** Articles sent per step before waiting for the reader to take them (a slow reader paces its own replay). */
const PAGE = 250;

/**
 * Sends everything after `afterId` (up to `until`, when the reader already has what comes after it) and then
 * makes the reader live. Resolves when it is live (or closed). A failing database query rejects, and the
 * reader is not live: the caller closes it, and its reconnect tries again.
 */
export async function catchUp(reader: CatchUpReader, afterId: number, sources: CatchUpSources, until = Infinity): Promise<void> {
  const { replay, recent } = sources;
  const wanted = (article: Article) => article.id <= until && matchesFilter(article, reader.filter);
  let last = afterId;
  while (reader.isOpen()) {
    if (last >= until) {
      reader.goLive();
      return;
    }
    if (recent.covers(last)) {
      const missed = recent.after(last).filter(wanted);
      if (missed.length <= PAGE) {
        // No await from here to goLive: nothing can be delivered in between.
        for (const article of missed) reader.send(article);
        reader.goLive();
        return;
      }
      for (const article of missed.slice(0, PAGE)) reader.send(article);
      last = missed[PAGE - 1].id;
    } else {
      const page = await replay(last, Math.min(sources.deliveredUpTo(), until), reader.filter, PAGE);
      if (!reader.isOpen()) return;
      // (A shared answer may reach past `until`: what is past it, the reader has.)
      for (const article of page.articles) if (article.id > last && article.id <= until) reader.send(article);
      // A full page may have more after it; a short one is everything up to where its query looked.
      const reach = page.articles.length === page.limit ? page.articles[page.articles.length - 1].id : page.upTo;
      last = Math.max(last, Math.min(reach, until));
    }
    await reader.writable();
  }
}
