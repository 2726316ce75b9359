// An outside client of one running Newswire (tests/integration): plain HTTP through the public contract,
// plus small readers for the two live transports (Socket.IO and SSE). Nothing here imports product code
// except its public wire types.
import fs from "node:fs";
import http from "node:http";
import { finished } from "node:stream/promises";
import { io as connectSocket, type Socket } from "socket.io-client";
import type { Article, SourceHealth } from "../../lib/domain/article";
import { ADMIN_TOKEN, eventually, startNewswire, tempDatabaseUrl, type RunningServer } from "./newswire-server";
import type { FixtureFeedServer, FixtureItem } from "./fixture-feed-server";
import { uniqueName } from "./unique-name";

export type { Article, SourceHealth };

// Tests read arbitrary response JSON and assert on it; a precise type would only add casts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HttpResult = { status: number; headers: Headers; text: string; json: () => any };

export type RequestOptions = {
  /** Sends `Authorization: Bearer $ADMIN_TOKEN` (true) or the given raw Authorization value (string). */
  admin?: boolean | string;
  /** A JSON-serialisable body, or a raw string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
};

/** The exact keys of an Article on the wire (docs/api.md). */
export const ARTICLE_KEYS = ["category", "cursor", "id", "imageUrl", "path", "publishedAt", "slug", "source", "summary", "title", "url"];

let serverCount = 0;

/**
 * startNewswire() on a database file of its own that `stop()` deletes afterwards (tests/.tmp would otherwise
 * keep one database per server started).
 */
export async function startTestServer(options: Parameters<typeof startNewswire>[0] = {}): Promise<RunningServer> {
  // tempDatabaseUrl names files by pid and millisecond: two servers started together would share one.
  serverCount += 1;
  const databaseUrl = tempDatabaseUrl(`integration-${serverCount}`);
  const server = await startNewswire({ ...options, env: { DATABASE_URL: databaseUrl, ...options.env } });
  const stop = server.stop.bind(server);
  return {
    ...server,
    async stop() {
      const code = await stop();
      // "exit" can come before the last output is read: wait for both pipes to end so output() is complete.
      await Promise.all([finished(server.process.stdout!), finished(server.process.stderr!)]).catch(() => undefined);
      removeDatabase(databaseUrl);
      return code;
    },
  };
}

export function removeDatabase(databaseUrl: string): void {
  const file = databaseUrl.replace(/^file:/, "");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}

export { uniqueName };

export class NewswireClient {
  constructor(readonly url: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.admin === true) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    else if (typeof options.admin === "string") headers.authorization = options.admin;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body, redirect: "manual" });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => {
        try {
          return JSON.parse(text);
        } catch {
          throw new Error(`${method} ${path} → ${response.status} is not JSON: ${text.slice(0, 300)}`);
        }
      },
    };
  }

  /** Every source, following nextCursor through the pages of GET /api/sources. */
  async sources(): Promise<SourceHealth[]> {
    const all: SourceHealth[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/sources?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await this.request("GET", path);
      if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
      const page: { sources: SourceHealth[]; nextCursor: string | null } = response.json();
      all.push(...page.sources);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return all;
  }

  /** GET /api/sources/:id; undefined when there is no such source. */
  async source(id: number): Promise<SourceHealth | undefined> {
    const response = await this.request("GET", `/api/sources/${id}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`GET /api/sources/${id} → ${response.status}: ${response.text}`);
    return response.json().source;
  }

  async articles(query: Record<string, string | number> = {}): Promise<{ articles: Article[]; nextCursor: string | null }> {
    const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
    const response = await this.request("GET", `/api/articles?${params}`);
    if (response.status !== 200) throw new Error(`GET /api/articles?${params} → ${response.status}: ${response.text}`);
    return response.json();
  }

  async articlesOf(sourceSlug: string): Promise<Article[]> {
    return (await this.articles({ source: sourceSlug, limit: 100 })).articles;
  }

  /**
   * POST /api/sources (admin) → 201, then waits until the first check (started by that call) is recorded, so
   * a later refresh never races it.
   */
  async addSource(url: string, options: { name?: string; category?: string } = {}): Promise<SourceHealth> {
    const response = await this.request("POST", "/api/sources", { admin: true, body: { url, ...options } });
    if (response.status !== 201) throw new Error(`POST /api/sources ${url} → ${response.status}: ${response.text}`);
    const { source } = response.json() as { source: SourceHealth };
    await eventually(async () => (await this.source(source.id))?.lastFetchedAt, `the first check of ${url}`);
    return (await this.source(source.id))!;
  }

  /** POST /api/sources/:id/refresh (admin) → 202, then waits until that check is recorded; returns the source. */
  async refresh(id: number, timeoutMs = 15_000): Promise<SourceHealth> {
    const before = (await this.source(id))?.lastFetchedAt ?? null;
    const response = await this.request("POST", `/api/sources/${id}/refresh`, { admin: true });
    if (response.status !== 202) throw new Error(`POST /api/sources/${id}/refresh → ${response.status}: ${response.text}`);
    return eventually(
      async () => {
        const source = await this.source(id);
        return source && source.lastFetchedAt !== before ? source : undefined;
      },
      `a new check of source ${id}`,
      timeoutMs,
    );
  }
}

/** One source on its own fixture feed, created through the API. */
export class FixtureSource {
  constructor(
    readonly client: NewswireClient,
    readonly feeds: FixtureFeedServer,
    readonly feedName: string,
    readonly source: SourceHealth,
  ) {}

  static async create(
    client: NewswireClient,
    feeds: FixtureFeedServer,
    options: { prefix?: string; category?: string; name?: string; items?: Partial<FixtureItem>[] } = {},
  ): Promise<FixtureSource> {
    const feedName = uniqueName(options.prefix ?? "feed");
    for (const item of options.items ?? []) feeds.publish(feedName, item);
    const source = await client.addSource(feeds.feedUrl(feedName), { name: options.name ?? `Wire ${feedName}`, category: options.category });
    return new FixtureSource(client, feeds, feedName, source);
  }

  get id(): number {
    return this.source.id;
  }
  get slug(): string {
    return this.source.slug;
  }

  /** Puts items on the feed (without checking it). */
  put(...items: Partial<FixtureItem>[]): FixtureItem[] {
    return (items.length > 0 ? items : [{}]).map((item) => this.feeds.publish(this.feedName, item));
  }

  /** Puts items on the feed, refreshes the source, waits for the check and returns the stored articles in publish order. */
  async publish(...items: Partial<FixtureItem>[]): Promise<Article[]> {
    const published = this.put(...items);
    await this.client.refresh(this.id);
    const stored = await this.client.articlesOf(this.slug);
    return published.map((item) => {
      const article = stored.find((candidate) => candidate.url === item.link);
      if (!article) throw new Error(`"${item.title}" was not stored after the check of ${this.feedName}`);
      return article;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Socket.IO

export type LiveSocketOptions = { withCredentials?: boolean };

/** A Socket.IO client on the websocket transport that records every `article:new`. */
export class LiveSocket {
  readonly received: Article[] = [];
  readonly socket: Socket;

  private constructor(url: string, auth?: Record<string, string>, transports: string[] = ["websocket"], options: LiveSocketOptions = {}) {
    this.socket = connectSocket(url, { transports, reconnection: false, forceNew: true, auth, withCredentials: options.withCredentials });
    this.socket.on("article:new", (article: Article) => this.received.push(article));
  }

  /**
   * `transports`: websocket only by default; ["polling"] is a client behind a proxy that refuses websockets.
   * `withCredentials`: keep cookies between requests, as a browser does (the load balancer's sticky-session
   * cookie); Socket.IO's Node client drops them otherwise.
   */
  static async connect(url: string, auth?: Record<string, string>, transports?: string[], options?: LiveSocketOptions): Promise<LiveSocket> {
    const live = new LiveSocket(url, auth, transports, options);
    await live.waitForConnect();
    return live;
  }

  waitForConnect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off("connect_error", onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.socket.off("connect", onConnect);
        reject(error);
      };
      this.socket.once("connect", onConnect);
      this.socket.once("connect_error", onError);
    });
  }

  /** Waits until at least `count` articles have been received in total; returns all of them. */
  async waitForCount(count: number, what = `${count} article:new events`, timeoutMs = 15_000): Promise<Article[]> {
    await eventually(async () => this.received.length >= count, what, timeoutMs);
    return [...this.received];
  }

  close(): void {
    this.socket.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server-Sent Events

export type SseEvent = { event: string | null; id: string | null; data: string };

/** An SSE stream read with node:http and parsed by hand (event/id/data lines, comments, retry). */
export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private buffer = "";
  private current: { event: string | null; id: string | null; data: string[] } = { event: null, id: null, data: [] };
  private request!: http.ClientRequest;

  /** `localAddress`: the loopback address to connect from (127.0.0.2, …), to appear as another client. */
  static open(url: string, headers: Record<string, string> = {}, options: { localAddress?: string } = {}): Promise<SseStream> {
    const stream = new SseStream();
    return new Promise((resolve, reject) => {
      stream.request = http.get(url, { headers: { accept: "text/event-stream", ...headers }, localAddress: options.localAddress }, (response) => {
        stream.status = response.statusCode ?? 0;
        stream.headers = response.headers;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => stream.feed(chunk));
        response.on("end", () => (stream.ended = true));
        response.on("close", () => (stream.ended = true));
        response.on("error", () => (stream.ended = true));
        resolve(stream);
      });
      stream.request.on("error", reject);
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline === -1) return;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith("\r\n", newline) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.current.data.length > 0) {
        this.events.push({ event: this.current.event, id: this.current.id, data: this.current.data.join("\n") });
      }
      this.current = { event: null, id: null, data: [] };
      return;
    }
    if (line.startsWith(":")) {
      this.comments.push(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.current.event = value;
    else if (field === "id") this.current.id = value;
    else if (field === "data") this.current.data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
  }

  /** The `article` events so far, parsed. */
  articles(): Article[] {
    return this.events.filter((event) => event.event === "article").map((event) => JSON.parse(event.data) as Article);
  }

  async waitForArticles(count: number, what = `${count} SSE article events`, timeoutMs = 15_000): Promise<Article[]> {
    await eventually(async () => this.articles().length >= count, what, timeoutMs);
    return this.articles();
  }

  close(): void {
    this.request.destroy();
  }
}
