// Body → ParsedFeed. Detects the format from the content (Content-Type headers lie), reads JSON Feed
// with a zod schema and RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 with rss-parser (xml2js + sax).
//
// rss-parser's own item mapping is lossy (no xml:base, one link, no Atom 0.3 dates) and throws on an
// Atom entry with an unparseable <published> or an attribute-less <link>, which would fail a whole
// feed over one field. So it is used for what it does well — XML to a tree, format detection — and
// every field is read from the raw nodes it hands back through `customFields` with `keepArray`.

import { isUtf8 } from "node:buffer";
import Parser from "rss-parser";
import sanitizeHtml from "sanitize-html";
import { z } from "zod";
import { FeedParseError } from "../domain/errors";
import type { ParsedFeed, ParsedItem } from "../domain/feed";
import { isAbsoluteHttpUrl, resolveHttpUrl } from "../domain/url";
import { decodeBody } from "./decode-body";
import { parseFeedDate } from "./normalize";
import { escapeHtml } from "./sanitize";

/** Items kept per fetch, the most recent first; a feed with more is an archive, not news. */
export const MAX_FEED_ITEMS = 1000;
/** Element nesting a feed never needs; deeper input is refused before it reaches the tree builder. */
export const MAX_XML_DEPTH = 256;

export type FeedFormat = ParsedFeed["format"];
export type SniffedFormat = FeedFormat | "html" | "unknown";

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

/** What the body looks like, from its first significant characters. */
export function sniffFeedFormat(text: string): SniffedFormat {
  return sniffRoot(text).format;
}

// ---------------------------------------------------------------------------------------------------
// Sniffing

type Root = { format: SniffedFormat; start: number };

function sniffRoot(text: string): Root {
  let i = 0;
  const n = text.length;
  let skippedJunk = false;
  while (i < n) {
    const ch = text[i]!;
    if (ch === "\uFEFF" || /\s/.test(ch)) {
      i++;
    } else if (ch === "{" && !skippedJunk) {
      return { format: "json", start: i };
    } else if (ch !== "<") {
      // Some servers print a warning or stray bytes before the document; tolerate a little of it.
      const next = text.indexOf("<", i);
      if (skippedJunk || next === -1 || next - i > 1024) return { format: "unknown", start: 0 };
      skippedJunk = true;
      i = next;
    } else if (text.startsWith("<?", i)) {
      i = endOf(text, "?>", i + 2);
    } else if (text.startsWith("<!--", i)) {
      i = endOf(text, "-->", i + 4);
    } else if (text.startsWith("<!", i)) {
      if (/^<!doctype\s+html/i.test(text.slice(i, i + 20))) return { format: "html", start: i };
      i = skipDeclaration(text, i);
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 64))?.[1] ?? "";
      const local = name.slice(name.indexOf(":") + 1);
      if (name === "rss") return { format: "rss", start: i };
      if (name === "feed") return { format: "atom", start: i };
      if (local === "RDF") return { format: "rdf", start: i };
      if (/^(html|head|body)$/i.test(name)) return { format: "html", start: i };
      return { format: "unknown", start: i };
    }
  }
  return { format: "unknown", start: 0 };
}

/** Index just past `terminator` searched from `from`, or the end of the text. */
function endOf(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

/** Skips `<!DOCTYPE …>` including an internal subset `[…]` whose entity values may hold `>`. */
function skipDeclaration(text: string, start: number): number {
  let quote: string | null = null;
  let bracket = 0;
  for (let i = start + 2; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "[") {
      bracket++;
    } else if (ch === "]") {
      bracket = Math.max(0, bracket - 1);
    } else if (ch === ">" && bracket === 0) {
      return i + 1;
    }
  }
  return text.length;
}

