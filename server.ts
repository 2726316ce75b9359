// Composition root: env → migrations/seed → build → next.prepare → one HTTP server with Next, Socket.IO and
// SSE → ingestion scheduler → graceful shutdown. Nothing else in the code base starts work on import.
import { EventEmitter } from "node:events";
import http from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { parseEnv, EnvError, type Env } from "./lib/env";
import type { Article } from "./lib/domain/article";
import { createLogger } from "./lib/log";
import { applyMigrations } from "./lib/boot/migrate";
import { ensureBuild } from "./lib/boot/ensure-build";
import { configureDb, disconnectDb } from "./lib/db/client";
import { getArticlesAfter, getArticlesBetween, getLatestSequence } from "./lib/queries/articles";
import { seedDefaultSources } from "./prisma/seed";
import { attachLiveDelivery } from "./lib/realtime/live-delivery";
import { createLiveLimits } from "./lib/realtime/live-limits";
import { SOCKET_PATH } from "./lib/realtime/events";
import { openDatabaseEvents } from "./lib/boot/database-events";
import { releaseStaleLeases } from "./lib/boot/stale-leases";
import { InstanceConflictError } from "./lib/db/database-session";
import { notifySourcesChanged } from "./lib/db/sources";
import { connectRedis, RedisUnavailableError } from "./lib/cluster/redis";
import { createSharedHostSlots } from "./lib/cluster/host-slots";
import { createSharedConnectionCounts } from "./lib/cluster/connection-counts";
import { startScheduler } from "./lib/ingest/scheduler";
import { ingestFeedBody } from "./lib/ingest/refresh-source";
import { createWebSubManager } from "./lib/ingest/websub";
import { createStoryDesk } from "./lib/ingest/story-desk";
import { StoryMatcher } from "./lib/domain/story-matching/story-matcher";
import { notifyStoriesChanged, STORY_DESK_LOCK } from "./lib/db/stories";
import { getPublicStoriesByIds } from "./lib/queries/stories";
import { closeFeedConnections } from "./lib/ingest/fetch";
import { createSeenItems } from "./lib/ingest/seen-items";
import { createParsePool } from "./lib/ingest/parse-pool/pool";
import { onThisThread } from "./lib/ingest/parse-pool/processor";
import { registerRuntime } from "./lib/runtime";
import { createMetrics } from "./lib/metrics";
import { attachDemoArchive, attachDemoNewsroom } from "./lib/demo/attach-demo";
import { createPageCache } from "./lib/http/page-cache";
import { createRequestGate, HTTP_SERVER_OPTIONS } from "./lib/http/request-gate";
import { createSecurityHeaders } from "./lib/http/security-headers";
import { createAdminRateLimiter, registerAdminRateLimiter } from "./lib/http/admin-rate-limit";
import { clientLimitKey, resolveClientAddress } from "./lib/http/client-address";
import { gatherIds } from "./lib/realtime/gathered-ids";
import { THEME_INIT_SCRIPT } from "./components/ui/theme";

