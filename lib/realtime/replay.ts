// Replays for reconnecting clients (both transports), built for the reconnect storm: after a restart every
// client comes back within seconds, each asking for what it missed since its cursor. One database query
// per client (1–2.5 ms of CPU each) queued 5,000 of them and kept a fifth of the clients waiting over 10 s.
// - A client whose cursor is at or above the newest article stored when the server started can only have
//   missed articles published since, which are all in memory (RecentArticles): no query at all.
// - Identical requests (same cursor, filter and page size: typically everyone who had the newest article)
//   share one query and, for a couple of seconds, its answer. A shared answer a little old is safe: the
//   transports always follow the replay with what is in memory after its last article, before going live.
import type { Article } from "../domain/article";
import type { RecentArticles } from "./bus";
import type { LiveFilter } from "./events";
import { matchesFilter } from "./filter";

export type ReplayArticles = (afterId: number, filter: LiveFilter, limit: number) => Promise<Article[]>;

export type SharedReplayOptions = {
  /** The database query: articles with an id above `afterId` matching `filter`, oldest first. */
  query: ReplayArticles;
  recent: RecentArticles;
  /** How long an answer is shared with identical requests after it arrives. */
  shareMs?: number;
};

export type SharedReplay = ReplayArticles & { stats(): { fromMemory: number; queries: number; shared: number } };

export function createSharedReplay(options: SharedReplayOptions): SharedReplay {
  const { query, recent } = options;
  const shareMs = options.shareMs ?? 2000;
  const answers = new Map<string, Promise<Article[]>>();
  const stats = { fromMemory: 0, queries: 0, shared: 0 };

  const replay = (async (afterId: number, filter: LiveFilter, limit: number): Promise<Article[]> => {
    if (recent.covers(afterId)) {
      stats.fromMemory += 1;
      const missed: Article[] = [];
      for (const article of recent.after(afterId)) {
        if (!matchesFilter(article, filter)) continue;
        missed.push(article);
        if (missed.length === limit) break;
      }
      return missed;
    }
    const key = `${afterId}|${filter.source ?? ""}|${filter.category ?? ""}|${limit}`;
    const shared = answers.get(key);
    if (shared) {
      stats.shared += 1;
      return shared;
    }
    stats.queries += 1;
    const answer = query(afterId, filter, limit);
    answers.set(key, answer);
    answer.then(
      () => setTimeout(() => answers.delete(key), shareMs).unref(),
      // A failed query is not shared beyond the requests already waiting on it.
      () => answers.delete(key),
    );
    return answer;
  }) as SharedReplay;
  replay.stats = () => ({ ...stats });
  return replay;
}
