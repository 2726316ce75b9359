// What server.ts owns and Next's route handlers need: the handlers are bundled separately and cannot import
// server.ts's instances, so server.ts registers them here on globalThis (see docs/decisions/0002).
import type { FeedProcessor } from "./ingest/parse-pool/processor";
import type { Scheduler } from "./ingest/scheduler";

export type Runtime = {
  scheduler: Scheduler;
  /** Where feeds are parsed off the event loop (the worker pool); a feed someone adds is checked there too. */
  processor?: FeedProcessor;
  /**
   * Stores a feed document a WebSub hub pushed for a source and publishes what is new, as a poll would.
   * Resolves with how many new articles it stored.
   */
  ingestPushed?: (sourceId: number, document: { body: Buffer; contentType: string | null; url: string }) => Promise<number>;
  /** Called after sources change so caches of pages that list them can be dropped. */
  onSourcesChanged?: () => void;
};

const key = Symbol.for("newswire.runtime");
type Holder = { [key]?: Runtime };

export function registerRuntime(runtime: Runtime | undefined): void {
  (globalThis as Holder)[key] = runtime;
}

export function getRuntime(): Runtime | undefined {
  return (globalThis as Holder)[key];
}
