// What the database tells this instance about changes made by others, and the site-wide roles instances
// compete for. On PostgreSQL (possibly several instances) a dedicated session LISTENs and holds the roles'
// locks; on SQLite there is only this process, which knows its own changes and holds every role. Also where a
// second instance without REDIS_URL is refused (lib/db/database-session.ts).
import type { Logger } from "pino";
import { NEW_ARTICLES_CHANNEL } from "../db/article-writes";
import { databaseKind } from "../db/database-url";
import { openDatabaseSession, type Leadership } from "../db/database-session";
import { SOURCES_CHANNEL } from "../db/sources";
import { STORIES_CHANNEL } from "../db/stories";

export type DatabaseEventsOptions = {
  databaseUrl: string;
  /** True when this instance runs with REDIS_URL (one of possibly several). */
  clustered: boolean;
  logger: Logger;
  /**
   * Some instance stored articles, up to `newestId` (undefined: notifications may have been missed): read
   * what is new.
   */
  onArticlesStored: (newestId?: number) => void;
  /** Some instance added or removed sources (or notifications may have been missed). */
  onSourcesChanged: () => void;
  /** The story desk changed these stories (undefined: notifications may have been missed). */
  onStoriesChanged: (storyIds: number[] | undefined) => void;
};

export type DatabaseEvents = {
  /** A site-wide role; undefined means this instance always holds it (SQLite: the only instance). */
  leadership(lockKey: number): Leadership | undefined;
  /** True when changes reach every instance through notifications (including this one's own). */
  readonly notifies: boolean;
  close(): Promise<void>;
};

function parseIds(payload: string): number[] | undefined {
  try {
    const ids = JSON.parse(payload) as unknown;
    return Array.isArray(ids) && ids.every((id) => Number.isInteger(id)) ? (ids as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest id an insert notified (articles.ts sends it as text); undefined if it is not one. */
function parseNewestId(payload: string): number | undefined {
  const id = Number(payload);
  return payload !== "" && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export async function openDatabaseEvents(options: DatabaseEventsOptions): Promise<DatabaseEvents> {
  if (databaseKind(options.databaseUrl) !== "postgresql") return { leadership: () => undefined, notifies: false, close: async () => undefined };
  const session = await openDatabaseSession({
    url: options.databaseUrl,
    mode: options.clustered ? "cluster" : "alone",
    channels: [NEW_ARTICLES_CHANNEL, SOURCES_CHANNEL, STORIES_CHANNEL],
    onNotification: (channel, payload) => {
      if (channel === NEW_ARTICLES_CHANNEL) options.onArticlesStored(parseNewestId(payload));
      else if (channel === SOURCES_CHANNEL) options.onSourcesChanged();
      else if (channel === STORIES_CHANNEL) options.onStoriesChanged(parseIds(payload));
    },
    onReconnected: () => {
      options.onArticlesStored();
      options.onSourcesChanged();
      options.onStoriesChanged(undefined);
    },
    logger: options.logger,
  });
  return { leadership: (key) => session.leadership(key), notifies: true, close: () => session.close() };
}
