// Socket.IO beside Next on the same HTTP server. Each socket sits in one room named after its filter;
// a published article is emitted once to the union of the rooms that want it.
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import { tryDecodeCursor } from "../domain/cursor";
import type { ArticleBus } from "./bus";
import { RecentArticles } from "./bus";
import { cleanFilter, matchesFilter } from "./filter";
import type { ReplayArticles } from "./replay";
import { SOCKET_PATH, type ClientToServerEvents, type LiveFilter, type ServerToClientEvents } from "./events";

export type { ReplayArticles } from "./replay";

/** One per filter, shared by every socket in its room (the heap target is per idle client). */
type View = { readonly filter: LiveFilter; readonly room: string };
type SocketData = { view: View; resumeToken: number; replayedUpTo: number; resumedFrom: number };
export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Parameters<Parameters<LiveServer["on"]>[1]>[0];

const REPLAY_PAGE = 500;
/** A client away for longer than this many articles gets the newest ones by reloading, not a flood. */
const REPLAY_MAX = 2000;

function roomFor(filter: LiveFilter): string {
  return `f:${filter.source ?? ""}|${filter.category ?? ""}`;
}

function roomsFor(article: Article): string[] {
  return [roomFor({}), roomFor({ source: article.source.slug }), roomFor({ category: article.category }), roomFor({ source: article.source.slug, category: article.category })];
}

/**
 * engine.io keeps each WebSocket session's upgrade request alive for as long as the client is connected:
 * as `request`, and through its WebSocketResponse (which holds `req`), reachable from a "close" listener on
 * the TCP socket. So Socket.IO's documented `rawSocket.request = null` alone frees nothing. Nothing here
 * reads the request after the handshake (filter and cursor come in the handshake's auth payload), so drop
 * both references. Must stay the last engine middleware: earlier ones may still set headers through `res`.
 * Long-polling responses are real ServerResponses and are left alone.
 */
function releaseUpgradeRequests(io: LiveServer): void {
  io.engine.use((_req: IncomingMessage, res: ServerResponse, next: (error?: Error) => void) => {
    if (!(res instanceof ServerResponse)) (res as { req: unknown }).req = null;
    next();
  });
  io.engine.on("connection", (rawSocket: { request: unknown }) => {
    rawSocket.request = null;
  });
}

export type SocketServerOptions = {
  bus: ArticleBus;
  replay: ReplayArticles;
  logger: Logger;
  /** Articles also replayed from memory after the database query, to close the gap while it ran. */
  recent?: RecentArticles;
};

export function attachSocketServer(httpServer: HttpServer, options: SocketServerOptions) {
  const { bus, replay, logger } = options;
  // One buffer may be shared by both transports; only its creator adds to it, so each article is kept once.
  const ownsRecent = options.recent === undefined;
  const recent = options.recent ?? new RecentArticles();
  const io: LiveServer = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Leave every other upgrade (Next's HMR socket in dev) to its own handler (ARCHITECTURE.md pitfalls).
    destroyUpgrade: false,
    maxHttpBufferSize: 16 * 1024,
    // Missed-while-offline articles come from the database by cursor, so no connection-state recovery buffer.
    connectionStateRecovery: undefined,
  });

  releaseUpgradeRequests(io);

  const views = new Map<string, View>();
  function viewFor(filter: LiveFilter): View {
    const room = roomFor(filter);
    let view = views.get(room);
    if (!view) {
      view = { filter, room };
      // Filters come from clients: share the common ones, never grow without bound.
      if (views.size < 10_000) views.set(room, view);
    }
    return view;
  }

  const unsubscribe = bus.subscribe((articles) => {
    if (ownsRecent) recent.add(articles);
    for (const article of articles) io.to(roomsFor(article)).emit("article:new", article);
  });

  async function resume(socket: LiveSocket, afterId: number): Promise<void> {
    // The client sends its cursor in the handshake and again in a resume event on connect. A second resume
    // from the same (or an older) cursor is already covered, and by now this socket may have received live
    // articles past that cursor: replaying from it again would send them twice.
    if (afterId <= socket.data.resumedFrom) return;
    socket.data.resumedFrom = afterId;
    const token = ++socket.data.resumeToken;
    const { filter, room } = socket.data.view;
    // Out of the room while replaying, so live articles cannot overtake the missed ones.
    await socket.leave(room);
    // A client may ask twice on one connection (handshake cursor and a resume event): never resend.
    let lastId = Math.max(afterId, socket.data.replayedUpTo);
    try {
      for (let sent = 0; sent < REPLAY_MAX; ) {
        const page = await replay(lastId, filter, REPLAY_PAGE);
        if (token !== socket.data.resumeToken || !socket.connected) return;
        for (const article of page) {
          socket.emit("article:new", article);
          lastId = article.id;
        }
        socket.data.replayedUpTo = Math.max(socket.data.replayedUpTo, lastId);
        sent += page.length;
        if (page.length < REPLAY_PAGE) break;
      }
    } catch (error) {
      logger.warn({ err: error, socketId: socket.id }, "socket resume failed; joining live without replay");
    } finally {
      if (token === socket.data.resumeToken && socket.connected) {
        // Synchronous from here to join: nothing can be published in between.
        for (const article of recent.after(lastId)) {
          if (!matchesFilter(article, filter)) continue;
          socket.emit("article:new", article);
          lastId = article.id;
        }
        socket.data.replayedUpTo = Math.max(socket.data.replayedUpTo, lastId);
        await socket.join(room);
      }
    }
  }

  // One listener function for every socket (Socket.IO calls it with the socket as `this`), not a closure each.
  function onResume(this: LiveSocket, payload: unknown): void {
    const cursor = payload && typeof payload === "object" ? tryDecodeCursor((payload as { cursor?: string }).cursor) : undefined;
    if (cursor !== undefined) void resume(this, cursor);
  }

  io.on("connection", (socket) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    socket.data = { view: viewFor(cleanFilter(auth)), resumeToken: 0, replayedUpTo: 0, resumedFrom: -1 };
    void socket.join(socket.data.view.room);
    const handshakeCursor = typeof auth.cursor === "string" ? tryDecodeCursor(auth.cursor) : undefined;
    if (handshakeCursor !== undefined) void resume(socket, handshakeCursor);
    socket.on("resume", onResume);
  });

  return {
    io,
    connectedCount: () => io.engine.clientsCount,
    async close() {
      unsubscribe();
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server; server.ts closes that itself, so only disconnect clients.
        io.disconnectSockets(true);
        io.engine.close();
        resolve();
      });
    },
  };
}
