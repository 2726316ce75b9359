// Server-Sent Events at GET /api/live: the fallback transport. Served by server.ts directly (not a Next
// route handler) so it shares the live feed with Socket.IO and costs one small object per idle client.
// Catching up from Last-Event-ID (or ?cursor=) is lib/realtime/catch-up.ts, as for Socket.IO.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import type { Story } from "../domain/story";
import { tryDecodeCursor } from "../domain/cursor";
import type { ArticleFeed } from "./article-feed";
import { catchUp, type CatchUpSources } from "./catch-up";
import { cleanFilter, matchesFilter } from "./filter";
import type { LiveLimits, LiveSlot } from "./live-limits";
import { SSE_PATH, type LiveFilter } from "./events";

type SseClient = { res: ServerResponse; filter: LiveFilter };

export function formatArticleEvent(article: Article): string {
  return `event: article\nid: ${article.cursor}\ndata: ${JSON.stringify(article)}\n\n`;
}

/** No id: story updates are not replayed (a reconnecting reader fetches /api/stories). */
export function formatStoryEvent(story: Story): string {
  return `event: story\ndata: ${JSON.stringify(story)}\n\n`;
}

export type SseOptions = {
  feed: ArticleFeed;
  catchUp: CatchUpSources;
  limits: LiveLimits;
  logger: Logger;
  /** How often a comment line keeps proxies from closing an idle stream (at most 15 s). */
  heartbeatMs?: number;
  /** A live client with more than this unsent is not reading: dropping it beats buffering without bound. */
  maxUnsentBytes?: number;
};

function jsonError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}

export function createSseBroadcaster(options: SseOptions) {
  const { feed, logger, limits } = options;
  const maxUnsentBytes = options.maxUnsentBytes ?? 1024 * 1024;
  /** Live clients only: a client catching up joins when catch-up hands over (goLive). */
  const live = new Set<SseClient>();
  const all = new Set<SseClient>();

  /**
   * Drops live readers that still hold more than the bound unsent. Checked before each batch, not per write:
   * a batch is written in one turn (Node's HTTP layer corks it), so a healthy reader's queue briefly holds the
   * whole batch; what is still queued when the next batch comes is what it did not take.
   */
  function dropStalled(): void {
    for (const client of live) {
      if (client.res.writableLength <= maxUnsentBytes) continue;
      live.delete(client);
      logger.info({ unsentBytes: client.res.writableLength }, "dropping an SSE reader that stopped reading");
      client.res.destroy();
    }
  }

  const unsubscribe = feed.subscribe((articles) => {
    dropStalled();
    for (const article of articles) {
      let encoded: string | undefined;
      for (const client of live) {
        if (!matchesFilter(article, client.filter)) continue;
        encoded ??= formatArticleEvent(article);
        client.res.write(encoded);
      }
    }
  });

  const heartbeat = setInterval(() => {
    dropStalled();
    for (const client of live) client.res.write(": keep-alive\n\n");
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  /** Handles GET /api/live; returns false for any other request so the caller passes it on. */
  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== SSE_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      jsonError(res, 405, "method_not_allowed", "Use GET for /api/live", { allow: "GET, HEAD" });
      return true;
    }
    void limits.acquire(req).then(
      (slot) => {
        if ("refused" in slot) jsonError(res, 429, "too_many_connections", slot.refused, { "retry-after": "30" });
        else if (res.destroyed || !res.socket || res.socket.destroyed) slot.release();
        else open(req, res, url, slot);
      },
      (error: unknown) => {
        logger.warn({ err: error }, "could not count a live connection");
        jsonError(res, 503, "unavailable", "Live updates are not available right now", { "retry-after": "5" });
      },
    );
    return true;
  }

  function open(req: IncomingMessage, res: ServerResponse, url: URL, slot: LiveSlot): void {
    const lastEventId = req.headers["last-event-id"];
    const afterId = tryDecodeCursor(typeof lastEventId === "string" ? lastEventId.trim() : undefined) ?? tryDecodeCursor(url.searchParams.get("cursor"));
    const filter = cleanFilter({ source: url.searchParams.get("source") ?? undefined, category: url.searchParams.get("category") ?? undefined });

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    if (req.method === "HEAD") {
      slot.release();
      res.end();
      return;
    }
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    res.write("retry: 3000\n: connected\n\n");

    const client: SseClient = { res, filter };
    all.add(client);
    let closed = false;
    const drop = () => {
      if (closed) return;
      closed = true;
      all.delete(client);
      live.delete(client);
      slot.release();
    };
    req.on("close", drop);
    res.on("close", drop);
    res.on("error", drop);
    if (afterId === undefined) {
      live.add(client);
      return;
    }
    catchUp(
      {
        filter,
        send: (article) => res.write(formatArticleEvent(article)),
        // A replay waits for the reader instead of tripping the slow-reader guard (which would reset the
        // stream, and EventSource would reconnect and replay again, forever).
        writable: () =>
          res.writableLength === 0 || res.destroyed
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                const done = () => {
                  res.off("drain", done);
                  res.off("close", done);
                  resolve();
                };
                res.on("drain", done);
                res.on("close", done);
              }),
        isOpen: () => !closed && !res.destroyed,
        goLive: () => live.add(client),
      },
      afterId,
      options.catchUp,
    ).catch((error: unknown) => {
      logger.warn({ err: error }, "SSE catch-up failed; closing the stream so the reader resumes again");
      res.destroy();
    });
  }

  return {
    handle,
    clientCount: () => all.size,
    /** Story updates go to every live reader, whatever its filter. */
    publishStories(stories: Story[]): void {
      dropStalled();
      // A story carries up to 50 articles: not formatted when no reader would receive it.
      if (live.size === 0) return;
      for (const story of stories) {
        const encoded = formatStoryEvent(story);
        for (const client of live) client.res.write(encoded);
      }
    },
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const client of all) client.res.end();
      live.clear();
    },
  };
}
