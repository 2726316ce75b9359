// The parse stage: body → ParsedFeed. Decodes the text (charset.ts), sniffs the format from the content
// (sniff.ts) and hands it to its reader: json-feed.ts, or xml.ts for RSS/RDF/Atom (which maps each item
// with rss.ts or atom.ts). Oversized feeds are trimmed to their most recent items here.
import { FeedParseError } from "../../domain/errors";
import type { ParsedFeed } from "../../domain/feed";
import { parseFeedDate } from "../normalize";
import { decodeBody } from "./charset";
import { parseJsonFeed } from "./json-feed";
import { sniffRoot } from "./sniff";
import { parseXmlFeed } from "./xml";

/** Items kept per fetch, the most recent first; a feed with more is an archive, not news. */
export const MAX_FEED_ITEMS = 1000;

export async function parseFeed(body: Buffer, meta: { contentType?: string | null; url: string }): Promise<ParsedFeed> {
  const { text } = decodeBody(body, meta.contentType);
  const root = sniffRoot(text);
  switch (root.format) {
    case "json":
      return keepMostRecent(parseJsonFeed(text, meta.url));
    case "rss":
    case "atom":
    case "rdf":
      return keepMostRecent(await parseXmlFeed(text.slice(root.start), root.format, meta.url));
    case "html":
      throw new FeedParseError("The document is an HTML page, not a feed");
    default:
      throw new FeedParseError(text.trim() ? "The document is not an RSS, Atom or JSON feed" : "The document is empty");
  }
}

/** Trims oversized feeds to the MAX_FEED_ITEMS most recent items (undated ones count as newest), in feed order. */
function keepMostRecent(feed: ParsedFeed): ParsedFeed {
  if (feed.items.length <= MAX_FEED_ITEMS) return feed;
  const ranked = feed.items.map((item, index) => ({ index, time: parseFeedDate(item.published ?? item.updated)?.getTime() ?? Number.POSITIVE_INFINITY }));
  ranked.sort((a, b) => (b.time === a.time ? a.index - b.index : b.time > a.time ? 1 : -1));
  const kept = ranked.slice(0, MAX_FEED_ITEMS).map((r) => r.index).sort((a, b) => a - b);
  return { ...feed, items: kept.map((i) => feed.items[i]!) };
}
