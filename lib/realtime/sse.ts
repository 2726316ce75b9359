// Server-Sent Events at GET /api/live: the fallback transport. Served by server.ts directly (not a Next
// route handler) so it shares the bus with Socket.IO and costs one small object per idle client.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import { tryDecodeCursor } from "../domain/cursor";
import type { ArticleBus } from "./bus";
import { RecentArticles } from "./bus";
import { cleanFilter, matchesFilter } from "./filter";
import { SSE_PATH, type LiveFilter } from "./events";
import type { ReplayArticles } from "./replay";

type SseClient = {
  res: ServerResponse;
  filter: LiveFilter;
  /** While the missed articles are replayed, live ones wait here so the order holds. */
  pending: Article[] | null;
};

const REPLAY_PAGE = 500;
const REPLAY_MAX = 2000;
/** A client this far behind is not reading; dropping it beats buffering without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function formatArticleEvent(article: Article): string {
  return `event: article\nid: ${article.cursor}\ndata: ${JSON.stringify(article)}\n\n`;
}

export type SseOptions = {
  bus: ArticleBus;
  replay: ReplayArticles;
  logger: Logger;
  recent?: RecentArticles;
  /** How often a comment line keeps proxies from closing an idle stream (the contract says at most 15 s). */
  heartbeatMs?: number;
};

export function createSseBroadcaster(options: SseOptions) {
  const { bus, replay, logger } = options;
  // One buffer may be shared by both transports; only its creator adds to it, so each article is kept once.
  const ownsRecent = options.recent === undefined;
  const recent = options.recent ?? new RecentArticles();
  const clients = new Set<SseClient>();

  function write(client: SseClient, chunk: string): void {
    if (client.res.writableLength > MAX_BUFFERED_BYTES) {
      clients.delete(client);
      client.res.destroy();
      return;
    }
    client.res.write(chunk);
  }

  const unsubscribe = bus.subscribe((articles) => {
    if (ownsRecent) recent.add(articles);
    for (const article of articles) {
      let encoded: string | undefined;
      for (const client of clients) {
        if (!matchesFilter(article, client.filter)) continue;
        if (client.pending) {
          client.pending.push(article);
          continue;
        }
        encoded ??= formatArticleEvent(article);
        write(client, encoded);
      }
    }
  });

  const heartbeat = setInterval(() => {
    for (const client of clients) write(client, ": keep-alive\n\n");
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  async function replayMissed(client: SseClient, afterId: number): Promise<void> {
    let lastId = afterId;
    try {
      for (let sent = 0; sent < REPLAY_MAX; ) {
        const page = await replay(lastId, client.filter, REPLAY_PAGE);
        if (client.res.destroyed) return;
        for (const article of page) {
          write(client, formatArticleEvent(article));
          lastId = article.id;
        }
        sent += page.length;
        if (page.length < REPLAY_PAGE) break;
      }
    } catch (error) {
      logger.warn({ err: error }, "SSE replay failed; continuing live without it");
    }
    const waiting = [...(client.pending ?? []), ...recent.after(lastId)];
    client.pending = null;
    const seen = new Set<number>();
    for (const article of waiting.sort((a, b) => a.id - b.id)) {
      if (article.id <= lastId || seen.has(article.id) || !matchesFilter(article, client.filter)) continue;
      seen.add(article.id);
      write(client, formatArticleEvent(article));
    }
  }

  /** Handles GET /api/live; returns false for any other request so the caller passes it on. */
  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== SSE_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "application/json", allow: "GET" });
      res.end(JSON.stringify({ error: { code: "method_not_allowed", message: "Use GET for /api/live" } }));
      return true;
    }
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
      res.end();
      return true;
    }
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    res.write("retry: 3000\n: connected\n\n");

    const client: SseClient = { res, filter, pending: afterId === undefined ? null : [] };
    clients.add(client);
    const drop = () => clients.delete(client);
    req.on("close", drop);
    res.on("error", drop);
    if (afterId !== undefined) void replayMissed(client, afterId);
    return true;
  }

  return {
    handle,
    clientCount: () => clients.size,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const client of clients) client.res.end();
      clients.clear();
    },
  };
}
