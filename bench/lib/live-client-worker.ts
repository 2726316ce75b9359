// A load process: holds many live clients (Socket.IO over WebSocket, or SSE over plain HTTP) and records, with
// the machine's wall clock, when each client receives each article. Driven by its parent over IPC
// (bench/lib/live-fleet.ts). It behaves like the homepage client (components/live/use-live-articles.ts):
// the handshake carries the newest cursor, `resume {cursor}` is sent on every connect, a server-initiated
// disconnect is followed by a reconnect, and every article is JSON-parsed by each client.
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { wallNow } from "./wall-clock";

type Transport = "socketio" | "sse";

type Client = {
  index: number;
  url: string;
  connected: boolean;
  /** Wall-clock times of every (re)connect and disconnect. */
  connects: number[];
  disconnects: number[];
  cursor: string;
  /** article id → times received. */
  received: Map<number, number>;
  socket?: Socket;
  request?: http.ClientRequest;
  closed: boolean;
};

type Article = { id: number; cursor: string; title: string };

const clients: Client[] = [];
/** article title → wall-clock receive times (one per client that got it). */
let receipts = new Map<string, number[]>();
let connectErrors = 0;
let lastError = "";
const eventLoop = monitorEventLoopDelay({ resolution: 5 });
eventLoop.enable();

const now = wallNow;

function newer(candidate: string, current: string): boolean {
  return Number(candidate) > Number(current);
}

function onArticle(client: Client, article: Article): void {
  const time = now();
  client.received.set(article.id, (client.received.get(article.id) ?? 0) + 1);
  if (newer(article.cursor, client.cursor)) client.cursor = article.cursor;
  let times = receipts.get(article.title);
  if (!times) receipts.set(article.title, (times = []));
  times.push(time);
}

function connectSocket(client: Client, url: string, headers?: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const socket = io(url, {
      path: "/socket.io",
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 20_000,
      // In Node the WebSocket handshake carries these (e.g. a load balancer's sticky cookie picking an instance).
      ...(headers ? { extraHeaders: headers } : {}),
      auth: (callback) => callback({ cursor: client.cursor }),
    });
    client.socket = socket;
    socket.on("connect", () => {
      client.connected = true;
      client.connects.push(now());
      socket.emit("resume", { cursor: client.cursor });
      settle();
    });
    socket.on("connect_error", (error) => {
      connectErrors += 1;
      lastError = error.message;
      settle();
    });
    socket.on("disconnect", (reason) => {
      client.connected = false;
      client.disconnects.push(now());
      // The server closed us on purpose (a restart): Socket.IO does not retry that by itself.
      if (reason === "io server disconnect" && !client.closed) socket.connect();
    });
    socket.on("article:new", (article: Article) => onArticle(client, article));
  });
}

function parseSseBlock(client: Client, block: string): void {
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
  }
  if (event === "article" && data) onArticle(client, JSON.parse(data) as Article);
}

function connectSse(client: Client, url: string): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const target = new URL("/api/live", url);
    target.searchParams.set("cursor", client.cursor);
    const request = http.get(target, { agent: false, headers: { accept: "text/event-stream" } }, (response) => {
      if (response.statusCode !== 200) {
        connectErrors += 1;
        lastError = `HTTP ${response.statusCode}`;
        response.resume();
        settle();
        return;
      }
      client.connected = true;
      client.connects.push(now());
      response.setEncoding("utf8");
      let buffer = "";
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          parseSseBlock(client, block);
        }
      });
      response.on("close", () => {
        if (client.connected) client.disconnects.push(now());
        client.connected = false;
      });
      settle();
    });
    request.on("error", (error) => {
      connectErrors += 1;
      lastError = error.message;
      client.connected = false;
      settle();
    });
    client.request = request;
  });
}

async function connect(url: string, transport: Transport, count: number, concurrency: number, cursor: string, headers?: Record<string, string>) {
  const started = now();
  const fresh: Client[] = [];
  for (let i = 0; i < count; i++) {
    fresh.push({ index: clients.length + i, url, connected: false, connects: [], disconnects: [], cursor, received: new Map(), closed: false });
  }
  clients.push(...fresh);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < fresh.length) {
      const client = fresh[next++];
      await (transport === "socketio" ? connectSocket(client, url, headers) : connectSse(client, url));
    }
  });
  await Promise.all(lanes);
  return { connected: clients.filter((client) => client.connected).length, total: clients.length, ms: now() - started, connectErrors, lastError };
}

/**
 * Readers leaving: closes `count` connected clients, chosen at random, and keeps their records (the soak checks
 * what each got while it was connected). Returns how many were closed.
 */
function closeSome(count: number): number {
  const open = clients.filter((client) => !client.closed);
  let closed = 0;
  while (closed < count && open.length > 0) {
    const [client] = open.splice(Math.floor(Math.random() * open.length), 1);
    client.closed = true;
    if (client.connected) client.disconnects.push(now());
    client.connected = false;
    client.socket?.removeAllListeners();
    client.socket?.disconnect();
    client.request?.destroy();
    closed += 1;
  }
  return closed;
}

function closeAll(): number {
  for (const client of clients) {
    client.closed = true;
    client.socket?.removeAllListeners();
    client.socket?.disconnect();
    client.request?.destroy();
  }
  const count = clients.length;
  clients.length = 0;
  return count;
}

type Command =
  | { cmd: "connect"; url: string; transport: Transport; count: number; concurrency?: number; cursor?: string; headers?: Record<string, string> }
  | { cmd: "closeSome"; count: number }
  | { cmd: "status" }
  | { cmd: "receipts"; titles?: string[] }
  | { cmd: "counts"; titles: string[] }
  | { cmd: "perClient" }
  | { cmd: "resetReceipts" }
  | { cmd: "eventLoop" }
  | { cmd: "close" };

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case "connect":
      return connect(command.url, command.transport, command.count, command.concurrency ?? 100, command.cursor ?? "0", command.headers);
    case "closeSome":
      return closeSome(command.count);
    case "status":
      return {
        total: clients.length,
        connected: clients.filter((client) => client.connected).length,
        connectedByUrl: clients.reduce<Record<string, number>>((counts, client) => {
          if (client.connected) counts[client.url] = (counts[client.url] ?? 0) + 1;
          return counts;
        }, {}),
        connectErrors,
        lastError,
        memory: process.memoryUsage().rss,
        cpu: process.cpuUsage(),
      };
    case "counts": {
      // How many receipts each title has so far (cheap; polled while waiting for delivery).
      return command.titles.map((title) => receipts.get(title)?.length ?? 0);
    }
    case "receipts": {
      const out: Record<string, number[]> = {};
      for (const [title, times] of receipts) if (!command.titles || command.titles.includes(title)) out[title] = times;
      return out;
    }
    case "perClient":
      // Per client: every (re)connect/disconnect time and how often each article id arrived.
      return clients.map((client) => ({ connects: client.connects, disconnects: client.disconnects, connected: client.connected, closed: client.closed, received: [...client.received] }));
    case "resetReceipts":
      receipts = new Map();
      for (const client of clients) client.received.clear();
      return true;
    case "eventLoop": {
      const result = { p50: eventLoop.percentile(50) / 1e6, p99: eventLoop.percentile(99) / 1e6, max: eventLoop.max / 1e6 };
      eventLoop.reset();
      return result;
    }
    case "close":
      return closeAll();
  }
}

process.on("message", (message: { id: number; command: Command }) => {
  handle(message.command).then(
    (result) => process.send?.({ id: message.id, ok: true, result }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
// The parent went away (crash, Ctrl-C): nothing left to report to.
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
