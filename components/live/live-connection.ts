// The browser's live connection, without React: Socket.IO first, Server-Sent Events at /api/live when
// Socket.IO cannot connect. Either way it tells the server the newest cursor it has (handshake auth and
// `resume` for Socket.IO; `?cursor=` then the browser's own Last-Event-ID for SSE), so nothing published
// while it was away is missed. socket.io-client is imported on demand: it is not in the first-paint bundle.
import type { Article } from "@/lib/domain/article";
import type { Story } from "@/lib/domain/story";
import { matchesFilter, withFilterParams, type ArticleFilter } from "@/lib/domain/live-filter";
import type { Socket } from "socket.io-client";
import {
  SOCKET_PATH,
  SSE_PATH,
  type ClientToServerEvents,
  type LiveHandshakeAuth,
  type ServerToClientEvents,
} from "@/lib/realtime/events";
import { isArticle, isNewerCursor, isStory } from "./live-payload";

export type LiveTransport = "connecting" | "socket" | "sse" | "off";

export type LiveConnectionOptions = {
  filter: ArticleFilter;
  /** Resume after this cursor; undefined: only what is published from now on. */
  cursor: string | undefined;
  /** Articles in ingestion order; those that arrive together (a resume replay) come as one batch. */
  onArticles(articles: Article[]): void;
  onStory(story: Story): void;
  onTransport(transport: LiveTransport): void;
  /** Connected; `again` after an outage. Story updates are not replayed, so a reader of stories refetches. */
  onConnected(again: boolean): void;
};

export type LiveConnection = { close(): void };

/** Give Socket.IO this long for its first connection (after its code has loaded) before switching to SSE. */
const SOCKET_FALLBACK_MS = 4_000;
/** …or this many connection errors in a row before it has ever connected. */
const SOCKET_ERRORS_BEFORE_FALLBACK = 2;
/** Events arriving together (a resume replay) are handed over in one batch. */
const BATCH_MS = 30;
const SSE_RETRY_FIRST_MS = 1_000;
const SSE_RETRY_MAX_MS = 30_000;

export function openLiveConnection(options: LiveConnectionOptions): LiveConnection {
  const { filter } = options;
  let newestCursor = options.cursor;
  let closed = false;
  let everConnected = false;

  let queue: Article[] = [];
  let batchTimer: number | undefined;

  function flush() {
    batchTimer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length > 0 && !closed) options.onArticles(batch);
  }

  function receiveArticle(payload: unknown) {
    if (closed || !isArticle(payload) || !matchesFilter(payload, filter)) return;
    if (isNewerCursor(payload.cursor, newestCursor)) newestCursor = payload.cursor;
    queue.push(payload);
    batchTimer ??= window.setTimeout(flush, BATCH_MS);
  }

  function receiveStory(payload: unknown) {
    if (!closed && isStory(payload)) options.onStory(payload);
  }

  function connected(transport: "socket" | "sse") {
    options.onTransport(transport);
    options.onConnected(everConnected);
    everConnected = true;
  }

  // --- Server-Sent Events (fallback) ---
  let eventSource: EventSource | null = null;
  let sseRetryTimer: number | undefined;
  let sseRetryDelay = SSE_RETRY_FIRST_MS;

  function openSse() {
    if (closed) return;
    const params = withFilterParams(filter, new URLSearchParams(newestCursor === undefined ? {} : { cursor: newestCursor }));
    const query = params.toString();
    const es = new EventSource(query ? `${SSE_PATH}?${query}` : SSE_PATH);
    eventSource = es;
    es.addEventListener("open", () => {
      sseRetryDelay = SSE_RETRY_FIRST_MS;
      connected("sse");
    });
    const parsed = (listener: (payload: unknown) => void) => (event: Event) => {
      try {
        listener(JSON.parse((event as MessageEvent<string>).data));
      } catch {
        // A malformed event is skipped; the next one still counts.
      }
    };
    es.addEventListener("article", parsed(receiveArticle));
    es.addEventListener("story", parsed(receiveStory));
    es.addEventListener("error", () => {
      if (closed) return;
      options.onTransport("connecting");
      // CONNECTING: the browser reconnects by itself and sends Last-Event-ID. CLOSED: it gave up (an HTTP
      // error or a non-SSE response), so reopen from the newest cursor after a back-off.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        if (eventSource === es) eventSource = null;
        sseRetryTimer = window.setTimeout(openSse, sseRetryDelay);
        sseRetryDelay = Math.min(sseRetryDelay * 2, SSE_RETRY_MAX_MS);
      }
    });
  }

  // --- Socket.IO (preferred) ---
  let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  let fallbackTimer: number | undefined;

  let usingSse = false;

  function fallBackToSse() {
    if (closed || usingSse) return;
    usingSse = true;
    window.clearTimeout(fallbackTimer);
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
    options.onTransport("connecting");
    openSse();
  }

  async function openSocket() {
    let io: typeof import("socket.io-client").io;
    try {
      ({ io } = await import("socket.io-client"));
    } catch {
      // Its code could not be loaded (a deploy replaced the chunk, a flaky network): SSE needs none.
      fallBackToSse();
      return;
    }
    if (closed) return;
    let consecutiveErrors = 0;
    const created: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: SOCKET_PATH,
      transports: ["websocket", "polling"],
      // If the WebSocket upgrade is blocked, try long-polling before calling it a failure.
      tryAllTransports: true,
      // A function, so every reconnect hands over the newest cursor, not the one from page load.
      auth: (callback) => {
        const auth: LiveHandshakeAuth = {};
        if (newestCursor !== undefined) auth.cursor = newestCursor;
        if (filter.source) auth.source = filter.source;
        if (filter.category) auth.category = filter.category;
        callback(auth);
      },
    });
    socket = created;
    created.on("connect", () => {
      consecutiveErrors = 0;
      window.clearTimeout(fallbackTimer);
      if (newestCursor !== undefined) created.emit("resume", { cursor: newestCursor });
      connected("socket");
    });
    created.on("connect_error", () => {
      consecutiveErrors += 1;
      // Once Socket.IO has worked on this page, a later outage (network gone, server restarting) hits SSE
      // just the same: keep Socket.IO's own reconnection, which resumes from the newest cursor.
      if (!everConnected && consecutiveErrors >= SOCKET_ERRORS_BEFORE_FALLBACK) fallBackToSse();
    });
    created.on("disconnect", (reason) => {
      if (closed) return;
      options.onTransport("connecting");
      // The server closed us on purpose (e.g. a restart): Socket.IO does not retry that by itself.
      if (reason === "io server disconnect") created.connect();
    });
    created.on("article:new", receiveArticle);
    created.on("story:update", receiveStory);
    fallbackTimer = window.setTimeout(() => {
      if (socket && !socket.connected && !everConnected) fallBackToSse();
    }, SOCKET_FALLBACK_MS);
  }

  options.onTransport("connecting");
  void openSocket();

  return {
    close() {
      closed = true;
      window.clearTimeout(fallbackTimer);
      window.clearTimeout(sseRetryTimer);
      window.clearTimeout(batchTimer);
      queue = [];
      socket?.removeAllListeners();
      socket?.disconnect();
      eventSource?.close();
    },
  };
}
