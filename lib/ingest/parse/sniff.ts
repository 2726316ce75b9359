// Which format a body holds, judged from its first significant characters (Content-Type headers lie).
import type { ParsedFeed } from "../../domain/feed";
import { endOf, skipDeclaration } from "./xml-scan";

export type FeedFormat = ParsedFeed["format"];
export type SniffedFormat = FeedFormat | "html" | "unknown";

/** What the body looks like, from its first significant characters. */
export function sniffFeedFormat(text: string): SniffedFormat {
  return sniffRoot(text).format;
}

export type Root = { format: SniffedFormat; start: number };

export function sniffRoot(text: string): Root {
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
