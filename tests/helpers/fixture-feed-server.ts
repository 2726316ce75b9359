// A publisher on loopback: the only test double, standing in for the outside web. Tests publish items to
// named feeds and make feeds misbehave in the ordinary ways real ones do.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FixtureItem = { guid: string; title: string; link: string; description?: string; pubDate?: Date; imageUrl?: string };

type FeedBehaviour =
  | { kind: "rss" }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "body"; contentType: string; body: string | Buffer }
  | { kind: "hang" };

type Feed = {
  title: string;
  items: FixtureItem[];
  behaviour: FeedBehaviour;
  etag: string;
  requests: number;
  conditionalHits: number;
  /** Every answer waits this long first, so that requests overlap and concurrency can be seen. */
  delayMs: number;
  inFlight: number;
  maxInFlight: number;
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderRss(title: string, siteUrl: string, items: FixtureItem[]): string {
  const body = items
    .map(
      (item) => `<item><title>${escapeXml(item.title)}</title><link>${escapeXml(item.link)}</link><guid isPermaLink="false">${escapeXml(item.guid)}</guid>` +
        `${item.description ? `<description>${escapeXml(item.description)}</description>` : ""}` +
        `${item.pubDate ? `<pubDate>${item.pubDate.toUTCString()}</pubDate>` : ""}` +
        `${item.imageUrl ? `<enclosure url="${escapeXml(item.imageUrl)}" type="image/jpeg" length="0"/>` : ""}</item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${escapeXml(title)}</title><link>${escapeXml(siteUrl)}</link><description>fixture</description>${body}</channel></rss>`;
}

export async function startFixtureFeedServer() {
  const feeds = new Map<string, Feed>();
  let counter = 0;
  const hanging = new Set<http.ServerResponse>();

  // Requests being answered now, over all feeds (one host, as a publisher with many feeds is).
  let inFlight = 0;
  let maxInFlight = 0;

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const match = path.match(/^\/feeds\/([\w-]+)\.xml$/);
    const feed = match ? feeds.get(match[1]) : undefined;
    if (!feed) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such feed");
      return;
    }
    feed.requests += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    feed.inFlight += 1;
    feed.maxInFlight = Math.max(feed.maxInFlight, feed.inFlight);
    res.once("close", () => {
      inFlight -= 1;
      feed.inFlight -= 1;
    });
    if (feed.delayMs > 0) setTimeout(() => answer(feed, match![1], req, res), feed.delayMs);
    else answer(feed, match![1], req, res);
  });

  function answer(feed: Feed, name: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (res.destroyed) return;
    const behaviour = feed.behaviour;
    if (behaviour.kind === "status") {
      res.writeHead(behaviour.status, behaviour.headers ?? {}).end();
      return;
    }
    if (behaviour.kind === "hang") {
      hanging.add(res);
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<?xml version='1.0'?><rss version='2.0'><channel>");
      return;
    }
    if (behaviour.kind === "body") {
      res.writeHead(200, { "content-type": behaviour.contentType }).end(behaviour.body);
      return;
    }
    if (req.headers["if-none-match"] === feed.etag) {
      feed.conditionalHits += 1;
      res.writeHead(304, { etag: feed.etag }).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag: feed.etag });
    res.end(renderRss(feed.title, `${origin}/site/${name}`, [...feed.items].reverse()));
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function feedOf(name: string): Feed {
    let feed = feeds.get(name);
    if (!feed) {
      feed = { title: `Fixture ${name}`, items: [], behaviour: { kind: "rss" }, etag: `"${name}-0"`, requests: 0, conditionalHits: 0, delayMs: 0, inFlight: 0, maxInFlight: 0 };
      feeds.set(name, feed);
    }
    return feed;
  }

  return {
    origin,
    /** The URL of a feed; the feed exists (empty) from this call on. */
    feedUrl(name: string): string {
      feedOf(name);
      return `${origin}/feeds/${name}.xml`;
    },
    /** Adds one story to a feed and returns it; the feed's ETag changes. */
    publish(name: string, item: Partial<FixtureItem> = {}): FixtureItem {
      const feed = feedOf(name);
      counter += 1;
      const full: FixtureItem = {
        guid: item.guid ?? `${name}-${counter}-${Date.now()}`,
        title: item.title ?? `Fixture story ${counter} from ${name}`,
        link: item.link ?? `${origin}/site/${name}/story-${counter}`,
        description: item.description ?? `Summary of fixture story ${counter}.`,
        pubDate: item.pubDate ?? new Date(),
        imageUrl: item.imageUrl,
      };
      feed.items.push(full);
      feed.etag = `"${name}-${feed.items.length}"`;
      return full;
    },
    setBehaviour(name: string, behaviour: FeedBehaviour): void {
      feedOf(name).behaviour = behaviour;
    },
    /** Makes every answer of a feed wait `delayMs` first (a slow publisher). */
    setDelay(name: string, delayMs: number): void {
      feedOf(name).delayMs = delayMs;
    },
    /** `maxInFlight`: the most requests for this feed ever answered at the same time. */
    stats(name: string) {
      const feed = feedOf(name);
      return { requests: feed.requests, conditionalHits: feed.conditionalHits, maxInFlight: feed.maxInFlight };
    },
    /** The most requests (all feeds together) ever answered at the same time, since the last reset. */
    maxConcurrentRequests(): number {
      return maxInFlight;
    },
    resetConcurrency(): void {
      maxInFlight = inFlight;
      for (const feed of feeds.values()) feed.maxInFlight = feed.inFlight;
    },
    async close(): Promise<void> {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FixtureFeedServer = Awaited<ReturnType<typeof startFixtureFeedServer>>;