function readEnvOrExit(): Env {
  try {
    return parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const env = readEnvOrExit();
  // Prisma's CLI and client read it from the environment; make the default explicit for both.
  process.env.DATABASE_URL = env.databaseUrl;
  const logger = createLogger(env.logLevel);
  const dev = env.nodeEnv !== "production";

  await applyMigrations(env.databaseUrl);
  await configureDb();
  if (env.seed) {
    const seeded = await seedDefaultSources(env.pollIntervalSeconds);
    if (seeded > 0) logger.info({ seeded }, "empty database: seeded the default sources");
  }
  if (!dev) await ensureBuild((message) => logger.info(message));

  // Next attaches its own upgrade listener (dev HMR) to whatever server it finds on the first request. Handing
  // it a stand-in keeps that listener off the real server, so each upgrade is routed once, explicitly, below
  // (docs/decisions/0002). (`app.getUpgradeHandler()` is a no-op on a custom server in Next 16.)
  const nextUpgradeStandIn = new EventEmitter() as unknown as http.Server;
  const app = next({ dev, dir: process.cwd(), hostname: env.host ?? "localhost", port: env.port, httpServer: nextUpgradeStandIn });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  // With REDIS_URL: what several instances coordinate through (lib/cluster). A wrong URL stops the start.
  const redis = env.redisUrl ? await connectRedis({ url: env.redisUrl, prefix: env.redisPrefix, logger }) : undefined;
  const metrics = createMetrics();
  const pageCache = createPageCache({ publicHost: new URL(env.publicUrl).host });
  const sharedConnectionCounts = redis ? createSharedConnectionCounts({ redis, logger }) : undefined;
  const limits = createLiveLimits({
    perAddress: env.liveMaxPerIp,
    total: env.liveMaxConnections,
    // Counted per client: an IPv6 client by its /64 (clientLimitKey), or it could open its cap from each address.
    addressOf: (req) => clientLimitKey(resolveClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], env.trustProxy)),
    shared: sharedConnectionCounts,
  });
  // Request ids, client addresses, body/URL bounds, foreign server actions, API 404/405 (lib/http/request-gate.ts).
  const gate = createRequestGate({ trustedProxies: env.trustProxy });
  const securityHeaders = createSecurityHeaders({ publicUrl: env.publicUrl, inlineScripts: [THEME_INIT_SCRIPT], dev });
  registerAdminRateLimiter(createAdminRateLimiter({ redis: redis?.client, keyPrefix: redis ? redis.key("admin-auth") : "newswire:admin-auth" }));

  let demo: { handle: (req: http.IncomingMessage, res: http.ServerResponse) => boolean; close: () => void } | null | undefined;
  // Set by SIGTERM: health says 503 from then on, so a load balancer takes this instance out while it still
  // serves what it is sent (see shutdown below).
  let draining = false;
  const server = http.createServer(HTTP_SERVER_OPTIONS, (req, res) => {
    if (draining && answerDraining(req, res)) return;
    if (gate.handle(req, res)) return;
    if (live.sse.handle(req, res)) return;
    if (req.url === "/metrics" && req.method === "GET") {
      metrics.liveClients.set({ transport: "socket.io" }, live.socket.connectedCount());
      metrics.liveClients.set({ transport: "sse" }, live.sse.clientCount());
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (demo?.handle(req, res)) return;
    if (pageCache.handle(req, res)) return;
    securityHeaders.apply(req, res);
    void handleNext(req, res);
  });
  server.keepAliveTimeout = 65_000;

  // Nothing is stored by this process before the scheduler starts below; what other instances store from
  // now on is delivered by the feed, which starts after the newest article stored so far.
  const live = attachLiveDelivery(server, {
    startAfter: await getLatestSequence(),
    readAfter: getArticlesAfter,
    queryBetween: getArticlesBetween,
    limits,
    logger,
  });
  /**
   * Stories whose coverage changed (on PostgreSQL every instance hears of it): tell this instance's readers,
   * gathered over half a second so that a burst of coverage costs one read and one message per story.
   */
  const storyUpdates = gatherIds(STORY_UPDATE_GATHER_MS, async (ids) => {
    // No reader here, nothing to read: an update carries up to 50 articles per story.
    if (live.readerCount() === 0) return;
    try {
      live.publishStories(await getPublicStoriesByIds(ids));
    } catch (error) {
      logger.warn({ err: error }, "could not send story updates to live readers");
    }
  });
  function storiesChanged(ids: number[] | undefined): void {
    pageCache.invalidate();
    if (ids) storyUpdates.add(ids);
  }
  // Other instances' inserts (PostgreSQL notifications) wake the feed; SQLite has one instance.
  const databaseEvents = await openDatabaseEvents({
    databaseUrl: env.databaseUrl,
    clustered: redis !== undefined,
    logger,
    onArticlesStored: (newestId) => live.feed.wake(newestId),
    onSourcesChanged: () => pageCache.invalidate(),
    onStoriesChanged: (ids) => storiesChanged(ids),
  });

  // One desk decides stories for the whole site (docs/decisions/0010); on SQLite, this instance's.
  const storyDesk = createStoryDesk({
    logger,
    createMatcher: () => new StoryMatcher(),
    leadership: databaseEvents.leadership(STORY_DESK_LOCK),
    onStoriesChanged: (ids) => {
      if (!databaseEvents.notifies) storiesChanged(ids);
      else notifyStoriesChanged(ids).catch((error) => logger.warn({ err: error }, "could not tell the instances which stories changed"));
    },
  });
  live.feed.subscribe((articles) => {
    metrics.articlesDelivered.inc(articles.length);
    pageCache.invalidate();
    storyDesk.articlesStored();
  });
  storyDesk.articlesStored();
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // engine.io handles its own path (destroyUpgrade: false makes it leave the rest alone).
    if (req.url?.startsWith(`${SOCKET_PATH}/`)) return;
    if (nextUpgradeStandIn.listenerCount("upgrade") > 0) nextUpgradeStandIn.emit("upgrade", req, socket, head);
    else socket.destroy();
  });

  /** This process stored new articles: the feed reads and delivers them (in cursor order, with any others). */
  function articlesStored(articles: Article[]): void {
    metrics.articlesIngested.inc(articles.length);
    live.feed.wake();
  }

  // Alone on the database (SQLite, or PostgreSQL without Redis: openDatabaseEvents holds the exclusive
  // instance lock by now), every lease found is a killed predecessor's: its sources are checked at once.
  if (!redis) {
    const released = await releaseStaleLeases();
    if (released > 0) logger.info({ released }, "released the check leases a stopped process left behind");
  }

  const websub = createWebSubManager({ publicUrl: env.publicUrl, allowPrivate: env.feedAllowPrivate, logger });
  const seenItems = createSeenItems();
  // Parse and normalize (+ sanitize) in worker threads: a big feed must not hold the event loop (threads start
  // with the first feed). PARSE_THREADS=0 keeps them on the event loop (the bench's baseline).
  const parsePool = env.parseThreads === 0 ? undefined : createParsePool({ threads: env.parseThreads });
  // Feeds this server serves itself (the demo newsroom), fetched on loopback whatever FEED_ALLOW_PRIVATE says.
  const ownFeedOrigins = new Set<string>();
  const scheduler = startScheduler({
    context: { allowPrivate: env.feedAllowPrivate, trustedOrigins: ownFeedOrigins, baseIntervalSeconds: env.pollIntervalSeconds, logger, seenItems, processor: parsePool ?? onThisThread },
    onNewArticles: articlesStored,
    leaseSeconds: env.checkLeaseSeconds,
    sharedHostSlots: redis ? createSharedHostSlots({ redis, logger }) : undefined,
    onChecked: (source, result, durationMs) => {
      metrics.feedChecks.inc({ outcome: result.status });
      metrics.checkDuration.observe(durationMs / 1000);
      if (result.status === "updated") metrics.storeDuration.observe(result.bodyToStoredMs / 1000);
      websub.onChecked(source, result);
    },
  });
  registerRuntime({
    scheduler,
    processor: parsePool,
    onSourcesChanged: () => {
      pageCache.invalidate();
      notifySourcesChanged().catch((error) => logger.warn({ err: error }, "could not tell the other instances that sources changed"));
    },
    // A hub pushed a feed document: store and publish what is new at once, as a poll would.
    ingestPushed: async (sourceId, document) => {
      // Without seenItems: a push often carries only the new entries, and the memory of the last polled
      // document (what the next poll compares with) should not be replaced by it.
      const { stored } = await ingestFeedBody(sourceId, document, new Date(), undefined, parsePool ?? onThisThread);
      if (stored.inserted.length > 0) articlesStored(stored.inserted);
      logger.info({ sourceId, url: document.url, inserted: stored.inserted.length }, "WebSub push ingested");
      return stored.inserted.length;
    },
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    demo?.close();
    // Drain first: /api/health answers 503 at once, and everything else is still served until the load
    // balancer has seen that (its health checks) and sends nothing more. Only then do connections close, so
    // no request is refused and live readers are moved by the load balancer rather than cut by us. A lone
    // instance (no trusted proxy in front) has no one to hand over to: it stops at once.
    draining = true;
    if (env.trustProxy.length > 0) {
      logger.info({ drainMs: DRAIN_MS }, "draining: health answers 503 until the load balancer takes this instance out");
      await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
    }
    // The shutdown proper gets 15 s (the drain is deliberate and not counted).
    const forceExit = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 15_000);
    forceExit.unref();
    // Stop taking new work, let fetches in flight commit, then close the transports and the database.
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await scheduler.close();
    await parsePool?.close();
    await storyDesk.close();
    await storyUpdates.flush();
    storyUpdates.close();
    await websub.close();
    await closeFeedConnections();
    registerRuntime(undefined);
    await databaseEvents.close();
    await live.close();
    // Requests in flight get up to 2 s to finish; each keep-alive connection is closed as soon as its request
    // is answered (checked every 50 ms), not at the 2 s cut-off: every 100 ms here is an outage for readers.
    server.closeIdleConnections();
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await serverClosed;
    clearInterval(closeIdle);
    await app.close?.();
    await disconnectDb();
    await sharedConnectionCounts?.close();
    await redis?.close();
    logger.info("stopped");
    process.exit(0);
  }
  // Before listening: a SIGTERM that comes as soon as "newswire listening" is logged (an orchestrator, a
  // test) must find the handler; it did not while the demo archive was still being looked up, and the default
  // action killed the process without its shutdown.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(new ListenError(env.host, env.port, error)));
    server.listen(env.port, env.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  logger.info({ port, url: env.publicUrl, dev }, "newswire listening");

  if (env.demo) {
    demo = await attachDemoNewsroom({ port, scheduler, logger, pollIntervalSeconds: env.pollIntervalSeconds, trustOrigin: (origin) => ownFeedOrigins.add(origin) });
  } else {
    // A database the demo filled keeps its pictures and story pages served (read-only) after the demo stops.
    demo = await attachDemoArchive({ port });
    if (demo) logger.info("serving the demo's pictures and pages: this database holds stories from `npm run demo`");
  }
}

