// Atom 0.3 and 1.0 entries → ParsedItem, from the raw nodes xml-tree.ts hands back.
import type { ParsedItem } from "../../domain/feed";
import { alternateLink, categories, contentBase, imageCandidates, textConstructHtml } from "./xml-fields";
import { childNodes, firstText, rawAttributes, rawNodes, withBase, type RawRecord } from "./xml-tree";
import type { FeedContext } from "./xml";

export function mapAtomEntry(record: RawRecord, ctx: FeedContext): ParsedItem {
  const { names } = ctx;
  const entryBase = withBase(ctx.base, rawAttributes(record)["xml:base"], ctx.documentUrl);

  const links = rawNodes(record, ["@link"]);
  const alternate = alternateLink(links);
  const link = alternate?.href ?? null;

  const contentNode = rawNodes(record, ["content"])[0];
  const authorNode = rawNodes(record, ["author"])[0];
  return {
    guid: firstText(rawNodes(record, ["id"])),
    title: textConstructHtml(rawNodes(record, ["title"])[0], true),
    link,
    contentHtml: textConstructHtml(contentNode, true),
    summaryHtml: textConstructHtml(rawNodes(record, ["summary"])[0], true),
    author: firstText(childNodes(authorNode, ["name"])) ?? ctx.feedAuthor,
    // Atom 0.3 called them issued/created and modified.
    published: firstText([...rawNodes(record, ["@published"]), ...rawNodes(record, ["issued"]), ...rawNodes(record, ["created"])]),
    updated: firstText([...rawNodes(record, ["@updated"]), ...rawNodes(record, ["modified"])]),
    imageUrls: imageCandidates(record, names, links),
    categories: categories(record, names),
    baseUrl: entryBase,
    linkBaseUrl: alternate?.xmlBase ? withBase(entryBase, alternate.xmlBase, ctx.documentUrl) : null,
    contentBaseUrl: contentBase(contentNode, entryBase, ctx.documentUrl),
  };
}
