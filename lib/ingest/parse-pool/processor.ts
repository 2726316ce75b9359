// The CPU-heavy middle of a check — parse, then normalize (+ sanitize) the entries that are new — behind one
// interface, so the check does not care whether it runs on this thread (tests, tools, the bench baseline)
// or in the worker pool (the server: pool.ts). One call does both stages: the parsed entries never cross to
// the main thread and back (with two tasks per changed feed, handing tasks to the pool alone cost ~0.5 s of
// main-thread CPU per 10,000-source polling round per instance).
import type { ArticleCandidate, ParsedFeed } from "../../domain/feed";
import { normalizeItems } from "../normalize";
import { parseFeed } from "../parse";
import { unseenItems } from "../seen-items";

export type FeedDocument = { body: Buffer; contentType: string | null; url: string };

export type ProcessOptions = {
  fetchedAt: Date;
  /** Fingerprints of the entries the source's last check had (seen-items.ts): those are not normalized again. */
  seen?: ReadonlySet<string>;
  /** Only what the feed says of itself (adding a source): its entries are neither fingerprinted nor normalized. */
  describeOnly?: boolean;
};

/** A feed document, processed: what the feed says of itself, and its entries that are new since the last check. */
export type ProcessedFeed = {
  feed: Omit<ParsedFeed, "items">;
  /** How many entries the document holds. */
  itemCount: number;
  /** Fingerprints of all of them, in feed order: what the next check compares with. */
  fingerprints: string[];
  /** The entries not seen at the last check, normalized and sanitized. */
  candidates: ArticleCandidate[];
  /** Time spent parsing, then normalizing, in milliseconds (on whichever thread did it). */
  parseMs: number;
  normalizeMs: number;
};

export type FeedProcessor = {
  process(document: FeedDocument, options: ProcessOptions): Promise<ProcessedFeed>;
};

const tenths = (ms: number) => Math.round(ms * 10) / 10;

/** Parse → skip what the last check had → normalize (+ sanitize), on the calling thread. */
export async function processFeed(document: FeedDocument, options: ProcessOptions): Promise<ProcessedFeed> {
  const started = performance.now();
  const { items, ...feed } = await parseFeed(document.body, { contentType: document.contentType, url: document.url });
  const parsed = performance.now();
  if (options.describeOnly) return { feed, itemCount: items.length, fingerprints: [], candidates: [], parseMs: tenths(parsed - started), normalizeMs: 0 };
  const fresh = unseenItems(items, options.seen);
  const candidates = fresh.items.length === 0 ? [] : normalizeItems({ ...feed, items: fresh.items }, { feedUrl: document.url, fetchedAt: options.fetchedAt });
  return { feed, itemCount: items.length, fingerprints: fresh.fingerprints, candidates, parseMs: tenths(parsed - started), normalizeMs: tenths(performance.now() - parsed) };
}

/** On the calling thread: what the pool's worker runs, and the baseline it is measured against. */
export const onThisThread: FeedProcessor = { process: processFeed };
