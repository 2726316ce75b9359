// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1). Lenient field by field: a wrong type drops
// that field, an unusable item drops that item, never the feed.
import { z } from "zod";
import { FeedParseError } from "../../domain/errors";
import type { ParsedFeed, ParsedItem } from "../../domain/feed";
import { resolveHttpUrl } from "../../domain/url";
import { escapeHtml } from "../sanitize";

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

export function parseJsonFeed(text: string, feedUrl: string): ParsedFeed {
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
