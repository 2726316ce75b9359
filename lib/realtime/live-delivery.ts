// The live layer of one instance, assembled: the article feed (what was stored, in cursor order), the recent
// buffer and shared replays that catch readers up, and the two transports on the one HTTP server.
import type { Server as HttpServer } from "node:http";
import type { Logger } from "pino";
import type { Story } from "../domain/story";
import { createArticleFeed, type ReadArticlesAfter } from "./article-feed";
import type { LiveLimits } from "./live-limits";
import { RecentArticles } from "./recent-articles";
import { createSharedReplay, type QueryArticlesBetween } from "./replay";
import { attachSocketServer } from "./socket";
import { createSseBroadcaster } from "./sse";

export type LiveDeliveryOptions = {
  /** The newest stored article id at start. */
  startAfter: number;
  readAfter: ReadArticlesAfter;
  queryBetween: QueryArticlesBetween;
  limits: LiveLimits;
  logger: Logger;
  /** Bounds on what a live reader that stops reading may hold unsent (defaults in the transports). */
  sseMaxUnsentBytes?: number;
  socketMaxUnsentBytes?: number;
};

export function attachLiveDelivery(httpServer: HttpServer, options: LiveDeliveryOptions) {
  const { logger, limits } = options;
  const feed = createArticleFeed({ startAfter: options.startAfter, readAfter: options.readAfter, logger });
  const recent = new RecentArticles();
  recent.markCompleteAbove(options.startAfter);
  // First subscriber: the buffer holds a batch before any transport sends it (catch-up relies on that).
  feed.subscribe((articles) => recent.add(articles));
  const catchUp = { replay: createSharedReplay({ query: options.queryBetween }), recent, deliveredUpTo: feed.deliveredUpTo };
  const sse = createSseBroadcaster({ feed, catchUp, limits, logger, maxUnsentBytes: options.sseMaxUnsentBytes });
  const socket = attachSocketServer(httpServer, { feed, catchUp, limits, logger, maxUnsentBytes: options.socketMaxUnsentBytes });
  return {
    feed,
    sse,
    socket,
    /** Readers connected to this instance, on either transport. */
    readerCount: () => socket.connectedCount() + sse.clientCount(),
    publishStories(stories: Story[]): void {
      socket.publishStories(stories);
      sse.publishStories(stories);
    },
    async close() {
      await socket.close();
      await sse.close();
      await feed.close();
    },
  };
}
