"use client";
// The live list's state and transports. Socket.IO first; Server-Sent Events at /api/live when Socket.IO
// cannot connect. Either way the client tells the server the newest cursor it has, so nothing published
// while it was away is missed, and it dedupes by id, so a story replayed twice shows once.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { Article } from "@/lib/domain/article";
import { encodeCursor, tryDecodeCursor } from "@/lib/domain/cursor";
import {
  SOCKET_PATH,
  SSE_PATH,
  type ClientToServerEvents,
  type LiveFilter,
  type LiveHandshakeAuth,
  type ServerToClientEvents,
} from "@/lib/realtime/events";

export type LiveTransport = "connecting" | "socket" | "sse" | "off";
export type LoadState = "idle" | "loading" | "error";

/** Below this scroll offset the reader is "at the top" and new stories go straight in. */
export const AT_TOP_PX = 200;
/** Give Socket.IO this long for its first connection before switching to SSE. */
const SOCKET_FALLBACK_MS = 4_000;
/** …or this many connection errors in a row before it has ever connected. */
const SOCKET_ERRORS_BEFORE_FALLBACK = 2;
/** Screen readers hear about new stories at most this often. */
const ANNOUNCE_INTERVAL_MS = 10_000;
/** Live inserts trim the list to this many; "Load more" brings older ones back. */
const MAX_LIVE_ITEMS = 200;
/** Events arriving together (a resume replay) are merged in one render. */
const BATCH_MS = 30;
const PAGE_SIZE = 30;

type State = {
  articles: Article[];
  /** Arrived while the reader was scrolled down: newest first, shown by the "N new stories" button. */
  pending: Article[];
  nextCursor: string | null;
  /** Ids inserted by the last live insert (they get a short highlight). */
  fresh: ReadonlySet<number>;
};

type Action =
  | { type: "arrived"; articles: Article[]; atTop: boolean }
  | { type: "reveal" }
  | { type: "older"; after: string; articles: Article[]; nextCursor: string | null };

function insertAtTop(state: State, newestFirst: Article[]): State {
  let articles = [...newestFirst, ...state.articles];
  let nextCursor = state.nextCursor;
  if (articles.length > MAX_LIVE_ITEMS) {
    articles = articles.slice(0, MAX_LIVE_ITEMS);
    // "Load more" continues right after the last story kept.
    nextCursor = articles[articles.length - 1].cursor;
  }
  return { articles, pending: [], nextCursor, fresh: new Set(newestFirst.map((article) => article.id)) };
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "arrived": {
      const known = new Set<number>();
      for (const article of state.articles) known.add(article.id);
      for (const article of state.pending) known.add(article.id);
      const incoming: Article[] = [];
      // Events come oldest first; the list is newest first.
      for (const article of action.articles) {
        if (known.has(article.id)) continue;
        known.add(article.id);
        incoming.unshift(article);
      }
      if (incoming.length === 0) return state;
      const pending = [...incoming, ...state.pending];
      return action.atTop ? insertAtTop(state, pending) : { ...state, pending };
    }
    case "reveal":
      return state.pending.length === 0 ? state : insertAtTop(state, state.pending);
    case "older": {
      // A live insert trimmed the list meanwhile: this page no longer follows on; drop it.
      if (state.nextCursor !== action.after) return state;
      const known = new Set(state.articles.map((article) => article.id));
      const older = action.articles.filter((article) => !known.has(article.id));
      return { ...state, articles: [...state.articles, ...older], nextCursor: action.nextCursor };
    }
  }
}

function isArticle(value: unknown): value is Article {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Article>;
  return (
    typeof candidate.id === "number" &&
    typeof candidate.cursor === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.path === "string" &&
    typeof candidate.source === "object" &&
    candidate.source !== null
  );
}

function matchesFilter(article: Article, filter: LiveFilter): boolean {
  if (filter.source && article.source.slug !== filter.source) return false;
  if (filter.category && article.category !== filter.category) return false;
  return true;
}

function filterParams(filter: LiveFilter, params: URLSearchParams): URLSearchParams {
  if (filter.source) params.set("source", filter.source);
  if (filter.category) params.set("category", filter.category);
  return params;
}

