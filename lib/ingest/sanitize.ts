// Feed HTML is hostile input rendered on our origin. An allowlist (sanitize-html on htmlparser2) keeps
// the tags and attributes an article needs and rebuilds every URL attribute through the WHATWG URL
// parser, so only absolute http(s) URLs reach the page whatever encoding tricks the source used.

import sanitizeHtml from "sanitize-html";
import { resolveHttpUrl } from "../domain/url";

const ALLOWED_TAGS = [
  "p", "br", "hr", "div", "span", "section", "article", "aside", "header", "footer",
  "h1", "h2", "h3", "h4", "h5", "h6",
  "blockquote", "q", "cite", "pre", "code", "kbd", "samp", "var",
  "ul", "ol", "li", "dl", "dt", "dd",
  "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "time", "wbr",
  "figure", "figcaption", "img", "picture",
  "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
  "details", "summary",
  "iframe", "video", "audio", "source",
];

const ALLOWED_ATTRIBUTES: sanitizeHtml.IOptions["allowedAttributes"] = {
  a: ["href", "title", "target", "rel"],
  img: ["src", "srcset", "sizes", "alt", "title", "width", "height", "loading", "decoding"],
  source: ["src", "srcset", "sizes", "type", "media"],
  iframe: ["src", "width", "height", "title", "allowfullscreen", "sandbox", "loading", "referrerpolicy"],
  video: ["src", "poster", "width", "height", "controls", "preload"],
  audio: ["src", "controls", "preload"],
  blockquote: ["cite"],
  q: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  time: ["datetime"],
  abbr: ["title"],
  ol: ["start", "reversed", "type"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan", "scope"],
  col: ["span"],
  colgroup: ["span"],
};

/** Embeds we trust to run their own player; anything else framed would run a stranger's page here. */
const IFRAME_HOSTS = ["www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "youtube-nocookie.com", "player.vimeo.com", "www.dailymotion.com"];

const URL_ATTRIBUTES = new Set(["href", "src", "poster", "cite"]);

/**
 * Elements whose text is not prose (or is a whole foreign document): dropped with everything inside.
 * sanitize-html skips their descendants too, which is what removes `<svg><script>` and `<math>` tricks.
 */
const DROPPED_WITH_CONTENT = [
  ...["script", "style", "template", "noscript", "noembed", "noframes", "xmp", "title", "head"],
  ...["textarea", "option", "select", "svg", "math", "object", "embed", "applet", "frameset"],
];

/** Serialises a srcset after resolving each candidate; candidates that are not http(s) are dropped. */
function resolveSrcset(srcset: string, base: string | null): string | null {
  const out: string[] = [];
  // Follows the HTML srcset grammar: URL is a run of non-space characters (commas inside it are part
  // of it, as CDNs use them), descriptors run to the next comma.
  let i = 0;
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i]!)) i++;
    if (i >= srcset.length) break;
    let j = i;
    while (j < srcset.length && !/\s/.test(srcset[j]!)) j++;
    let url = srcset.slice(i, j);
    let descriptor = "";
    if (url.endsWith(",")) {
      url = url.replace(/,+$/, "");
    } else {
      const comma = srcset.indexOf(",", j);
      const end = comma === -1 ? srcset.length : comma;
      descriptor = srcset.slice(j, end).trim();
      j = end;
    }
    i = j;
    const resolved = resolveHttpUrl(url, base);
    if (resolved && /^[\d.]+[wx]?$|^$/.test(descriptor)) out.push(descriptor ? `${resolved} ${descriptor}` : resolved);
  }
  return out.length ? out.join(", ") : null;
}

function rewriteAttributes(tagName: string, attribs: sanitizeHtml.Attributes, base: string | null): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (URL_ATTRIBUTES.has(name)) {
      const resolved = name === "href" && /^\s*mailto:/i.test(value) ? value.trim() : resolveHttpUrl(value, base);
      if (resolved) out[name] = resolved;
    } else if (name === "srcset") {
      const resolved = resolveSrcset(value, base);
      if (resolved) out.srcset = resolved;
    } else {
      out[name] = value;
    }
  }
  switch (tagName) {
    case "a":
      if (out.href) {
        out.target = "_blank";
        out.rel = "noopener noreferrer";
      } else {
        delete out.target;
        delete out.rel;
      }
      break;
    case "img":
      out.loading = "lazy";
      out.decoding = "async";
      break;
    case "iframe":
      out.sandbox = "allow-scripts allow-same-origin allow-presentation";
      out.loading = "lazy";
      out.referrerpolicy = "strict-origin-when-cross-origin";
      break;
    case "video":
    case "audio":
      out.controls = "";
      out.preload = "none";
      break;
  }
  return out;
}

