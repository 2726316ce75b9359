// Typed event maps shared by the server (lib/realtime/socket.ts) and the browser (components/live).
// Names are noun:verb; payloads are DTOs from lib/domain, never Prisma rows.
import type { Article } from "../domain/article";
import type { Story } from "../domain/story";

/** A reader's view: everything, one source, or one category (slugs). */
export type LiveFilter = { source?: string; category?: string };

export interface ServerToClientEvents {
  /** One newly ingested article; several arriving at once are emitted oldest first. */
  "article:new": (article: Article) => void;
  /** A story's coverage changed (an article joined it, or another story merged into it). Not replayed. */
  "story:update": (story: Story) => void;
}

export interface ClientToServerEvents {
  /** Sent after a (re)connect: the server replays every article after `cursor`, in order, before new ones. */
  resume: (payload: { cursor: string }) => void;
}

/** Socket.IO handshake `auth` a client may send to narrow what it receives. */
export type LiveHandshakeAuth = LiveFilter & { cursor?: string };

export const SSE_PATH = "/api/live";
export const SOCKET_PATH = "/socket.io";
