// ParsedFeed → ArticleCandidate[]: every field cleaned, every URL absolute, every date believable.
// Entry URLs become absolute here and only here: the parse stage reports them as written with the bases in
// scope (xml:base of the entry, of its link, of its content); the rule for the rest is below (the entry's
// base, else the publisher's site, else the feed's own URL), and the sanitizer applies the content's base to
// the URLs inside its HTML.

import type { ArticleCandidate, ParsedFeed, ParsedItem } from "../domain/feed";
import { sha256Hex } from "../domain/hash";
import { isAbsoluteHttpUrl, normalizeArticleUrl, resolveHttpUrl } from "../domain/url";
import { firstImageSrc, htmlToPlainText, sanitizeContentHtml } from "./sanitize";

export { normalizeArticleUrl } from "../domain/url";

export const MAX_TITLE_LENGTH = 300;
export const MAX_SUMMARY_LENGTH = 400;
const MAX_AUTHOR_LENGTH = 200;
/** Words of the summary used as a title when an item has none. */
const FALLBACK_TITLE_LENGTH = 100;
/** Clock skew tolerated before a date counts as "in the future" and is clamped to the fetch time. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export function normalizeItems(feed: ParsedFeed, context: { feedUrl: string; fetchedAt: Date }): ArticleCandidate[] {
  const siteBase = resolveHttpUrl(feed.siteUrl, context.feedUrl);
  const seen = new Set<string>();
  const candidates: ArticleCandidate[] = [];
  for (const item of feed.items) {
    const candidate = normalizeItem(item, { feedUrl: context.feedUrl, siteBase, fetchedAt: context.fetchedAt });
    if (seen.has(candidate.dedupeKey)) continue;
    seen.add(candidate.dedupeKey);
    candidates.push(candidate);
  }
  return candidates;
}

type ItemContext = { feedUrl: string; siteBase: string | null; fetchedAt: Date };

function normalizeItem(item: ParsedItem, ctx: ItemContext): ArticleCandidate {
  // Relative URLs: the entry's xml:base when it has one, else the publisher's site, else the feed.
  const base = item.baseUrl ?? ctx.siteBase ?? ctx.feedUrl;

  const link = resolveHttpUrl(item.link, item.linkBaseUrl ?? base);
  const guid = item.guid?.trim() || null;
  const url = link ?? (guid && isAbsoluteHttpUrl(guid) ? resolveHttpUrl(guid) : null) ?? ctx.siteBase ?? resolveHttpUrl(ctx.feedUrl) ?? ctx.feedUrl;

  // A description that is only an image has no words; the content may.
  const summaryText = htmlToPlainText(item.summaryHtml ?? "") || htmlToPlainText(item.contentHtml ?? "");
  const summary = truncateAtWord(summaryText, MAX_SUMMARY_LENGTH);
  const plainTitle = item.title ? htmlToPlainText(item.title) : "";
  const title = truncateAtWord(plainTitle || truncateAtWord(summary, FALLBACK_TITLE_LENGTH) || "Untitled", MAX_TITLE_LENGTH);

  const contentHtml = sanitizeContentHtml(item.contentHtml ?? item.summaryHtml ?? "", item.contentBaseUrl ?? base);

  const imageUrl = item.imageUrls.map((candidate) => resolveHttpUrl(candidate, base)).find((u) => u !== null) ?? firstImageSrc(contentHtml);

  const publishedAt = clampDate(parseFeedDate(item.published ?? item.updated), ctx.fetchedAt);
  let updatedAt = clampDate(parseFeedDate(item.updated ?? item.published), ctx.fetchedAt);
  if (updatedAt < publishedAt) updatedAt = publishedAt;

  const author = item.author ? truncateAtWord(htmlToPlainText(item.author), MAX_AUTHOR_LENGTH) || null : null;

  return {
    dedupeKey: dedupeKey(guid, link, title, summary),
    title,
    url,
    normalizedUrl: normalizeArticleUrl(url),
    summary,
    contentHtml,
    contentHash: sha256Hex(`${title}\n${summary}\n${contentHtml}`),
    imageUrl,
    author,
    publishedAt,
    updatedAt,
  };
}

/** The item's identity within its source: the publisher's guid, else its link, else its words. */
function dedupeKey(guid: string | null, link: string | null, title: string, summary: string): string {
  if (guid) return `g:${guid}`;
  const normalized = link ? normalizeArticleUrl(link) : null;
  if (normalized) return `l:${normalized}`;
  return `h:${sha256Hex(`${title}\n${summary}`)}`;
}

/** Missing, unparseable and future dates all become the fetch time: the moment we first saw the item. */
function clampDate(date: Date | null, fetchedAt: Date): Date {
  if (!date || date.getTime() > fetchedAt.getTime() + FUTURE_TOLERANCE_MS) return new Date(fetchedAt.getTime());
  return date;
}