function isTrackingPixel(attribs: Record<string, string>): boolean {
  return attribs.width === "1" && attribs.height === "1";
}

/**
 * Safe article HTML: the allowlist above, relative URLs made absolute against `baseUrl` (dropped when
 * there is no base, since they would otherwise point at our own site), links opening in a new tab
 * without an opener, lazy images, and iframes only from known video hosts inside a sandbox.
 */
export function sanitizeContentHtml(html: string, baseUrl: string | null): string {
  if (!html) return "";
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https"], iframe: ["https"], source: ["http", "https"], video: ["http", "https"], audio: ["http", "https"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "poster"],
    allowProtocolRelative: false,
    allowedIframeHostnames: IFRAME_HOSTS,
    allowIframeRelativeUrls: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: "discard",
    // Real articles nest a few dozen levels at most; deeper is an attack on whoever renders it.
    nestingLimit: 100,
    parseStyleAttributes: false,
    transformTags: { "*": (tagName, attribs) => ({ tagName, attribs: rewriteAttributes(tagName, attribs, baseUrl) }) },
    exclusiveFilter: (frame) =>
      ((frame.tag === "img" || frame.tag === "iframe" || frame.tag === "source") && !frame.attribs.src && !frame.attribs.srcset) ||
      (frame.tag === "img" && isTrackingPixel(frame.attribs)),
  }).trim();
}

/** Elements that separate words when rendered: they become a space in plain text. */
const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
  "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre",
  "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
]);

/** Same as for content, plus iframe, whose "content" is fallback markup nobody reads as text. */
const PLAIN_TEXT_DROPPED = [...DROPPED_WITH_CONTENT, "iframe"];

/**
 * HTML's legacy rule decodes `&copy` without a semicolon, which mangles URLs in feed text
 * (`?a=1&copy=2`). Requiring the semicolon, as HTML does inside attributes, is the safer reading here.
 */
function protectUnterminatedEntities(text: string): string {
  return text.replace(/&(?=[a-zA-Z][a-zA-Z0-9]*(?![a-zA-Z0-9;]))/g, "&amp;");
}

function unescapeBasic(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

/** One parse of `html` keeping only text (entities decoded), with block boundaries turned into spaces. */
function extractText(html: string): string {
  const parts: string[] = [];
  sanitizeHtml(protectUnterminatedEntities(html), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: PLAIN_TEXT_DROPPED,
    onOpenTag: (name) => {
      if (BLOCK_TAGS.has(name)) parts.push(" ");
    },
    onCloseTag: (name) => {
      if (BLOCK_TAGS.has(name)) parts.push(" ");
    },
    // sanitize-html hands us the text re-escaped for HTML output; we want it raw.
    textFilter: (text) => {
      parts.push(unescapeBasic(text));
      return "";
    },
  });
  return parts.join("");
}

const ENTITY = /&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/i;

/**
 * Plain text for titles, summaries and authors: tags removed, entities decoded, whitespace collapsed.
 * Publishers often escape twice (`&amp;amp;`, `&amp;#8217;`), so text that still holds an entity after
 * decoding is decoded once more, as entities only: markup revealed by that second pass stays text.
 */
export function htmlToPlainText(html: string): string {
  if (!html) return "";
  let text = extractText(html);
  if (ENTITY.test(text)) {
    text = extractText(text.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
  }
  return text
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Text → HTML that displays exactly that text (for plain-text fields headed for the sanitizer). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The first `<img src>` of already sanitized HTML (absolute by then), for the article's image. */
export function firstImageSrc(sanitizedHtml: string): string | null {
  const match = sanitizedHtml.match(/<img\b[^>]*?\ssrc="([^"]+)"/i);
  return match ? resolveHttpUrl(unescapeBasic(match[1]!)) : null;
}
