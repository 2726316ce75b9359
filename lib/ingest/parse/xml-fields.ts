// Field readers shared by the RSS and Atom mappings: text constructs, authors, images, categories, links.
import { isUtf8 } from "node:buffer";
import { escapeHtml } from "../sanitize";
import { attrOf, childNodes, rawNodes, textOf, withBase, type NameTable, type RawRecord } from "./xml-tree";

/**
 * A text construct as HTML. RSS text elements hold HTML by convention. Atom says what it holds:
 * text (escaped here so the sanitizer shows it literally), html, xhtml (already unwrapped to HTML by
 * the preparation pass), or Atom 0.3's MIME types and base64 mode.
 */
export function textConstructHtml(node: unknown, atom: boolean): string | null {
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

export function firstHtml(nodes: unknown[]): string | null {
  for (const node of nodes) {
    const html = textConstructHtml(node, false);
    if (html) return html;
  }
  return null;
}

/** RSS `author` is "email (Name)" by the spec, and "Name (email)" or "Name <email>" in practice; readers want the name. */
export function authorName(value: string | null): string | null {
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

export function imageCandidates(record: RawRecord, names: NameTable, atomLinks: unknown[]): string[] {
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

export function categories(record: RawRecord, names: NameTable): string[] {
  const values = [
    ...rawNodes(record, ["category", ...names.names("atom", "category")]).map((n) => attrOf(n, "label") ?? attrOf(n, "term") ?? textOf(n)),
    ...rawNodes(record, names.names("dc", "subject")).map(textOf),
  ];
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

export type LinkChoice = { href: string; xmlBase: string | null };

/** Atom-style `<link href rel type>` elements: the alternate one, preferring an HTML page. */
export function alternateLink(links: unknown[]): LinkChoice | null {
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

export function linkWithRel(links: unknown[], rel: string): string | null {
  for (const link of links) {
    if (attrOf(link, "rel")?.trim().toLowerCase() === rel) {
      const href = attrOf(link, "href")?.trim();
      if (href) return href;
    }
  }
  return null;
}

/** The base a link element sets for itself with its own xml:base, else null (the entry's base applies). */
export function linkBase(node: unknown, base: string | null, documentUrl: string): string | null {
  const xmlBase = attrOf(node, "xml:base");
  return xmlBase ? withBase(base, xmlBase, documentUrl) : null;
}

export function contentBase(node: unknown, base: string | null, documentUrl: string): string | null {
  const xmlBase = attrOf(node, "xml:base");
  return xmlBase ? withBase(base, xmlBase, documentUrl) : null;
}
