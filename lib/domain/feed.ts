// What the ingestion stages hand each other. Pure data.

/** A feed as the parse stage understood it, before normalization. Strings are as found (may hold HTML). */
export type ParsedFeed = {
  format: "rss" | "atom" | "rdf" | "json";
  title: string | null;
  /** The publisher's site (the feed's `link`), absolute when it could be resolved. */
  siteUrl: string | null;
  /** A WebSub hub the feed advertises (`<link rel="hub">` / JSON Feed `hubs`). */
  hubUrl: string | null;
  /** The feed's own URL as it states it (`rel="self"`), used as the WebSub topic. */
  selfUrl: string | null;
  items: ParsedItem[];
};

export type ParsedItem = {
  guid: string | null;
  title: string | null;
  link: string | null;
  /** Full content (HTML) when the feed carries it. */
  contentHtml: string | null;
  /** Short description/summary (HTML or text). */
  summaryHtml: string | null;
  author: string | null;
  /** Raw date strings; the normalize stage parses and clamps them. */
  published: string | null;
  updated: string | null;
  /** Image candidates in order of preference (media:thumbnail, media:content, enclosure, itunes:image). */
  imageUrls: string[];
  categories: string[];
  /**
   * The parse stage leaves URLs as the document wrote them and reports the bases in scope; the normalize
   * stage makes them absolute (docs/decisions/0013).
   * xml:base in effect for this entry, if any, for resolving relative links.
   */
  baseUrl: string | null;
  /** xml:base in effect on the link element itself when it sets its own (rare), for resolving `link`. */
  linkBaseUrl?: string | null;
  /** xml:base of the content element itself when it sets one (Atom), for resolving URLs inside the content. */
  contentBaseUrl?: string | null;
};

/** One article ready to store: every field cleaned, every URL absolute, every date clamped. */
export type ArticleCandidate = {
  dedupeKey: string;
  title: string;
  url: string;
  normalizedUrl: string | null;
  summary: string;
  contentHtml: string;
  contentHash: string;
  imageUrl: string | null;
  author: string | null;
  publishedAt: Date;
  updatedAt: Date;
};
