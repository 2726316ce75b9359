// What the database tells this instance about changes made by others. On PostgreSQL (possibly several
// instances) a dedicated session LISTENs for them; on SQLite there is only this process, which knows its own
// changes. Also where a second instance without REDIS_URL is refused (lib/db/database-session.ts).
import type { Logger } from "pino";
import { NEW_ARTICLES_CHANNEL } from "../db/articles";
import { databaseKind } from "../db/database-url";
import { openDatabaseSession } from "../db/database-session";
import { SOURCES_CHANNEL } from "../db/sources";

export type DatabaseEventsOptions = {
  databaseUrl: string;
  /** True when this instance runs with REDIS_URL (one of possibly several). */
  clustered: boolean;
  logger: Logger;
  /** Some instance stored articles (or notifications may have been missed): read what is new. */
  onArticlesStored: () => void;
  /** Some instance added or removed sources (or notifications may have been missed). */
  onSourcesChanged: () => void;
};

export async function openDatabaseEvents(options: DatabaseEventsOptions): Promise<{ close(): Promise<void> }> {
  if (databaseKind(options.databaseUrl) !== "postgresql") return { close: async () => undefined };
  return openDatabaseSession({
    url: options.databaseUrl,
    mode: options.clustered ? "cluster" : "alone",
    channels: [NEW_ARTICLES_CHANNEL, SOURCES_CHANNEL],
    onNotification: (channel) => {
      if (channel === NEW_ARTICLES_CHANNEL) options.onArticlesStored();
      else if (channel === SOURCES_CHANNEL) options.onSourcesChanged();
    },
    onReconnected: () => {
      options.onArticlesStored();
      options.onSourcesChanged();
    },
    logger: options.logger,
  });
}
