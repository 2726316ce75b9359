// After new articles are published: group each with the same story from other sources. Off the publish
// path on purpose: readers get the article first, its "also covered by" links a moment later.
//
// The clusterer keeps the recent headlines in memory (lib/domain/story-index.ts). Each run reads every
// article stored since the last run (so articles another instance stored are indexed too), matches the new
// ones in id order against what came before, and writes all assignments of the run in one statement.
// Runs are batched: many sources finishing at once cost one read and one write, not one per source.
import type { Logger } from "pino";
import { headlineTokens } from "../domain/headline";
import { StoryIndex, type StoryEntry } from "../domain/story-index";
import { findNewestArticleId, listStorySubjects, saveStoryClusters, type StorySubject } from "../db/clusters";

/** A story's coverage is matched within two days either way of its publication. */
const WINDOW_MS = 48 * 3600 * 1000;
/** Headlines older than this (by publication) are forgotten: no new article can match them any more. */
const KEEP_MS = 3 * WINDOW_MS;
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const PAGE = 5000;

export type StoryClusterer = {
  /** Loads the recent headlines; articles stored after this are the ones clustered by later runs. */
  start(): Promise<void>;
  /** New articles were stored: cluster them (and anything else stored since the last run) shortly. */
  articlesStored(): void;
  /** Resolves when no run is pending or going (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export type StoryClustererOptions = {
  logger: Logger;
  /** How long to gather stored articles before one run. */
  batchDelayMs?: number;
  now?: () => number;
};

function toEntry(subject: StorySubject): StoryEntry {
  return {
    id: subject.id,
    sourceId: subject.sourceId,
    publishedAtMs: subject.publishedAt.getTime(),
    clusterId: subject.clusterId,
    tokens: headlineTokens(subject.title),
  };
}

export function createStoryClusterer(options: StoryClustererOptions): StoryClusterer {
  const { logger } = options;
  const batchDelayMs = options.batchDelayMs ?? 100;
  const now = options.now ?? Date.now;
  const index = new StoryIndex(WINDOW_MS);
  let lastSeenId = 0;
  let lastPruneAt = now();
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function load(): Promise<void> {
    const newest = await findNewestArticleId();
    const since = new Date(now() - KEEP_MS);
    for (let after = 0; ; ) {
      const page = await listStorySubjects(after, since, PAGE);
      for (const subject of page) if (subject.id <= newest) index.add(toEntry(subject));
      if (page.length < PAGE || page[page.length - 1].id >= newest) break;
      after = page[page.length - 1].id;
    }
    lastSeenId = newest;
    logger.debug({ headlines: index.size, newest }, "story index loaded");
  }

  /** Clusters everything stored after lastSeenId, oldest first. */
  async function run(): Promise<void> {
    const assignments = new Map<number, number>();
    const since = new Date(now() - KEEP_MS);
    for (;;) {
      const page = await listStorySubjects(lastSeenId, since, PAGE);
      for (const subject of page) {
        const entry = toEntry(subject);
        if (entry.clusterId === null) {
          const match = index.bestMatch(entry);
          if (match) {
            const clusterId = match.entry.clusterId ?? match.entry.id;
            if (match.entry.clusterId === null) {
              index.setCluster(match.entry.id, clusterId);
              assignments.set(match.entry.id, clusterId);
            }
            entry.clusterId = clusterId;
            assignments.set(entry.id, clusterId);
          }
        }
        index.add(entry);
      }
      if (page.length > 0) lastSeenId = page[page.length - 1].id;
      if (page.length < PAGE) break;
    }
    if (assignments.size > 0) await saveStoryClusters([...assignments].map(([id, clusterId]) => ({ id, clusterId })));
    if (now() - lastPruneAt > PRUNE_EVERY_MS) {
      lastPruneAt = now();
      index.pruneOlderThan(now() - KEEP_MS);
    }
  }

  let loaded = false;
  async function ensureLoaded(): Promise<void> {
    if (loaded) return;
    await load();
    loaded = true;
  }

  /** Runs never overlap: each starts after the previous one, from where it stopped. */
  function enqueue(work: () => Promise<void>, failure: string): Promise<void> {
    running = running.then(async () => {
      try {
        await work();
      } catch (error) {
        // A failed load is retried by the next run; the articles of a failed run stay unclustered.
        logger.warn({ err: error }, failure);
      }
    });
    return running;
  }

  async function runStored(): Promise<void> {
    await ensureLoaded();
    await run();
  }
  const RUN_FAILED = "story clustering failed; those articles stay unclustered";

  return {
    start: () => enqueue(ensureLoaded, "could not load the story index; retrying with the next batch"),
    articlesStored() {
      if (closed || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void enqueue(runStored, RUN_FAILED);
      }, batchDelayMs);
    },
    async idle() {
      for (;;) {
        const current = running;
        if (timer) await new Promise((resolve) => setTimeout(resolve, batchDelayMs));
        await current;
        if (current === running && !timer) return;
      }
    },
    async close() {
      closed = true;
      // Articles already stored still get their clusters before the process exits.
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        void enqueue(runStored, RUN_FAILED);
      }
      await running;
    },
  };
}
