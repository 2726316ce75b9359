// Caps on live connections (Socket.IO and SSE together): per client address (LIVE_MAX_PER_IP), for the whole
// site when instances share Redis, and per instance in total (LIVE_MAX_CONNECTIONS). One address once opened
// 1,000 of each; every open connection costs memory (about 10 KB idle, much more if it stops reading), so a
// stranger must not be able to hold thousands.
import type { IncomingMessage } from "node:http";

/** The site-wide count per address (lib/cluster/connection-counts.ts); absent with one instance. */
export type SharedAddressCounts = {
  /** True: counted; false: the address is at `cap`; null: unavailable (count on this instance alone). */
  acquire(address: string, cap: number): Promise<boolean | null>;
  release(address: string): void;
};

export type LiveLimitsOptions = {
  /** 0 = no cap. */
  perAddress: number;
  /** 0 = no cap. */
  total: number;
  /** The client's address as the caps count it (server.ts: an IPv6 client by its /64). */
  addressOf: (req: IncomingMessage) => string;
  shared?: SharedAddressCounts;
};

export type LiveSlot = { release(): void };
export type Refusal = { refused: string };

/** The engine.io server, as far as these limits need it. */
type Engine = { on(event: "connection", listener: (socket: EngineSocket) => void): void };
type EngineSocket = { request: IncomingMessage | null; once(event: "close", listener: () => void): void };

export type LiveLimits = {
  /** Takes a slot for the request's address, or says why not (the reader gets 429 / a connect_error). */
  acquire(req: IncomingMessage): Promise<LiveSlot | Refusal>;
  /** For Socket.IO's allowRequest: takes a slot for a new session's handshake; null when admitted. */
  admit(req: IncomingMessage): Promise<string | null>;
  /** Hands each admitted handshake's slot to its engine.io session, released when the session closes. */
  trackEngine(engine: Engine): void;
  connections(): number;
};

/** A handshake admitted but never turned into a session (it failed) gives its slot back after this. */
const UNCLAIMED_SLOT_MS = 30_000;

export function createLiveLimits(options: LiveLimitsOptions): LiveLimits {
  const { shared } = options;
  /** This instance's connections per address: the cap when there is no shared count. */
  const byAddress = new Map<string, number>();
  let total = 0;
  const handshakes = new WeakMap<IncomingMessage, { slot: LiveSlot; timer: NodeJS.Timeout }>();
  const overCap = () => ({ refused: `Too many live connections from your address (at most ${options.perAddress})` });

  async function acquire(req: IncomingMessage): Promise<LiveSlot | Refusal> {
    if (options.total > 0 && total >= options.total) return { refused: "The server has as many live readers as it can take; try again later" };
    const address = options.addressOf(req);
    // Both counts are taken before the shared count is asked (an await): a burst of connections arriving
    // together must not all pass the checks before any of them is counted.
    total += 1;
    const held = byAddress.get(address) ?? 0;
    byAddress.set(address, held + 1);
    const giveBack = () => {
      total -= 1;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left <= 0) byAddress.delete(address);
      else byAddress.set(address, left);
    };
    let countedShared = false;
    if (options.perAddress > 0) {
      if (!shared && held >= options.perAddress) {
        giveBack();
        return overCap();
      }
      const sharedAnswer = shared ? await shared.acquire(address, options.perAddress) : null;
      // Unavailable (Redis down): this instance's own count is the cap.
      if (sharedAnswer === false || (sharedAnswer === null && held >= options.perAddress)) {
        giveBack();
        return overCap();
      }
      countedShared = sharedAnswer === true;
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        giveBack();
        if (countedShared) shared?.release(address);
      },
    };
  }

  return {
    acquire,
    async admit(req) {
      const slot = await acquire(req);
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