/** Cuts at a word boundary and marks the cut with "…"; short text is returned as is. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  if (space > max * 0.6) cut = cut.slice(0, space);
  // Never leave half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/[\s,;:.\-–—]+$/, "")}…`;
}

// ---------------------------------------------------------------------------------------------------
// Dates. Feeds use RFC 822 (often loosely: named zones, missing weekday, two-digit years), ISO 8601
// (often without a zone) and worse. `Date.parse` reads zone-less strings in the server's local time
// and knows only a few US zone names, so the common shapes are parsed here and it is the last resort.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, sept: 8, oct: 9, nov: 10, dec: 11,
};

/** Offsets in minutes. Ambiguous abbreviations take their most common meaning in news feeds. */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, BST: 60, IST: 330, CET: 60, MET: 60, CEST: 120, MEST: 120, WEST: 60,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, AST: -240, ADT: -180, NST: -210, NDT: -150,
  JST: 540, KST: 540, HKT: 480, SGT: 480, PHT: 480, AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660,
  NZST: 720, NZDT: 780, WIB: 420,
};

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone) return 0;
  // "+0000 (UTC)": the parenthesised part is a comment; "(UTC)" alone is the zone.
  const z = zone.trim().replace(/^(\S.*?)\s*\(.*\)$/, "$1").replace(/^\(|\)$/g, "");
  if (!z) return 0;
  const numeric = /^(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(z);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === "-" ? -minutes : minutes;
  }
  const upper = z.toUpperCase();
  if (upper in ZONES) return ZONES[upper]!;
  // RFC 822's single-letter military zones had their signs published backwards; RFC 1123 says to
  // treat them as unknown, i.e. UTC.
  if (/^[A-IK-Z]$/.test(upper)) return 0;
  return null;
}

function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offsetMinutes: number): Date | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
  const date = new Date(time);
  return Number.isNaN(time) || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 9999 ? null : date;
}

const ISO_DATE = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,5})?$/i;
const WEEKDAY = "(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s*)?";
const RFC822_DATE = new RegExp(`^${WEEKDAY}(\\d{1,2})[\\s-]+([a-z]{3,})\\.?[\\s-]+(\\d{2,4})(?:[\\s,T]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?\\s*(.*)$`, "i");
/** "Jan 1, 2024 10:00:00 EST" and "Monday, January 1, 2024 10:00 AM" style. */
const MONTH_FIRST_DATE = new RegExp(`^${WEEKDAY}([a-z]{3,})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?:[\\s,T]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([ap]m)?)?\\s*(.*)$`, "i");

function year(text: string): number {
  const y = Number(text);
  if (text.length > 2) return y;
  return y < 50 ? 2000 + y : 1900 + y;
}

function hour12(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour;
  const pm = meridiem.toLowerCase() === "pm";
  return (hour % 12) + (pm ? 12 : 0);
}

/** Parses a feed date string; null when it cannot be read with confidence. Zone-less times are UTC. */
export function parseFeedDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const text = value.trim().replace(/\s+/g, " ");
  // Real dates are short; a long string is not one, and need not cost regex time to find that out.
  if (!text || text.length > 100) return null;

  const iso = ISO_DATE.exec(text);
  if (iso) {
    const offset = zoneOffsetMinutes(iso[8]);
    if (offset === null) return null;
    const ms = iso[7] ? Math.round(Number(`0.${iso[7]}`) * 1000) : 0;
    return utcDate(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms, offset);
  }

  const rfc = RFC822_DATE.exec(text);
  if (rfc) {
    const month = MONTHS[rfc[2]!.slice(0, 3).toLowerCase()];
    const offset = zoneOffsetMinutes(rfc[8]);
    if (month !== undefined && offset !== null) {
      const ms = rfc[7] ? Math.round(Number(`0.${rfc[7]}`) * 1000) : 0;
      return utcDate(year(rfc[3]!), month, Number(rfc[1]), Number(rfc[4] ?? 0), Number(rfc[5] ?? 0), Number(rfc[6] ?? 0), ms, offset);
    }
  }

  const monthFirst = MONTH_FIRST_DATE.exec(text);
  if (monthFirst) {
    const month = MONTHS[monthFirst[1]!.slice(0, 3).toLowerCase()];
    const offset = zoneOffsetMinutes(monthFirst[8]);
    if (month !== undefined && offset !== null) {
      const hour = hour12(Number(monthFirst[4] ?? 0), monthFirst[7]);
      return utcDate(Number(monthFirst[3]), month, Number(monthFirst[2]), hour, Number(monthFirst[5] ?? 0), Number(monthFirst[6] ?? 0), 0, offset);
    }
  }

  // Seconds or milliseconds since the epoch (seen in JSON feeds written by hand).
  if (/^\d{10}(\d{3})?$/.test(text)) return new Date(text.length === 10 ? Number(text) * 1000 : Number(text));

  // Last resort, only for strings that carry their own zone so the server's zone cannot leak in.
  if (/(?:Z|[+-]\d{2}:?\d{2}|GMT|UTC)\b/i.test(text)) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return null;
}
