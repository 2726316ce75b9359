// RSS 0.9x, 1.0 (RDF) and 2.0 items → ParsedItem, from the raw nodes xml-tree.ts hands back.
import type { ParsedItem } from "../../domain/feed";
import { isAbsoluteHttpUrl } from "../../domain/url";
import { alternateLink, authorName, categories, contentBase, firstHtml, imageCandidates, linkBase, textConstructHtml } from "./xml-fields";
import { attrOf, firstText, rawAttributes, rawNodes, textOf, withBase, type RawRecord } from "./xml-tree";
import type { FeedContext } from "./xml";

export function mapRssItem(record: RawRecord, ctx: FeedContext): ParsedItem {
  const { names } = ctx;
  const itemBase = withBase(ctx.base, rawAttributes(record)["xml:base"], ctx.documentUrl);

  // RSS <link> is text; some feeds put Atom-style attributes on it instead, or only an atom:link.
  const linkNodes = rawNodes(record, ["@link"]);
  let link: string | null = null;
  let linkBaseUrl: string | null = null;
  for (const node of linkNodes) {
    const href = (textOf(node).trim() || attrOf(node, "href")?.trim()) ?? "";
    if (href) {
      link = href;
      linkBaseUrl = linkBase(node, itemBase, ctx.documentUrl);
      break;
    }
  }
  const atomLinks = rawNodes(record, names.names("atom", "link"));
  if (!link) {
    const alternate = alternateLink(atomLinks);
    if (alternate) {
      link = alternate.href;
      linkBaseUrl = alternate.xmlBase ? withBase(itemBase, alternate.xmlBase, ctx.documentUrl) : null;
    }
  }

  const guidNode = rawNodes(record, ["guid"])[0];
  const guid = textOf(guidNode).trim() || null;
  // A guid is a permalink unless it says otherwise (RSS 2.0); use it when the link is missing.
  if (!link && guid && attrOf(guidNode, "isPermaLink")?.trim().toLowerCase() !== "false" && isAbsoluteHttpUrl(guid)) {
    link = guid;
  }

  const contentNode = rawNodes(record, names.names("content", "encoded"))[0];
  return {
    guid,
    // Dublin Core and iTunes stand in for the core elements when a feed uses only those.
    title: firstHtml([...rawNodes(record, ["title"]), ...rawNodes(record, names.names("dc", "title"))]),
    link,
    contentHtml: textConstructHtml(contentNode, false),
    summaryHtml: firstHtml([
      ...rawNodes(record, ["description"]),
      ...rawNodes(record, names.names("dc", "description")),
      ...rawNodes(record, names.names("itunes", "summary")),
    ]),
    author: authorName(
      firstText([
        ...rawNodes(record, ["author"]),
        ...rawNodes(record, names.names("dc", "creator")),
        ...rawNodes(record, names.names("dc", "author")),
        ...rawNodes(record, names.names("itunes", "author")),
      ]),
    ),
    published: firstText([
      ...rawNodes(record, ["pubDate"]),
      ...rawNodes(record, names.names("dc", "date")),
      ...rawNodes(record, names.names("atom", "published")),
      ...rawNodes(record, ["@published"]),
    ]),
    updated: firstText([...rawNodes(record, names.names("atom", "updated")), ...rawNodes(record, ["@updated"]), ...rawNodes(record, names.names("dcterms", "modified"))]),
    imageUrls: imageCandidates(record, names, atomLinks),
    categories: categories(record, names),
    baseUrl: itemBase,
    linkBaseUrl,
    contentBaseUrl: contentBase(contentNode, itemBase, ctx.documentUrl),
  };
}
