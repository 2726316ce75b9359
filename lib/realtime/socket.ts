// Socket.IO beside Next on the same HTTP server. Each socket sits in one room named after its filter; a
// delivered article is emitted once to the union of the rooms that want it. Catching up (a cursor in the
// handshake or a `resume` event) is lib/realtime/catch-up.ts; this file only says how a socket is sent an
// article, waits for its buffers to drain, and goes live (joins its room).
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Logger } from "pino";
import type { Article } from "../domain/article";
import type { Story } from "../domain/story";
import { tryDecodeCursor } from "../domain/cursor";
import type { ArticleFeed } from "./article-feed";
import { catchUp, type CatchUpSources } from "./catch-up";
import { cleanFilter } from "./filter";
import type { LiveLimits } from "./live-limits";
import { SOCKET_PATH, type ClientToServerEvents, type LiveFilter, type ServerToClientEvents } from "./events";

/** One per filter, shared by every socket in its room (the heap target is per idle client). */
type View = { readonly filter: LiveFilter; readonly room: string };
type SocketData = {
  view: View;
  /** A socket catches up at most once (handshake cursor or its first `resume`). */
  caughtUp: boolean;
  /** For a socket that went live without a cursor: the newest id delivered when it joined its room. */
  liveSince: number;
};
export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Parameters<Parameters<LiveServer["on"]>[1]>[0];
/** The engine.io session under a socket: what is waiting to be written, and when it drains. */
type EngineConnection = LiveSocket["conn"] & {
  writeBuffer: unknown[];
  transport: { writable: boolean; name: string; socket?: { _socket?: { writableLength?: number }; terminate?: () => void } };
  close(discard?: boolean): void;
};

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

/**
 * What a socket holds unsent: packets engine.io queues while its transport is busy, plus bytes its TCP socket
 * has not written. Summed only when something is queued (a healthy reader's queue is empty between writes).
 */
function unsentBytes(conn: EngineConnection): number {
  let bytes = conn.transport.socket?._socket?.writableLength ?? 0;
  for (const packet of conn.writeBuffer as { data?: string | ArrayBufferView }[]) {
    const data = packet.data;
    bytes += typeof data === "string" ? data.length : (data?.byteLength ?? 0);
  }
  return bytes;
}

/** Resolves when the socket's queued packets are written out (or it closes). */
function writable(socket: LiveSocket): Promise<void> {
  const conn = socket.conn as EngineConnection;
  if (conn.writeBuffer.length === 0 && conn.transport.writable) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (socket.connected && !(conn.writeBuffer.length === 0 && conn.transport.writable)) return;
      clearInterval(timer);
      resolve();
    };
    // engine.io has no single "everything written" event across transports; a short poll is simplest.
    const timer = setInterval(check, 20);
  });
}

export type SocketServerOptions = {
  feed: ArticleFeed;
  catchUp: CatchUpSources;
  limits: LiveLimits;
  logger: Logger;
  /** A socket holding more than this unsent is not reading: it is disconnected. */
  maxUnsentBytes?: number;
};

export function attachSocketServer(httpServer: HttpServer, options: SocketServerOptions) {
  const { feed, logger, limits } = options;
  const maxUnsentBytes = options.maxUnsentBytes ?? 1024 * 1024;
  const io: LiveServer = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Leave every other upgrade (Next's HMR socket in dev) to its own handler (docs/decisions/0002).
    destroyUpgrade: false,
    maxHttpBufferSize: 16 * 1024,
    // Missed-while-offline articles come from the database by cursor, so no connection-state recovery buffer.
    connectionStateRecovery: undefined,
    // Counts the connection against its address's and the server's caps before anything is allocated for it.
    allowRequest: (req, callback) => {
      limits.admit(req).then(
        (refusal) => callback(refusal, refusal === null),
        () => callback("Live connections are not available right now", false),
      );
    },
  });
  limits.trackEngine(io.engine);
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

  const unsubscribe = feed.subscribe((articles) => {
    // Nobody connected here: skip encoding each article for nobody (an instance busy polling thousands of
    // feeds stores articles faster than readers arrive; emit encodes before it looks for sockets).
    if (io.engine.clientsCount === 0) return;
    for (const article of articles) io.to(roomsFor(article)).emit("article:new", article);
  });

  // A reader that stops reading keeps its queue growing until the ping timeout (~45 s: 449 MB for 200 such
  // readers). Checked every second instead: a stalled reader costs at most the bound plus a second of news.
  const sweep = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      const unsent = unsentBytes(socket.conn as EngineConnection);
      if (unsent > maxUnsentBytes) {
        logger.info({ socketId: socket.id, unsentBytes: unsent }, "dropping a Socket.IO reader that stopped reading");
        // Not socket.disconnect(): that waits for the queue to drain, which is exactly what never happens.
        const conn = socket.conn as EngineConnection;
        conn.transport.socket?.terminate?.();
        conn.close(true);
      }
    }
  }, 1_000);
  sweep.unref();

  async function resume(socket: LiveSocket, afterId: number): Promise<void> {
    if (socket.data.caughtUp) return;
    socket.data.caughtUp = true;
    const { filter, room } = socket.data.view;
    let until = Infinity;
    if (socket.rooms.has(room)) {
      // Live since it connected without a cursor: if anything reached it live already, it keeps what it has
      // and gets only what came before (out of order, but nothing twice); if not, it catches up as if new.
      const sentLive = options.catchUp.recent.covers(socket.data.liveSince)
        ? options.catchUp.recent.after(socket.data.liveSince).some((article) => roomsFor(article).includes(room))
        : true;
      if (sentLive) until = socket.data.liveSince;
      else socket.leave(room);
    }
    try {
      await catchUp(
        {
          filter,
          send: (article) => socket.emit("article:new", article),
          writable: () => writable(socket),
          isOpen: () => socket.connected,
          goLive: () => void socket.join(room),
        },
        afterId,
        options.catchUp,
        until,
      );
    } catch (error) {
      // Not live and missing articles: better to make the client reconnect and try again than go on with a gap.
      logger.warn({ err: error, socketId: socket.id }, "socket catch-up failed; disconnecting it so it resumes again");
      socket.disconnect(true);
    }
  }

  // One listener function for every socket (Socket.IO calls it with the socket as `this`), not a closure each.
  function onResume(this: LiveSocket, payload: unknown): void {
    const cursor = payload && typeof payload === "object" ? tryDecodeCursor((payload as { cursor?: string }).cursor) : undefined;
    if (cursor !== undefined) void resume(this, cursor);
  }

  io.on("connection", (socket) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const handshakeCursor = typeof auth.cursor === "string" ? tryDecodeCursor(auth.cursor) : undefined;
    socket.data = { view: viewFor(cleanFilter(auth)), caughtUp: false, liveSince: 0 };
    if (handshakeCursor !== undefined) void resume(socket, handshakeCursor);
    else {
      socket.data.liveSince = feed.deliveredUpTo();
      void socket.join(socket.data.view.room);
    }
    socket.on("resume", onResume);
  });

  return {
    io,
    connectedCount: () => io.engine.clientsCount,
    /** Story updates go to every reader, whatever its filter (this instance's: each instance sends its own). */
    publishStories(stories: Story[]): void {
      if (io.engine.clientsCount === 0) return;
      for (const story of stories) io.local.emit("story:update", story);
    },
    async close() {
      unsubscribe();
      clearInterval(sweep);
      // io.close() also closes the HTTP server; server.ts closes that itself, so only disconnect clients.
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}
