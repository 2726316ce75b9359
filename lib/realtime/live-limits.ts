// Caps on live connections (Socket.IO and SSE together): per client address (LIVE_MAX_PER_IP) and in total
// (LIVE_MAX_CONNECTIONS). One address once opened 1,000 of each; every open connection costs memory (about
// 10 KB idle, much more if it stops reading), so a stranger must not be able to hold thousands.
import type { IncomingMessage } from "node:http";

export type LiveLimitsOptions = {
  /** 0 = no cap. */
  perAddress: number;
  /** 0 = no cap. */
  total: number;
  /** The client's address (X-Forwarded-For is believed only from trusted proxies). */
  addressOf: (req: IncomingMessage) => string;
};

export type LiveSlot = { release(): void };

/** The engine.io server, as far as these limits need it. */
type Engine = { on(event: "connection", listener: (socket: EngineSocket) => void): void };
type EngineSocket = { request: IncomingMessage | null; once(event: "close", listener: () => void): void };

export type LiveLimits = {
  /** Takes a slot for the request's address, or says why not (the reader gets 429 / a connect_error). */
  acquire(req: IncomingMessage): LiveSlot | { refused: string };
  /** For Socket.IO's allowRequest: takes a slot for a new session's handshake; null when admitted. */
  admit(req: IncomingMessage): string | null;
  /** Hands each admitted handshake's slot to its engine.io session, released when the session closes. */
  trackEngine(engine: Engine): void;
  connections(): number;
};

/** A handshake admitted but never turned into a session (it failed) gives its slot back after this. */
const UNCLAIMED_SLOT_MS = 30_000;

export function createLiveLimits(options: LiveLimitsOptions): LiveLimits {
  const byAddress = new Map<string, number>();
  let total = 0;
  const handshakes = new WeakMap<IncomingMessage, { slot: LiveSlot; timer: NodeJS.Timeout }>();

  function acquire(req: IncomingMessage): LiveSlot | { refused: string } {
    if (options.total > 0 && total >= options.total) return { refused: "The server has as many live readers as it can take; try again later" };
    const address = options.addressOf(req);
    const held = byAddress.get(address) ?? 0;
    if (options.perAddress > 0 && held >= options.perAddress) return { refused: `Too many live connections from your address (at most ${options.perAddress})` };
    byAddress.set(address, held + 1);
    total += 1;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        total -= 1;
        const left = (byAddress.get(address) ?? 1) - 1;
        if (left <= 0) byAddress.delete(address);
        else byAddress.set(address, left);
      },
    };
  }

  return {
    acquire,
    admit(req) {
      const slot = acquire(req);
      if ("refused" in slot) return slot.refused;
      const timer = setTimeout(() => slot.release(), UNCLAIMED_SLOT_MS);
      timer.unref();
      handshakes.set(req, { slot, timer });
      return null;
    },
    trackEngine(engine) {
      engine.on("connection", (socket) => {
        const handshake = socket.request ? handshakes.get(socket.request) : undefined;
        if (!handshake) return;
        clearTimeout(handshake.timer);
        socket.once("close", () => handshake.slot.release());
      });
    },
    connections: () => total,
  };
}
