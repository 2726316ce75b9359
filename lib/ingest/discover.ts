// Feed discovery in an HTML page: adding a site's homepage as a source finds the feeds it advertises.
import sanitizeHtml from "sanitize-html";
import { resolveHttpUrl } from "../domain/url";

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