/** Index just past the `>` closing the tag that starts at `start` (quotes respected), or -1. */
function tagEnd(text: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">") {
      return i + 1;
    } else if (ch === "<") {
      return -1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// XML preparation: one linear pass that makes real-world feeds acceptable to a strict parser and
// takes away what could hurt us.
//  - DOCTYPE declarations are removed: no internal subset, so no entity expansion ("billion laughs");
//    sax never fetches external entities either way.
//  - `&` that does not start an XML entity or character reference is escaped. That covers bare
//    ampersands in URLs and HTML entities (`&nbsp;`), which later HTML decoding restores, and leaves
//    any entity a stripped DOCTYPE declared as inert text.
//  - Control characters XML forbids are dropped.
//  - Text constructs (title, description, content…) holding unescaped markup — Atom xhtml, or HTML
//    pasted into RSS — are turned into CDATA, because a tree builder loses mixed-content order.
//  - Nesting deeper than MAX_XML_DEPTH is refused.

const TEXT_CONSTRUCTS_LOCAL = new Set(["title", "description", "summary", "content", "subtitle", "tagline", "rights", "copyright"]);
const TEXT_CONSTRUCT_PREFIXED = new Set(["content:encoded", "itunes:summary", "atom:title", "atom:summary", "atom:content"]);

const XML_FORBIDDEN_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const STRAY_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/g;

function cleanText(text: string): string {
  return text.replace(XML_FORBIDDEN_CHARS, "").replace(STRAY_AMPERSAND, "&amp;");
}

function isTextConstruct(name: string): boolean {
  return TEXT_CONSTRUCTS_LOCAL.has(name) || TEXT_CONSTRUCT_PREFIXED.has(name);
}

type PreparedXml = { xml: string; namespaces: Map<string, Set<string>> };

function prepareXml(text: string): PreparedXml {
  const out: string[] = [];
  const namespaces = new Map<string, Set<string>>();
  const unclosed = new Set<string>();
  let depth = 0;
  let pos = 0;
  const n = text.length;

  while (pos < n) {
    const lt = text.indexOf("<", pos);
    if (lt === -1) {
      out.push(cleanText(text.slice(pos)));
      break;
    }
    if (lt > pos) out.push(cleanText(text.slice(pos, lt)));

    if (text.startsWith("<![CDATA[", lt)) {
      const end = endOf(text, "]]>", lt + 9);
      out.push(text.slice(lt, end).replace(XML_FORBIDDEN_CHARS, ""));
      pos = end;
      continue;
    }
    if (text.startsWith("<!--", lt)) {
      pos = endOf(text, "-->", lt + 4);
      continue;
    }
    if (text.startsWith("<!", lt)) {
      pos = skipDeclaration(text, lt);
      continue;
    }
    if (text.startsWith("<?", lt)) {
      // The XML declaration's only remaining job was the encoding, already applied.
      pos = endOf(text, "?>", lt + 2);
      continue;
    }

    const end = tagEnd(text, lt);
    if (end === -1) {
      // A lone `<` in text: escape it and let the strict parser judge the rest.
      out.push("&lt;");
      pos = lt + 1;
      continue;
    }
    const tag = text.slice(lt, end);
    if (tag[1] === "/") {
      depth--;
      out.push(tag);
      pos = end;
      continue;
    }

    const name = /^<([^\s/>]+)/.exec(tag)?.[1] ?? "";
    if (tag.includes("xmlns:")) collectNamespaces(tag, namespaces);
    const selfClosing = tag.endsWith("/>");
    if (!selfClosing && ++depth > MAX_XML_DEPTH) {
      throw new FeedParseError(`The feed nests elements more than ${MAX_XML_DEPTH} deep`);
    }

    if (!selfClosing && isTextConstruct(name) && !unclosed.has(name)) {
      const close = findClose(text, end, name);
      if (!close) {
        unclosed.add(name);
      } else {
        const inner = text.slice(end, close.innerEnd);
        if (hasMarkup(inner)) {
          out.push(htmlTypedTag(cleanText(tag), name), toCdata(markupToHtml(inner, /\stype\s*=\s*["']xhtml["']/i.test(tag))), `</${name}>`);
          depth--;
          pos = close.closeEnd;
          continue;
        }
      }
    }
    out.push(cleanText(tag));
    pos = end;
  }
  return { xml: out.join(""), namespaces };
}

function collectNamespaces(tag: string, namespaces: Map<string, Set<string>>): void {
  for (const match of tag.matchAll(/\sxmlns:([\w.-]+)\s*=\s*(["'])(.*?)\2/g)) {
    // Compared case-insensitively: Apple's own documentation spells the iTunes URI with capitals.
    const uri = match[3]!.trim().toLowerCase();
    const prefixes = namespaces.get(uri) ?? new Set<string>();
    prefixes.add(match[1]!);
    namespaces.set(uri, prefixes);
  }
}

/** Finds the `</name>` matching an open tag that ended at `from`, counting nested same-name opens. */
function findClose(text: string, from: number, name: string): { innerEnd: number; closeEnd: number } | null {
  let depth = 1;
  let i = from;
  const boundary = /[\s/>]/;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) return null;
    if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt + 9);
      if (end === -1) return null;
      i = end + 3;
    } else if (text.startsWith("<!--", lt)) {
      i = endOf(text, "-->", lt + 4);
    } else if (text[lt + 1] === "/" && text.startsWith(name, lt + 2) && boundary.test(text[lt + 2 + name.length] ?? "")) {
      const gt = text.indexOf(">", lt);
      if (gt === -1) return null;
      if (--depth === 0) return { innerEnd: lt, closeEnd: gt + 1 };
      i = gt + 1;
    } else if (text.startsWith(name, lt + 1) && boundary.test(text[lt + 1 + name.length] ?? "")) {
      const gt = tagEnd(text, lt);
      if (gt === -1) return null;
      if (text[gt - 2] !== "/") depth++;
      i = gt;
    } else {
      i = lt + 1;
    }
  }
  return null;
}

/** True when the content has markup outside CDATA sections (element tags or comments). */
function hasMarkup(inner: string): boolean {
  let i = 0;
  while (i < inner.length) {
    const lt = inner.indexOf("<", i);
    if (lt === -1) return false;
    if (!inner.startsWith("<![CDATA[", lt)) return true;
    const end = inner.indexOf("]]>", lt + 9);
    if (end === -1) return false;
    i = end + 3;
  }
  return false;
}

/** Inline markup as an HTML string: CDATA sections unwrapped, and for Atom xhtml the wrapper div and namespace prefixes removed. */
function markupToHtml(inner: string, xhtml: boolean): string {
  let html = inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1").replace(XML_FORBIDDEN_CHARS, "");
  if (xhtml) {
    html = html.replace(/<(\/?)[\w.-]+:([\w.-]+)/g, "<$1$2");
    const wrapped = /^\s*<div\b[^>]*>([\s\S]*)<\/div>\s*$/.exec(html);
    if (wrapped) html = wrapped[1]!;
  }
  return html.trim();
}

function toCdata(text: string): string {
  return `<![CDATA[${text.replace(/\]\]>/g, "]]]]><![CDATA[>")}]]>`;
}

/** Marks a converted text construct as HTML, whatever type/mode it declared. */
function htmlTypedTag(tag: string, name: string): string {
  const attributes = tag
    .slice(1 + name.length, -1)
    .replace(/\s(?:type|mode)\s*=\s*(["'])[^"']*\1/g, "");
  return `<${name}${attributes} type="html">`;
}

// ---------------------------------------------------------------------------------------------------
// Reading the tree

/** Namespaces we read, with the prefix feeds conventionally give them. */
const NAMESPACES = {
  atom: { uri: "http://www.w3.org/2005/Atom", prefix: "atom" },
  content: { uri: "http://purl.org/rss/1.0/modules/content/", prefix: "content" },
  dc: { uri: "http://purl.org/dc/elements/1.1/", prefix: "dc" },
  dcterms: { uri: "http://purl.org/dc/terms/", prefix: "dcterms" },
  media: { uri: "http://search.yahoo.com/mrss/", prefix: "media" },
  itunes: { uri: "http://www.itunes.com/dtds/podcast-1.0.dtd", prefix: "itunes" },
} as const;
type Namespace = keyof typeof NAMESPACES;

/**
 * rss-parser's Atom mapping parses these itself and throws on bad values; renamed (to names no XML
 * element can have), it never sees them and we read them raw.
 */
const HIDDEN_FROM_RSS_PARSER: Record<string, string> = { link: "@link", published: "@published", updated: "@updated" };

type XmlElement = { _?: unknown; $?: Record<string, unknown>; [child: string]: unknown };
type RawRecord = Record<string, unknown>;

const RAW = "raw:";

/** Qualified names under which a namespaced element may appear in this document. */
class NameTable {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly declared: Map<string, Set<string>>) {}

  names(ns: Namespace, local: string): string[] {
    const key = `${ns} ${local}`;
    let names = this.cache.get(key);
    if (!names) {
      names = this.resolve(ns, local);
      this.cache.set(key, names);
    }
    return names;
  }

  private resolve(ns: Namespace, local: string): string[] {
    const { uri, prefix } = NAMESPACES[ns];
    const prefixes = new Set<string>([prefix]);
    for (const variant of [uri, uri.replace(/\/$/, ""), `${uri}/`].map((u) => u.toLowerCase())) {
      for (const p of this.declared.get(variant) ?? []) prefixes.add(p);
    }
    return [...prefixes].map((p) => `${p}:${local}`);
  }
}

const ITEM_PLAIN_FIELDS = [
  ...["$", "title", "@link", "guid", "id", "description", "summary", "content", "author", "category", "enclosure"],
  ...["pubDate", "@published", "@updated", "issued", "modified", "created"],
];
const FEED_PLAIN_FIELDS = ["$", "title", "@link", "author"];

function itemFieldNames(names: NameTable): string[] {
  return [
    ...ITEM_PLAIN_FIELDS,
    ...names.names("content", "encoded"),
    ...names.names("dc", "creator"),
    ...names.names("dc", "author"),
    ...names.names("dc", "title"),
    ...names.names("dc", "description"),
    ...names.names("dc", "date"),
    ...names.names("dc", "subject"),
    ...names.names("dcterms", "modified"),
    ...names.names("media", "thumbnail"),
    ...names.names("media", "content"),
    ...names.names("media", "group"),
    ...names.names("itunes", "image"),
    ...names.names("itunes", "author"),
    ...names.names("itunes", "summary"),
    ...names.names("atom", "link"),
    ...names.names("atom", "category"),
    ...names.names("atom", "published"),
    ...names.names("atom", "updated"),
  ];
}

function feedFieldNames(names: NameTable): string[] {
  return [...FEED_PLAIN_FIELDS, ...names.names("atom", "link"), ...names.names("dc", "title")];
}

function rawFields(qnames: string[]): [string, string, { keepArray: boolean }][] {
  return qnames.map((q) => [q, RAW + q, { keepArray: true }]);
}

function isElement(node: unknown): node is XmlElement {
  return typeof node === "object" && node !== null && !Array.isArray(node);
}

function textOf(node: unknown): string {
  if (typeof node === "string") return node;
  if (isElement(node) && typeof node._ === "string") return node._;
  return "";
}

function attrOf(node: unknown, name: string): string | null {
  if (!isElement(node) || !isElement(node.$)) return null;
  const value = node.$[name];
  return typeof value === "string" ? value : null;
}

/** All raw nodes for any of `qnames` in a record rss-parser built from our customFields. */
function rawNodes(record: RawRecord, qnames: string[]): unknown[] {
  const nodes: unknown[] = [];
  for (const q of qnames) {
    const value = record[RAW + q];
    if (Array.isArray(value)) nodes.push(...value);
  }
  return nodes;
}

/** Child nodes of a raw element (for nested structures like media:group). */
function childNodes(node: unknown, qnames: string[]): unknown[] {
  if (!isElement(node)) return [];
  return qnames.flatMap((q) => {
    const value = node[q];
    return Array.isArray(value) ? value : [];
  });
}

function rawAttributes(record: RawRecord): Record<string, unknown> {
  const attrs = record[RAW + "$"];
  return isElement(attrs) ? attrs : {};
}

function firstText(nodes: unknown[]): string | null {
  for (const node of nodes) {
    const text = textOf(node).trim();
    if (text) return text;
  }
  return null;
}

/**
 * The xml:base in effect below an element: its own, resolved against its parent's (or, at the top,
 * the document's URL), else the parent's. Null while no xml:base has been seen, so that relative
 * links are left for the normalize stage to resolve against the site.
 */
function withBase(parent: string | null, xmlBase: unknown, documentUrl: string): string | null {
  if (typeof xmlBase !== "string" || !xmlBase.trim()) return parent;
  return resolveHttpUrl(xmlBase, parent ?? documentUrl) ?? parent;
}

function resolveAgainst(ref: string | null, base: string | null): string | null {
  if (!ref) return null;
  return base ? (resolveHttpUrl(ref, base) ?? ref) : ref;
}

/**
 * A text construct as HTML. RSS text elements hold HTML by convention. Atom says what it holds:
 * text (escaped here so the sanitizer shows it literally), html, xhtml (already unwrapped to HTML by
 * the preparation pass), or Atom 0.3's MIME types and base64 mode.
 */
function textConstructHtml(node: unknown, atom: boolean): string | null {
  let value = textOf(node);
  if (!value.trim()) return null;
  if (!atom) return value.trim();
  const type = (attrOf(node, "type") ?? "text").trim().toLowerCase();
  const mode = (attrOf(node, "mode") ?? "").trim().toLowerCase();
  const markup = type === "html" || type === "xhtml" || type === "text/html" || type.endsWith("+xml") || type.endsWith("/xml");
  const text = type === "text" || type.startsWith("text/");
  if (mode === "base64") {
    value = decodeBase64Text(value) ?? "";
  } else if (!markup && !text) {
    // Atom: any other media type is base64 — when it decodes to text; otherwise it was never encoded.
    value = decodeBase64Text(value) ?? value;
  }
  value = value.trim();
  if (!value) return null;
  if (text && mode !== "escaped") return escapeHtml(value);
  return value;
}

function decodeBase64Text(value: string): string | null {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return null;
  const bytes = Buffer.from(compact, "base64");
  return isUtf8(bytes) ? bytes.toString("utf8") : null;
}

function firstHtml(nodes: unknown[]): string | null {
  for (const node of nodes) {
    const html = textConstructHtml(node, false);
    if (html) return html;
  }
  return null;
}

/** RSS `author` is "email (Name)" by the spec, and "Name (email)" or "Name <email>" in practice; readers want the name. */
function authorName(value: string | null): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const named = /^\S+@\S+\s*\((.+)\)$/.exec(trimmed) ?? /^(.+?)\s*[(<]\S+@[^\s)>]+[)>]$/.exec(trimmed);
  return (named?.[1] ?? trimmed).trim() || null;
}

const IMAGE_EXTENSION = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

function isImageMedia(node: unknown, url: string): boolean {
  const medium = attrOf(node, "medium")?.toLowerCase();
  const type = attrOf(node, "type")?.toLowerCase();
  if (medium) return medium === "image";
  if (type) return type.startsWith("image/");
  return IMAGE_EXTENSION.test(url);
}

function imageCandidates(record: RawRecord, names: NameTable, atomLinks: unknown[]): string[] {
  const thumbnailNames = names.names("media", "thumbnail");
  const contentNames = names.names("media", "content");
  const groups = rawNodes(record, names.names("media", "group"));
  const contents = [...rawNodes(record, contentNames), ...groups.flatMap((g) => childNodes(g, contentNames))];
  const urls: (string | null)[] = [
    ...rawNodes(record, thumbnailNames).map((n) => attrOf(n, "url")),
    ...groups.flatMap((g) => childNodes(g, thumbnailNames)).map((n) => attrOf(n, "url")),
    ...contents.map((n) => {
      const url = attrOf(n, "url");
      return url && isImageMedia(n, url) ? url : null;
    }),
    ...contents.flatMap((n) => childNodes(n, thumbnailNames)).map((n) => attrOf(n, "url")),
    ...rawNodes(record, ["enclosure"]).map((n) => {
      const url = attrOf(n, "url");
      return url && isImageMedia(n, url) ? url : null;
    }),
    ...atomLinks.map((n) => (attrOf(n, "rel") === "enclosure" && attrOf(n, "type")?.startsWith("image/") ? attrOf(n, "href") : null)),
    ...rawNodes(record, names.names("itunes", "image")).map((n) => attrOf(n, "href") ?? (textOf(n).trim() || null)),
  ];
  return [...new Set(urls.filter((u): u is string => !!u && !!u.trim()).map((u) => u.trim()))];
}

function categories(record: RawRecord, names: NameTable): string[] {
  const values = [
    ...rawNodes(record, ["category", ...names.names("atom", "category")]).map((n) => attrOf(n, "label") ?? attrOf(n, "term") ?? textOf(n)),
    ...rawNodes(record, names.names("dc", "subject")).map(textOf),
  ];
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

type LinkChoice = { href: string; xmlBase: string | null };

/** Atom-style `<link href rel type>` elements: the alternate one, preferring an HTML page. */
function alternateLink(links: unknown[]): LinkChoice | null {
  let best: LinkChoice | null = null;
  let bestScore = -1;
  for (const link of links) {
    // Atom 0.3 feeds and confused RSS feeds sometimes give the URL as the element's text.
    const href = (attrOf(link, "href") ?? textOf(link)).trim();
    if (!href) continue;
    const rel = (attrOf(link, "rel") ?? "alternate").trim().toLowerCase();
    if (rel !== "alternate") continue;
    const type = attrOf(link, "type")?.toLowerCase() ?? "";
    const score = !type || type.includes("html") ? 2 : 1;
    if (score > bestScore) {
      best = { href, xmlBase: attrOf(link, "xml:base") };
      bestScore = score;
    }
  }
  return best;
}

function linkWithRel(links: unknown[], rel: string): string | null {
  for (const link of links) {
    if (attrOf(link, "rel")?.trim().toLowerCase() === rel) {
      const href = attrOf(link, "href")?.trim();
      if (href) return href;
    }
  }
  return null;
}

type FeedContext = { names: NameTable; documentUrl: string; base: string | null; feedAuthor: string | null };

function mapRssItem(record: RawRecord, ctx: FeedContext): ParsedItem {
  const { names } = ctx;
  const itemBase = withBase(ctx.base, rawAttributes(record)["xml:base"], ctx.documentUrl);

  // RSS <link> is text; some feeds put Atom-style attributes on it instead, or only an atom:link.
  const linkNodes = rawNodes(record, ["@link"]);
  let link: string | null = null;
  for (const node of linkNodes) {
    const href = (textOf(node).trim() || attrOf(node, "href")?.trim()) ?? "";
    if (href) {
      link = resolveAgainst(href, withBase(itemBase, attrOf(node, "xml:base"), ctx.documentUrl));
      break;
    }
  }
  const atomLinks = rawNodes(record, names.names("atom", "link"));
  if (!link) {
    const alternate = alternateLink(atomLinks);
    if (alternate) link = resolveAgainst(alternate.href, withBase(itemBase, alternate.xmlBase, ctx.documentUrl));
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
    contentBaseUrl: contentBase(contentNode, itemBase, ctx.documentUrl),
  };
}

function mapAtomEntry(record: RawRecord, ctx: FeedContext): ParsedItem {
  const { names } = ctx;
  const entryBase = withBase(ctx.base, rawAttributes(record)["xml:base"], ctx.documentUrl);

  const links = rawNodes(record, ["@link"]);
  const alternate = alternateLink(links);
  const link = alternate ? resolveAgainst(alternate.href, withBase(entryBase, alternate.xmlBase, ctx.documentUrl)) : null;

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
    contentBaseUrl: contentBase(contentNode, entryBase, ctx.documentUrl),
  };
}

function contentBase(node: unknown, base: string | null, documentUrl: string): string | null {
  const xmlBase = attrOf(node, "xml:base");
  return xmlBase ? withBase(base, xmlBase, documentUrl) : null;
}

type RssParserOutput = { items: RawRecord[] } & RawRecord;

/**
 * sax in loose mode upper-cases names, and xml2js can only fold them back to one case; these are the
 * mixed-case names the mapping reads.
 */
const LOOSE_TAG_NAMES: Record<string, string> = { pubdate: "pubDate" };
const LOOSE_ATTRIBUTE_NAMES: Record<string, string> = { ispermalink: "isPermaLink" };

/** rss-parser recognises RSS 1.0 only as `rdf:RDF`, whatever prefix the document bound to RDF. */
function canonicalTagName(name: string): string {
  if (/^[\w.-]+:RDF$/i.test(name)) return "rdf:RDF";
  return HIDDEN_FROM_RSS_PARSER[name] ?? name;
}

function runRssParser(xml: string, names: NameTable, strict: boolean): Promise<RssParserOutput> {
  const parser = new Parser<RawRecord, RawRecord>({
    defaultRSS: 2,
    xml2js: strict
      ? { tagNameProcessors: [canonicalTagName] }
      : {
          strict: false,
          tagNameProcessors: [(name: string) => canonicalTagName(LOOSE_TAG_NAMES[name.toLowerCase()] ?? name.toLowerCase())],
          attrNameProcessors: [(name: string) => LOOSE_ATTRIBUTE_NAMES[name.toLowerCase()] ?? name.toLowerCase()],
        },
    customFields: {
      // rss-parser's types only admit plain names for feed fields, but its copy accepts the same
      // [from, to, options] tuples at both levels.
      feed: rawFields(feedFieldNames(names)) as unknown as string[],
      item: rawFields(itemFieldNames(names)),
    },
  });
  return parser.parseString(xml) as unknown as Promise<RssParserOutput>;
}

async function parseXmlFeed(text: string, format: "rss" | "atom" | "rdf", feedUrl: string): Promise<ParsedFeed> {
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

// ---------------------------------------------------------------------------------------------------
// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1). Lenient field by field: a wrong type drops
// that field, an unusable item drops that item, never the feed.

const looseString = z.string().optional().catch(undefined);
const JsonFeedAuthor = z.object({ name: looseString, url: looseString }).optional().catch(undefined);
const JsonFeedAttachment = z.object({ url: z.string(), mime_type: looseString });
const JsonFeedItem = z.object({
  id: z.union([z.string(), z.number()]).optional().catch(undefined),
  url: looseString,
  external_url: looseString,
  title: looseString,
  content_html: looseString,
  content_text: looseString,
  summary: looseString,
  image: looseString,
  banner_image: looseString,
  date_published: looseString,
  date_modified: looseString,
  author: JsonFeedAuthor,
  authors: z.array(JsonFeedAuthor).optional().catch(undefined),
  tags: z.array(z.string()).optional().catch(undefined),
  attachments: z.array(JsonFeedAttachment.optional().catch(undefined)).optional().catch(undefined),
});
const JsonFeed = z.object({
  version: looseString,
  title: looseString,
  home_page_url: looseString,
  feed_url: looseString,
  hubs: z.array(z.object({ type: looseString, url: looseString }).optional().catch(undefined)).optional().catch(undefined),
  author: JsonFeedAuthor,
  authors: z.array(JsonFeedAuthor).optional().catch(undefined),
  items: z.array(z.unknown()).optional().catch(undefined),
});

/** content_text is plain text: paragraphs and line breaks kept, everything else literal. */
function plainTextToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function nonEmpty(value: string | undefined): string | null {
  return value && value.trim() ? value.trim() : null;
}

function parseJsonFeed(text: string, feedUrl: string): ParsedFeed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FeedParseError("The document is not valid JSON");
  }
  const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
  const record = isObject ? (data as Record<string, unknown>) : {};
  const isJsonFeed = (typeof record.version === "string" && record.version.includes("jsonfeed.org")) || Array.isArray(record.items);
  if (!isJsonFeed) throw new FeedParseError("The JSON document is not a JSON Feed");

  const feed = JsonFeed.parse(record);
  const feedAuthor = nonEmpty(feed.authors?.find((a) => a?.name)?.name) ?? nonEmpty(feed.author?.name);
  const items: ParsedItem[] = [];
  for (const raw of feed.items ?? []) {
    const parsed = JsonFeedItem.safeParse(raw);
    if (!parsed.success) continue;
    const item = parsed.data;
    const contentHtml = nonEmpty(item.content_html) ?? (nonEmpty(item.content_text) ? plainTextToHtml(item.content_text!) : null);
    const attachmentImages = (item.attachments ?? []).filter((a) => a?.mime_type?.startsWith("image/")).map((a) => a!.url);
    items.push({
      guid: item.id === undefined ? null : nonEmpty(String(item.id)),
      title: nonEmpty(item.title) ? escapeHtml(item.title!.trim()) : null,
      link: nonEmpty(item.url) ?? nonEmpty(item.external_url),
      contentHtml,
      summaryHtml: nonEmpty(item.summary) ? escapeHtml(item.summary!.trim()) : null,
      author: nonEmpty(item.authors?.find((a) => a?.name)?.name) ?? nonEmpty(item.author?.name) ?? feedAuthor,
      published: nonEmpty(item.date_published),
      updated: nonEmpty(item.date_modified),
      imageUrls: [...new Set([item.image, item.banner_image, ...attachmentImages].filter((u): u is string => !!u && !!u.trim()))],
      categories: (item.tags ?? []).map((t) => t.trim()).filter(Boolean),
      baseUrl: null,
    });
  }
  const siteUrl = resolveHttpUrl(feed.home_page_url, feedUrl);
  return {
    format: "json",
    title: nonEmpty(feed.title),
    siteUrl,
    hubUrl: resolveHttpUrl(feed.hubs?.find((h) => h?.url)?.url, feedUrl),
    selfUrl: resolveHttpUrl(feed.feed_url, feedUrl),
    items,
  };
}

// ---------------------------------------------------------------------------------------------------

/** Trims oversized feeds to the MAX_FEED_ITEMS most recent items (undated ones count as newest), in feed order. */
function keepMostRecent(feed: ParsedFeed): ParsedFeed {
  if (feed.items.length <= MAX_FEED_ITEMS) return feed;
  const ranked = feed.items.map((item, index) => ({ index, time: parseFeedDate(item.published ?? item.updated)?.getTime() ?? Number.POSITIVE_INFINITY }));
  ranked.sort((a, b) => (b.time === a.time ? a.index - b.index : b.time > a.time ? 1 : -1));
  const kept = ranked.slice(0, MAX_FEED_ITEMS).map((r) => r.index).sort((a, b) => a - b);
  return { ...feed, items: kept.map((i) => feed.items[i]!) };
}

// ---------------------------------------------------------------------------------------------------
// Feed discovery in an HTML page (for adding a site's homepage as a source).

const FEED_LINK_TYPES = new Set(["application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"]);

/** Absolute URLs of the feeds a page advertises with `<link rel="alternate" type=…>`, in page order. */
export function discoverFeedLinks(html: string, baseUrl: string): string[] {
  const links: Record<string, string>[] = [];
  let base: string | null = null;
  // sanitize-html is used only as its HTML parser here: comments and script bodies are skipped and
  // attribute entities decoded the way a browser would, which a regex would get wrong.
  sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    onOpenTag: (name, attribs) => {
      if (name === "link") links.push(attribs);
      // Only the first <base href> counts, as in browsers.
      else if (name === "base" && base === null && attribs.href) base = resolveHttpUrl(attribs.href, baseUrl) ?? baseUrl;
    },
  });
  const found: string[] = [];
  for (const attrs of links) {
    const rels = (attrs.rel ?? "").toLowerCase().split(/\s+/);
    const type = (attrs.type ?? "").toLowerCase().split(";")[0]!.trim();
    if (!rels.includes("alternate") || !FEED_LINK_TYPES.has(type)) continue;
    const url = resolveHttpUrl(attrs.href, base ?? baseUrl);
    if (url && !found.includes(url)) found.push(url);
  }
  return found;
}
