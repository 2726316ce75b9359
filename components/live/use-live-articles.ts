"use client";
// The live article list's hook: wires the shared live connection (live-hub.ts) to the list's reducer
// (article-list-state.ts), announces arrivals politely, and loads older pages. Transports, resume and
// reconnects are the connection's business, not this hook's.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { Article } from "@/lib/domain/article";
import { encodeCursor } from "@/lib/domain/cursor";
import { withFilterParams, type ArticleFilter } from "@/lib/domain/live-filter";
import { articleListReducer, initialArticleList } from "./article-list-state";
import type { LiveTransport } from "./live-connection";
import { subscribeLive } from "./live-hub";
import { isArticle } from "./live-payload";
import { createThrottledAnnouncer, type ThrottledAnnouncer } from "./throttled-announcer";

export type { LiveTransport };
export type LoadState = "idle" | "loading" | "error";

/**
 * Screen readers hear about new articles at most this often: the demo, like a busy wire, publishes every few
 * seconds, and a sentence every few seconds would drown out what the reader is reading.
 */
const ANNOUNCE_INTERVAL_MS = 60_000;
const PAGE_SIZE = 30;

export type UseLiveArticlesOptions = {
  initialArticles: Article[];
  initialNextCursor: string | null;
  filter?: ArticleFilter;
  /** false: a static list (older pages); no connection is opened. */
  live?: boolean;
  /**
   * Asked at each arrival: true when new articles may go straight into the list because the insertion point
   * (the list's top) is below the viewport, so inserting moves nothing the reader sees. Otherwise they are held
   * for the new-stories bar (docs/decisions/0017).
   */
  insertsUnseen: () => boolean;
};

export function useLiveArticles({ initialArticles, initialNextCursor, filter = {}, live = true, insertsUnseen }: UseLiveArticlesOptions) {
  const [state, dispatch] = useReducer(articleListReducer, undefined, () => initialArticleList(initialArticles, initialNextCursor));
  const [transport, setTransport] = useState<LiveTransport>(live ? "connecting" : "off");
  const [announcement, setAnnouncement] = useState("");
  const [loadState, setLoadState] = useState<LoadState>("idle");
  const loading = useRef(false);
  const { source, category } = filter;
  // With an empty list, cursor 0 means "everything from the start" (within the filter).
  const startCursor = initialArticles[0]?.cursor ?? encodeCursor(0);
  // The latest measuring function, without reopening the subscription when the component re-renders.
  const insertsUnseenRef = useRef(insertsUnseen);
  useEffect(() => {
    insertsUnseenRef.current = insertsUnseen;
  });

  useEffect(() => {
    if (!live) return;
    return subscribeLive({
      filter: { source, category },
      cursor: startCursor,
      onArticles: (articles) => dispatch({ type: "arrived", articles, insert: insertsUnseenRef.current() }),
      onTransport: setTransport,
    });
    // The list is remounted for another filter or first page (live-article-list.tsx): startCursor is fixed.
  }, [live, source, category]);

  const announcer = useRef<ThrottledAnnouncer<number> | null>(null);
  useEffect(() => {
    const created = createThrottledAnnouncer<number>(ANNOUNCE_INTERVAL_MS, (counts) => {
      const n = counts.reduce((sum, count) => sum + count, 0);
      return `${n} new ${n === 1 ? "story" : "stories"}`;
    }, setAnnouncement);
    announcer.current = created;
    return () => created.close();
  }, []);
  const announced = useRef(0);
  useEffect(() => {
    const delta = state.arrivals - announced.current;
    announced.current = state.arrivals;
    if (delta > 0) announcer.current?.add([delta]);
  }, [state.arrivals]);

  const revealPending = useCallback(() => dispatch({ type: "reveal" }), []);

  const nextCursor = state.nextCursor;
  const loadMore = useCallback(async () => {
    if (nextCursor === null || loading.current) return;
    loading.current = true;
    setLoadState("loading");
    try {
      const params = withFilterParams({ source, category }, new URLSearchParams({ cursor: nextCursor, limit: String(PAGE_SIZE) }));
      const response = await fetch(`/api/articles?${params}`, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`GET /api/articles answered ${response.status}`);
      const body: unknown = await response.json();
      const page = (typeof body === "object" && body !== null ? body : {}) as { articles?: unknown; nextCursor?: unknown };
      dispatch({
        type: "older",
        after: nextCursor,
        articles: Array.isArray(page.articles) ? page.articles.filter(isArticle) : [],
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
    newestPending: state.pending[0] ?? null,
    fresh: state.fresh,
    nextCursor,
    transport,
    announcement,
    loadState,
    loadMore,
    revealPending,
  };
}
