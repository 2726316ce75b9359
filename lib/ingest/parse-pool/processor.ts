// The CPU-heavy middle of a check — parse, then normalize (+ sanitize) the entries that are new — behind one
// interface, so the check does not care whether it runs on this thread (tests, tools, the bench baseline)
// or in the worker pool (the server: pool.ts).
import type { ArticleCandidate, ParsedFeed } from "../../domain/feed";
import { normalizeItems } from "../normalize";
import { parseFeed } from "../parse";

export type FeedDocument = { body: Buffer; contentType: string | null; url: string };
export type NormalizeContext = { feedUrl: string; fetchedAt: Date };

export type FeedProcessor = {
  parse(document: FeedDocument): Promise<ParsedFeed>;
  normalize(feed: ParsedFeed, context: NormalizeContext): Promise<ArticleCandidate[]>;
};

/** On the calling thread: what the pool's worker runs, and the baseline it is measured against. */
export const onThisThread: FeedProcessor = {
  parse: (document) => parseFeed(document.body, { contentType: document.contentType, url: document.url }),
  normalize: async (feed, context) => normalizeItems(feed, context),
};