function isNewer(candidate: string, current: string): boolean {
  const a = tryDecodeCursor(candidate);
  const b = tryDecodeCursor(current);
  // Cursors are opaque; when either is not one we can order, trust arrival order (the server sends in order).
  return a === undefined || b === undefined || a > b;
}

export type UseLiveArticlesOptions = {
  initialArticles: Article[];
  initialNextCursor: string | null;
  filter?: LiveFilter;
  /** false: a static list (older pages); no connection is opened. */
  live?: boolean;
};

export function useLiveArticles({ initialArticles, initialNextCursor, filter = {}, live = true }: UseLiveArticlesOptions) {
  const [state, dispatch] = useReducer(reducer, undefined, () => ({
    articles: initialArticles,
    pending: [],
    nextCursor: initialNextCursor,
    fresh: new Set<number>(),
  }));
  const [transport, setTransport] = useState<LiveTransport>(live ? "connecting" : "off");
  const [announcement, setAnnouncement] = useState("");
  const [loadState, setLoadState] = useState<LoadState>("idle");

  const { source, category } = filter;
  const seenIds = useRef<Set<number> | null>(null);
  seenIds.current ??= new Set(initialArticles.map((article) => article.id));
  // The newest story this client has (shown or pending): what it asks the server to resume after.
  // With an empty list, cursor 0 means "everything from the start" (within the filter).
  const newestCursor = useRef<string>(initialArticles[0]?.cursor ?? encodeCursor(0));
  const lastAnnouncedAt = useRef(0);
  const loading = useRef(false);

  useEffect(() => {
    if (!live) return;
    const seen = seenIds.current!;
    const liveFilter: LiveFilter = { source, category };
    let disposed = false;

    // Batching: a resume can replay many stories; merge those that arrive together into one render.
    let queue: Article[] = [];
    let batchTimer: number | undefined;
    // Announcements: counted, then spoken at most once per ANNOUNCE_INTERVAL_MS.
    let unannounced = 0;
    let announceTimer: number | undefined;
    let toggle = false;

    function announce(count: number) {
      unannounced += count;
      if (announceTimer !== undefined) return;
      const wait = Math.max(0, lastAnnouncedAt.current + ANNOUNCE_INTERVAL_MS - Date.now());
      announceTimer = window.setTimeout(() => {
        announceTimer = undefined;
        const n = unannounced;
        unannounced = 0;
        if (n === 0) return;
        lastAnnouncedAt.current = Date.now();
        // A trailing no-break space alternates so that the same sentence twice is still a change to announce.
        toggle = !toggle;
        setAnnouncement(`${n} new ${n === 1 ? "story" : "stories"}${toggle ? "" : "\u00a0"}`);
      }, wait);
    }

    function flush() {
      batchTimer = undefined;
      const batch = queue;
      queue = [];
      if (batch.length === 0) return;
      dispatch({ type: "arrived", articles: batch, atTop: window.scrollY <= AT_TOP_PX });
      announce(batch.length);
    }

    function receive(article: unknown) {
      if (disposed || !isArticle(article) || !matchesFilter(article, liveFilter)) return;
      if (isNewer(article.cursor, newestCursor.current)) newestCursor.current = article.cursor;
      if (seen.has(article.id)) return;
      seen.add(article.id);
      queue.push(article);
      batchTimer ??= window.setTimeout(flush, BATCH_MS);
    }

    // --- Server-Sent Events (fallback) ---
    let eventSource: EventSource | null = null;
    let sseRetryTimer: number | undefined;
    let sseRetryDelay = 1_000;

    function openSse() {
      if (disposed) return;
      const params = filterParams(liveFilter, new URLSearchParams({ cursor: newestCursor.current }));
      const es = new EventSource(`${SSE_PATH}?${params}`);
      eventSource = es;
      es.addEventListener("open", () => {
        sseRetryDelay = 1_000;
        setTransport("sse");
      });
      es.addEventListener("article", (event) => {
        try {
          receive(JSON.parse((event as MessageEvent<string>).data));
        } catch {
          // A malformed event is skipped; the next one still counts.
        }
      });
      es.addEventListener("error", () => {
        if (disposed) return;
        setTransport("connecting");
        // CONNECTING: the browser reconnects by itself and sends Last-Event-ID. CLOSED: it gave up
        // (an HTTP error or a non-SSE response), so reopen from the newest cursor after a back-off.
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          if (eventSource === es) eventSource = null;
          sseRetryTimer = window.setTimeout(openSse, sseRetryDelay);
          sseRetryDelay = Math.min(sseRetryDelay * 2, 30_000);
        }
      });
    }

    // --- Socket.IO (preferred) ---
    let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
    let consecutiveErrors = 0;
    let everConnected = false;

    function fallBackToSse() {
      if (disposed || socket === null) return;
      window.clearTimeout(fallbackTimer);
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
      setTransport("connecting");
      openSse();
    }

    socket = io({
      path: SOCKET_PATH,
      transports: ["websocket", "polling"],
      // If the WebSocket upgrade is blocked, try long-polling before calling it a failure.
      tryAllTransports: true,
      // A function, so every reconnect hands over the newest cursor, not the one from page load.
      auth: (callback) => {
        const auth: LiveHandshakeAuth = { cursor: newestCursor.current };
        if (liveFilter.source) auth.source = liveFilter.source;
        if (liveFilter.category) auth.category = liveFilter.category;
        callback(auth);
      },
    });
    socket.on("connect", () => {
      everConnected = true;
      consecutiveErrors = 0;
      window.clearTimeout(fallbackTimer);
      setTransport("socket");
      socket?.emit("resume", { cursor: newestCursor.current });
    });
    socket.on("connect_error", () => {
      consecutiveErrors += 1;
      // Once Socket.IO has worked on this page, a later outage (network gone, server restarting) hits SSE
      // just the same: keep Socket.IO's own reconnection, which resumes from the newest cursor.
      if (!everConnected && consecutiveErrors >= SOCKET_ERRORS_BEFORE_FALLBACK) fallBackToSse();
    });
    socket.on("disconnect", (reason) => {
      if (disposed) return;
      setTransport("connecting");
      // The server closed us on purpose (e.g. a restart): Socket.IO does not retry that by itself.
      if (reason === "io server disconnect") socket?.connect();
    });
    socket.on("article:new", receive);
    const fallbackTimer = window.setTimeout(() => {
      if (socket && !socket.connected) fallBackToSse();
    }, SOCKET_FALLBACK_MS);

    return () => {
      disposed = true;
      window.clearTimeout(fallbackTimer);
      window.clearTimeout(sseRetryTimer);
      window.clearTimeout(batchTimer);
      window.clearTimeout(announceTimer);
      // Queued but never shown: forget them so a remount (React's dev double-mount) takes them again.
      for (const article of queue) seen.delete(article.id);
      socket?.removeAllListeners();
      socket?.disconnect();
      eventSource?.close();
    };
  }, [live, source, category]);

  const revealPending = useCallback(() => dispatch({ type: "reveal" }), []);

  const nextCursor = state.nextCursor;
  const loadMore = useCallback(async () => {
    if (nextCursor === null || loading.current) return;
    loading.current = true;
    setLoadState("loading");
    try {
      const params = filterParams({ source, category }, new URLSearchParams({ cursor: nextCursor, limit: String(PAGE_SIZE) }));
      const response = await fetch(`/api/articles?${params}`, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`GET /api/articles answered ${response.status}`);
      const body: unknown = await response.json();
      const page = (typeof body === "object" && body !== null ? body : {}) as { articles?: unknown; nextCursor?: unknown };
      const older = Array.isArray(page.articles) ? page.articles.filter(isArticle) : [];
      for (const article of older) seenIds.current!.add(article.id);
      dispatch({
        type: "older",
        after: nextCursor,
        articles: older,
        nextCursor: typeof page.nextCursor === "string" ? page.nextCursor : null,
      });
      setLoadState("idle");
    } catch {
      setLoadState("error");
    } finally {
      loading.current = false;
    }
  }, [nextCursor, source, category]);

  return {
    articles: state.articles,
    pendingCount: state.pending.length,
    fresh: state.fresh,
    nextCursor,
    transport,
    announcement,
    loadState,
    loadMore,
    revealPending,
  };
}
