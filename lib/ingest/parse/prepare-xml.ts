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
import { FeedParseError } from "../../domain/errors";
import { endOf, skipDeclaration, tagEnd } from "./xml-scan";

/** Element nesting a feed never needs; deeper input is refused before it reaches the tree builder. */
export const MAX_XML_DEPTH = 256;

const TEXT_CONSTRUCTS_LOCAL = new Set(["title", "description", "summary", "content", "subtitle", "tagline", "rights", "copyright"]);
const TEXT_CONSTRUCT_PREFIXED = new Set(["content:encoded", "itunes:summary", "atom:title", "atom:summary", "atom:content"]);

export const XML_FORBIDDEN_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const STRAY_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/g;

function cleanText(text: string): string {
  return text.replace(XML_FORBIDDEN_CHARS, "").replace(STRAY_AMPERSAND, "&amp;");
}

function isTextConstruct(name: string): boolean {
  return TEXT_CONSTRUCTS_LOCAL.has(name) || TEXT_CONSTRUCT_PREFIXED.has(name);
}

export type PreparedXml = { xml: string; namespaces: Map<string, Set<string>> };

export function prepareXml(text: string): PreparedXml {
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