/**
 * How long a stopping instance behind a load balancer keeps serving after its health turned 503: HAProxy
 * (deploy/haproxy.cfg) takes an instance out after 2 failed checks 2 s apart, so 5 s covers two checks and
 * the answer of the second.
 */
const DRAIN_MS = 5_000;
/** Story updates are gathered this long before readers get them (lib/realtime/gathered-ids.ts). */
const STORY_UPDATE_GATHER_MS = 500;

/** While draining, GET/HEAD /api/health answers 503 (JSON error shape) without touching the database. */
function answerDraining(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const path = (req.url ?? "").split("?")[0];
  if (path !== "/api/health" || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const body = JSON.stringify({ status: "draining", error: { code: "shutting_down", message: "This instance is shutting down" } });
  res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store", connection: "close" });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}

/** PORT and HOST are checked by form in lib/env.ts; whether this machine can listen there shows only here. */
class ListenError extends Error {
  constructor(host: string | undefined, port: number, cause: NodeJS.ErrnoException) {
    const why =
      cause.code === "EADDRINUSE"
        ? "the port is in use (another process listens there)"
        : cause.code === "EADDRNOTAVAIL"
          ? "this machine has no such address"
          : cause.code === "EACCES"
            ? "not allowed to listen there (a port below 1024 needs privileges)"
            : cause.code === "ENOTFOUND" || cause.code === "EAI_AGAIN"
              ? "the host name does not resolve"
              : cause.message;
    super(`cannot listen on HOST=${host ?? "(all interfaces)"} PORT=${port}: ${why} (${cause.code ?? "error"})`);
    this.name = "ListenError";
  }
}

main().catch((error: unknown) => {
  if (error instanceof InstanceConflictError || error instanceof RedisUnavailableError || error instanceof ListenError) {
    // Configuration problems an operator fixes: one clear line, no stack.
    process.stderr.write(`newswire failed to start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`newswire failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

