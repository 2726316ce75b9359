// The database side of catching up (both transports), built for the reconnect storm: after a restart every
// reader comes back within seconds, each asking for what it missed since its cursor. Identical requests
// (same cursor, filter, page size and end: typically everyone who had the same newest article) share one
// query and, for a couple of seconds, its answer. A shared answer a little old is safe: it says how far it
// reaches (`upTo`), and the catch-up continues from there (lib/realtime/catch-up.ts).
import type { Article } from "../domain/article";
import type { LiveFilter } from "./events";

/** Articles with afterId < id <= upTo matching `filter`, oldest first, at most `limit`. */
export type QueryArticlesBetween = (afterId: number, upTo: number, filter: LiveFilter, limit: number) => Promise<Article[]>;

export type ReplayPage = {
  articles: Article[];
  /** The page is everything matching up to here when it is shorter than the limit. */
  upTo: number;
  limit: number;
};

export type Replay = ((afterId: number, upTo: number, filter: LiveFilter, limit: number) => Promise<ReplayPage>) & {
  stats(): { queries: number; shared: number };
};

export function createSharedReplay(options: { query: QueryArticlesBetween; shareMs?: number }): Replay {
  const { query } = options;
  const shareMs = options.shareMs ?? 2000;
  const answers = new Map<string, Promise<ReplayPage>>();
  const stats = { queries: 0, shared: 0 };

  const replay = ((afterId: number, upTo: number, filter: LiveFilter, limit: number): Promise<ReplayPage> => {
    // Keyed without upTo: an answer that reaches less far is still a correct start, and says where it ends.
    const key = `${afterId}|${filter.source ?? ""}|${filter.category ?? ""}|${limit}`;
    const shared = answers.get(key);
    if (shared) {
      stats.shared += 1;
      return shared;
    }
    stats.queries += 1;
    const answer = query(afterId, upTo, filter, limit).then((articles) => ({ articles, upTo, limit }));
    answers.set(key, answer);
    answer.then(
      () => setTimeout(() => answers.delete(key), shareMs).unref(),
      // A failed query is not shared beyond the requests already waiting on it.
      () => answers.delete(key),
    );
    return answer;
  }) as Replay;
  replay.stats = () => ({ ...stats });
  return replay;
}
