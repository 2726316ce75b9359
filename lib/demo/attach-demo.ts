// Wires the demo newsroom into a running server: serves its feed on the same port, registers it as a
// source, and after each new story asks the scheduler to fetch it at once (as a WebSub ping would).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { listArticles } from "../db/articles";
import { upsertSourceBySlug } from "../db/sources";
import type { Scheduler } from "../ingest/scheduler";
import { createDemoNewsroom, demoStoryNumber, serveDemoExtras, type DemoNewsroom } from "./demo-newsroom";

const NEWSROOM_SLUG = "demo-newsroom";

/**
 * The highest story number the newsroom published into this database in an earlier run (0 on a fresh one).
 * Among the newest few rather than the newest one: a batch (the five stories a run starts with) may be
 * stored in any order.
 */
async function lastPublishedNumber(): Promise<number> {
  const { articles } = await listArticles({ sourceSlug: NEWSROOM_SLUG, limit: 50 });
  return Math.max(0, ...articles.map((article) => demoStoryNumber(article.url) ?? 0));
}

export type DemoOptions = {
  port: number;
  scheduler: Scheduler;
  logger: Logger;
  pollIntervalSeconds: number;
  everyMs?: number;
  /**
   * Lets the fetch stage reach this one origin although it is on loopback: the feed is served by this very
   * server, so the address policy (which keeps sources off loopback and private networks unless
   * FEED_ALLOW_PRIVATE=1) has nothing to protect here. Every other loopback address stays refused.
   */
  trustOrigin: (origin: string) => void;
};

export async function attachDemoNewsroom(options: DemoOptions) {
  // A restarted demo carries on numbering where the database's newest story left off (see createDemoNewsroom).
  const newsroom = createDemoNewsroom(undefined, await lastPublishedNumber());
  const origin = `http://127.0.0.1:${options.port}`;
  options.trustOrigin(origin);
  for (let i = 0; i < 5; i++) newsroom.publishNext(new Date(Date.now() - (5 - i) * 60_000));
  const sourceId = await upsertSourceBySlug({
    slug: NEWSROOM_SLUG,
    name: "Demo Newsroom",
    feedUrl: `${origin}/demo/feed.xml`,
    siteUrl: `${origin}/demo`,
    category: "world",
    pollIntervalSeconds: options.pollIntervalSeconds,
  });
  // A second outlet carrying every other story in its own words and links, so that the demo's homepage has
  // top stories (events covered by two sources) and story pages, as a real news day does.
  const wireId = await upsertSourceBySlug({
    slug: "demo-wire",
    name: "Demo Wire",
    feedUrl: `${origin}/demo/wire.xml`,
    siteUrl: `${origin}/demo`,
    category: "world",
    pollIntervalSeconds: options.pollIntervalSeconds,
  });
  await options.scheduler.refreshNow(sourceId);
  await options.scheduler.refreshNow(wireId);
  const timer = setInterval(() => {
    const story = newsroom.publishNext();
    options.logger.info({ sourceId, url: `${origin}/demo/feed.xml`, title: story.title }, "demo newsroom published a story");
    void options.scheduler.refreshNow(sourceId);
    void options.scheduler.refreshNow(wireId);
  }, options.everyMs ?? 5_000);
  options.logger.info({ sourceId, url: `${origin}/demo/feed.xml` }, "demo newsroom is publishing every few seconds");

  const serve = createDemoHandler(newsroom, origin, { feeds: true });
  return {
    handle: serve,
    close() {
      clearInterval(timer);
    },
  };
}

/**
 * `npm start` on a database the demo filled: the demo's articles link to pictures and story pages that the
 * demo newsroom serves on this server's own address. Without it every page showing a demo picture logged a
 * failed request (Lighthouse's errors-in-console), and a reader got a broken image. So the demo's pages and
 * pictures up to the last story stored stay served, read-only: no feed, nothing published. Null when the
 * database holds nothing from the demo (the usual case), so a real site serves no /demo paths.
 */
export async function attachDemoArchive(options: { port: number }): Promise<{ handle: (req: IncomingMessage, res: ServerResponse) => boolean; close: () => void } | null> {
  const lastNumber = await lastPublishedNumber();
  if (lastNumber === 0) return null;
  const serve = createDemoHandler(createDemoNewsroom(undefined, lastNumber), `http://127.0.0.1:${options.port}`, { feeds: false });
  return { handle: serve, close() {} };
}

/** The demo's paths on this server: its feeds (only while it publishes), pictures and story pages. */
function createDemoHandler(newsroom: DemoNewsroom, origin: string, options: { feeds: boolean }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (options.feeds && path === "/demo/feed.xml") {
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "no-cache" });
      res.end(newsroom.renderFeed(origin));
      return true;
    }
    if (!options.feeds && path === "/demo/wire.xml") return false;
    if (serveDemoExtras(newsroom, path, origin, res)) return true;
    const story = path.match(/^\/demo\/stories\/(\d+)$/);
    if (story || path === "/demo") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><meta charset="utf-8"><title>Demo Newsroom</title><p>This story was made up on this machine by the Newswire demo newsroom.</p><p><a href="/">Back to Newswire</a></p>`);
      return true;
    }
    return false;
  };
}
