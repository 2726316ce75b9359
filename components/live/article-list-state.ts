// The live article list as a pure reducer: live arrivals (deduped by id, newest first), the ones held back
// while the list's top is where the reader can see it or has scrolled past it (docs/decisions/0017), and older
// pages. No React, no timers, no DOM: the hook measures and feeds it.
import type { Article } from "@/lib/domain/article";

/** Live inserts trim the list to this many; "Load more" brings older ones back. */
export const MAX_LIVE_ITEMS = 200;

export type ArticleListState = {
  articles: Article[];
  /** Arrived while inserting would have moved what the reader sees: newest first, shown in the new-stories bar. */
  pending: Article[];
  nextCursor: string | null;
  /** Ids inserted by the last live insert (they get a short highlight). */
  fresh: ReadonlySet<number>;
  /** How many new articles have arrived live in all (shown or pending): what announcements count. */
  arrivals: number;
};

export type ArticleListAction =
  /**
   * Articles in ingestion order (oldest first), as the connection hands them over. `insert`: the list's top is
   * below the viewport, so they (and any held ones) go straight in without moving anything the reader sees.
   */
  | { type: "arrived"; articles: Article[]; insert: boolean }
  | { type: "reveal" }
  | { type: "older"; after: string; articles: Article[]; nextCursor: string | null };

export function initialArticleList(articles: Article[], nextCursor: string | null): ArticleListState {
  return { articles, pending: [], nextCursor, fresh: new Set(), arrivals: 0 };
}

function insertAtTop(state: ArticleListState, newestFirst: Article[]): ArticleListState {
  let articles = [...newestFirst, ...state.articles];
  let nextCursor = state.nextCursor;
  if (articles.length > MAX_LIVE_ITEMS) {
    articles = articles.slice(0, MAX_LIVE_ITEMS);
    // "Load more" continues right after the last article kept.
    nextCursor = articles[articles.length - 1].cursor;
  }
  return { ...state, articles, pending: [], nextCursor, fresh: new Set(newestFirst.map((article) => article.id)) };
}

export function articleListReducer(state: ArticleListState, action: ArticleListAction): ArticleListState {
  switch (action.type) {
    case "arrived": {
      const known = new Set<number>();
      for (const article of state.articles) known.add(article.id);
      for (const article of state.pending) known.add(article.id);
      const incoming: Article[] = [];
      for (const article of action.articles) {
        if (known.has(article.id)) continue;
        known.add(article.id);
        incoming.unshift(article);
      }
      if (incoming.length === 0) return state;
      const pending = [...incoming, ...state.pending];
      const counted = { ...state, arrivals: state.arrivals + incoming.length };
      return action.insert ? insertAtTop(counted, pending) : { ...counted, pending };
    }
    case "reveal":
      return state.pending.length === 0 ? state : insertAtTop(state, state.pending);
    case "older": {
      // A live insert trimmed the list meanwhile: this page no longer follows on; drop it.
      if (state.nextCursor !== action.after) return state;
      const known = new Set(state.articles.map((article) => article.id));
      for (const article of state.pending) known.add(article.id);
      const older = action.articles.filter((article) => !known.has(article.id));
      return { ...state, articles: [...state.articles, ...older], nextCursor: action.nextCursor };
    }
  }
}
