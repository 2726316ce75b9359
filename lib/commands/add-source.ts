// The write side behind POST /api/sources: check that a URL is allowed and really a feed (or a page that
// links to one), then store it. Route handlers call this; it never publishes anything itself.
import { z } from "zod";
import { ConflictError, FeedFetchError, FeedParseError, FeedProcessingError, UnavailableError, UnprocessableError, ValidationError } from "../domain/errors";
import type { SourceHealth } from "../domain/article";
import { CATEGORY_SLUG_MAX_LENGTH, SLUG_PATTERN, slugify } from "../domain/slug";
import { findSourceIdByFeedUrl, insertSource, isSourceSlugTaken } from "../db/sources";
import { assertFetchableUrl, fetchFeed } from "../ingest/fetch";
import { discoverFeedLinks } from "../ingest/discover";
import { onThisThread, type FeedDocument, type FeedProcessor } from "../ingest/parse-pool/processor";
import { decodeBody } from "../ingest/parse/charset";
import type { ParsedFeed } from "../domain/feed";

const httpUrl = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL");

export const newSourceSchema = z.object({
  url: httpUrl,
  name: z.string().trim().min(1).max(120).optional(),
  category: z
    .string()
    .trim()
    .toLowerCase()
    .max(CATEGORY_SLUG_MAX_LENGTH, "must be a slug such as world or science-tech")
    .regex(SLUG_PATTERN, "must be a slug such as world or science-tech")
    .optional(),
});

export type NewSourceInput = z.infer<typeof newSourceSchema>;

export function parseNewSource(body: unknown): NewSourceInput {
  const parsed = newSourceSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${issue.path.join(".") || "body"}: ${issue.message}`, "invalid_body");
  }
  return parsed.data;
}

export type AddSourceOptions = {
  allowPrivate: boolean;
  pollIntervalSeconds: number;
  /** Where the feed is parsed: the server's worker pool, so a huge feed being added stalls no page. */
  processor?: FeedProcessor;
};

function asUnprocessable(error: unknown, url: string): never {
  if (error instanceof FeedFetchError) {
    const code = error.code === "blocked_address" || error.code === "invalid_url" ? "url_not_allowed" : "fetch_failed";
    throw new UnprocessableError(`${url}: ${error.message}`, code);
  }
  if (error instanceof FeedParseError) throw new UnprocessableError(`${url} is not an RSS, Atom or JSON feed: ${error.message}`, "not_a_feed");
  if (error instanceof FeedProcessingError) {
    // A full parse queue is this server's state, not the feed's: try again later.
    if (error.code === "parse_busy") throw new UnavailableError(error.message, error.code);
    throw new UnprocessableError(`${url}: ${error.message}`, error.code);
  }
  throw error;
}

/** What the feed at `document` says of itself (its title and site). */
async function describeFeed(processor: FeedProcessor, document: FeedDocument): Promise<Omit<ParsedFeed, "items">> {
  return (await processor.process(document, { fetchedAt: new Date(), describeOnly: true })).feed;
}

async function loadFeed(url: string, allowPrivate: boolean, processor: FeedProcessor): Promise<{ feedUrl: string; feed: Omit<ParsedFeed, "items"> }> {
  try {
    await assertFetchableUrl(url, allowPrivate);
    const response = await fetchFeed(url, { allowPrivate, timeoutMs: 15_000 });
    if (response.status !== "ok") throw new FeedParseError("the server sent no content");
    try {
      return { feedUrl: response.permanentRedirectTo ?? url, feed: await describeFeed(processor, { body: response.body, contentType: response.contentType, url: response.finalUrl }) };
    } catch (error) {
      if (!(error instanceof FeedParseError)) throw error;
      // A site's homepage: follow its <link rel="alternate"> to the feed.
      const links = discoverFeedLinks(decodeBody(response.body, response.contentType).text, response.finalUrl);
      if (links.length === 0) throw error;
      const discovered = links[0];
      await assertFetchableUrl(discovered, allowPrivate);
      const feedResponse = await fetchFeed(discovered, { allowPrivate, timeoutMs: 15_000 });
      if (feedResponse.status !== "ok") throw new FeedParseError("the discovered feed sent no content");
      return { feedUrl: feedResponse.permanentRedirectTo ?? discovered, feed: await describeFeed(processor, { body: feedResponse.body, contentType: feedResponse.contentType, url: feedResponse.finalUrl }) };
    }
  } catch (error) {
    asUnprocessable(error, url);
  }
}

async function uniqueSlug(name: string): Promise<string> {
  const base = slugify(name, 60) || "source";
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await isSourceSlugTaken(candidate))) return candidate;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

export async function addSource(input: NewSourceInput, options: AddSourceOptions): Promise<SourceHealth> {
  const requestedUrl = new URL(input.url).toString();
  if ((await findSourceIdByFeedUrl(requestedUrl)) !== null) throw new ConflictError(`A source with URL ${requestedUrl} already exists`, "source_exists");
  const { feedUrl, feed } = await loadFeed(requestedUrl, options.allowPrivate, options.processor ?? onThisThread);
  if (feedUrl !== requestedUrl && (await findSourceIdByFeedUrl(feedUrl)) !== null) {
    throw new ConflictError(`A source with URL ${feedUrl} already exists`, "source_exists");
  }
  const name = input.name ?? (feed.title?.trim() || new URL(feedUrl).hostname);
  try {
    return await insertSource({
      slug: await uniqueSlug(name),
      name: name.slice(0, 120),
      feedUrl,
      siteUrl: feed.siteUrl,
      category: input.category ?? "general",
      pollIntervalSeconds: options.pollIntervalSeconds,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A source with URL ${feedUrl} already exists`, "source_exists");
    throw error;
  }
}
