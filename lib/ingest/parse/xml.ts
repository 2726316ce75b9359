// An RSS, RDF or Atom document → ParsedFeed: prepare the text, build the tree, read the feed-level fields
// here and hand each item to its format's mapping (rss.ts, atom.ts).
import type { ParsedFeed } from "../../domain/feed";
import { FeedParseError } from "../../domain/errors";
import { resolveHttpUrl } from "../../domain/url";
import { mapAtomEntry } from "./atom";
import { prepareXml } from "./prepare-xml";
import { mapRssItem } from "./rss";
import { alternateLink, linkWithRel } from "./xml-fields";
import { tagEnd } from "./xml-scan";
import { attrOf, childNodes, firstText, isElement, NameTable, rawAttributes, rawNodes, runRssParser, withBase, type RssParserOutput } from "./xml-tree";

export type FeedContext = { names: NameTable; documentUrl: string; base: string | null; feedAuthor: string | null };

export async function parseXmlFeed(text: string, format: "rss" | "atom" | "rdf", feedUrl: string): Promise<ParsedFeed> {
  const { xml, namespaces } = prepareXml(text);
  // An <rss> or <rdf:RDF> root without a channel is a feed with nothing in it (rss-parser would throw).
  if (format !== "atom" && !/<(?:[\w.-]+:)?channel[\s/>]/.test(xml)) {
    return { format, title: null, siteUrl: null, hubUrl: null, selfUrl: null, items: [] };
  }
  const names = new NameTable(namespaces);

  let output: RssParserOutput;
  try {
    output = await runRssParser(xml, names, true);
  } catch (strictError) {
    // Mismatched or unclosed tags: sax's loose mode recovers, at worst losing the rest of one item.
    try {
      output = await runRssParser(xml, names, false);
    } catch {
      const reason = strictError instanceof Error ? strictError.message.split("\n")[0] : String(strictError);
      throw new FeedParseError(`The feed is not well-formed XML: ${reason}`);
    }
  }

  const atom = format === "atom";
  // For Atom the root is the <feed> whose attributes rss-parser already gave us; RSS and RDF have a
  // root above the channel that it does not.
  const rootBase = atom ? null : withBase(null, rootXmlBase(xml), feedUrl);
  const feedBase = withBase(rootBase, rawAttributes(output)["xml:base"], feedUrl);
  // Feed-level links have no site to fall back on: the document's URL is their base.
  const linkBase = feedBase ?? feedUrl;

  const feedLinks = rawNodes(output, atom ? ["@link"] : [...names.names("atom", "link"), "@link"]);
  // An RSS channel's <link> is text; Atom-style <link href> elements beside it are self/hub links.
  const siteHref = atom
    ? (alternateLink(feedLinks)?.href ?? null)
    : firstText(rawNodes(output, ["@link"]).filter((n) => typeof n === "string" || attrOf(n, "href") === null));
  const feedAuthor = atom ? firstText(childNodes(rawNodes(output, ["author"])[0], ["name"])) : null;

  const ctx: FeedContext = { names, documentUrl: feedUrl, base: feedBase, feedAuthor };
  const items = (output.items ?? []).filter(isElement).map((record) => (atom ? mapAtomEntry(record, ctx) : mapRssItem(record, ctx)));

  return {
    format,
    title: firstText([...rawNodes(output, ["title"]), ...rawNodes(output, names.names("dc", "title"))]),
    siteUrl: siteHref ? resolveHttpUrl(siteHref, linkBase) : null,
    hubUrl: resolveHttpUrl(linkWithRel(feedLinks, "hub"), linkBase),
    selfUrl: resolveHttpUrl(linkWithRel(feedLinks, "self"), linkBase),
    items,
  };
}

/** xml:base on the root element (rss-parser hands us only the channel's and the Atom feed's attributes). */
function rootXmlBase(xml: string): string | null {
  const start = xml.indexOf("<");
  const end = start === -1 ? -1 : tagEnd(xml, start);
  if (end === -1) return null;
  const match = /\sxml:base\s*=\s*(["'])(.*?)\1/.exec(xml.slice(start, end));
  return match ? match[2]!.replace(/&amp;/g, "&") : null;
}
