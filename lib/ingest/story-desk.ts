// The story desk: reads newly stored articles in id order and decides which story each belongs to (a story
// is one event, covered by one or more sources), then writes the decisions in one transaction per batch.
// Off the publish path on purpose: readers get an article first, its story a moment later.
//
// One desk decides for the whole site: with several instances, the one holding the desk's lock
// (Leadership, from lib/db/database-session.ts) runs it; the others stand by and take over when its session
// ends. The matcher lives in memory; whoever runs the desk restores it from the decisions already stored, so
// the same articles keep the same stories across restarts and hand-overs (docs/decisions/0010).
import type { Logger } from "pino";
import { isPublicStory, storySlug } from "../domain/story";
import type { StoryMatcher } from "../domain/story-matcher";
import {
  findLastAssignedArticleId,
  listStorySubjects,
  listUnassignedSubjects,
  saveStoryBatch,
  StoryAssignmentConflict,
  type StoryBatch,
  type StorySubject,
} from "../db/stories";

/** Whether this instance runs the desk now (absent: it always does — one instance). */
export type Leadership = { isLeader(): boolean };

export type StoryDeskOptions = {
  logger: Logger;
  /** A fresh matcher, each time this instance takes the desk. */
  createMatcher: () => StoryMatcher;
  leadership?: Leadership;
  /** Public stories whose coverage changed in a committed batch (their ids). */
  onStoriesChanged: (storyIds: number[]) => void;
  /** How long to gather stored articles before one run. */
  batchDelayMs?: number;
  /**
   * Runs start at least this far apart (ms): after a quiet spell a run comes batchDelayMs after the first
   * article, while articles keep coming they are decided together. Default 1000.
   */
  minRunIntervalMs?: number;
  /** Runs also this often without being asked: a desk taken over from a stopped instance starts by itself. */
  sweepMs?: number;
  /** Matches are looked for within this long either way of an article's publication. */
  windowMs?: number;
  now?: () => number;
};

export type StoryDesk = {
  /** New articles were stored (here or elsewhere): read them shortly. */
  articlesStored(): void;
  /** Resolves when no run is pending or going (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

const PAGE = 500;
/** Longest stretch of matching without a turn for the event loop (ms). */
const DECIDE_SLICE_MS = 20;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

function toText(subject: StorySubject) {
  return { id: subject.id, sourceId: subject.sourceId, title: subject.title, summary: subject.summary, publishedAtMs: subject.publishedAt.getTime() };
}

export function createStoryDesk(options: StoryDeskOptions): StoryDesk {
  const { logger } = options;
  const batchDelayMs = options.batchDelayMs ?? 100;
  // Each run is a transaction of several statements (assignments, merges, recounts) whatever its size: with
  // two instances polling 10,000 sources, runs 100 ms apart were ~110 transactions a polling round on the
  // shared database, competing with the checks. A story's page and the homepage's top stories are not live
  // updates: a second more for a story to form costs readers nothing they would notice.
  const minRunIntervalMs = options.minRunIntervalMs ?? 1000;
  /** When the last run was started (performance.now()). */
  let lastRunAt = -Infinity;
  const windowMs = options.windowMs ?? 48 * 3600 * 1000;
  /** Articles older than this (by publication) are neither restored nor matched: no new article can join them. */
  const keepMs = 3 * windowMs;
  const now = options.now ?? Date.now;
  let matcher: StoryMatcher | null = null;
  let lastAssigned = 0;
  let lastPruneAt = now();
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const sweep = setInterval(() => desk.articlesStored(), options.sweepMs ?? 10_000);
  sweep.unref();

  /** Takes the desk: a matcher restored from every decision stored in the window. */
  async function takeOver(): Promise<StoryMatcher> {
    const fresh = options.createMatcher();
    const newestAssigned = await findLastAssignedArticleId();
    const since = new Date(now() - keepMs);
    let restored = 0;
    for (let after = 0; ; ) {
      const page = await listStorySubjects(after, since, PAGE);
      for (const subject of page) {
        if (subject.id > newestAssigned) break;
        if (subject.storyId !== null) {
          fresh.restore(toText(subject), subject.storyId);
          restored += 1;
        }
      }
      if (page.length < PAGE || page[page.length - 1].id >= newestAssigned) break;
      after = page[page.length - 1].id;
    }
    lastAssigned = newestAssigned;
    logger.info({ restored, lastAssigned }, "story desk taken: matcher restored");
    return fresh;
  }

  /**
   * Articles published before `since` start a story of their own: nothing new could still join them.
   * Matching is CPU work on the event loop (about a millisecond an article on a busy machine), so a large page
   * gives other work a turn every DECIDE_SLICE_MS.
   */
  async function decide(current: StoryMatcher, subjects: StorySubject[], since: Date): Promise<StoryBatch> {
    const batch: StoryBatch = { created: [], assignments: [], merges: [] };
    let sliceStarted = performance.now();
    for (const subject of subjects) {
      if (performance.now() - sliceStarted > DECIDE_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
      const decision = subject.publishedAt >= since ? current.assign(toText(subject)) : { storyId: subject.id, mergedStoryIds: [] };
      if (decision.storyId === subject.id) {
        batch.created.push({ id: subject.id, slug: storySlug(subject.title, subject.id), title: subject.title, leadArticleId: subject.id, firstSeenAt: subject.ingestedAt });
      }
      batch.assignments.push({ articleId: subject.id, storyId: decision.storyId });
      for (const from of decision.mergedStoryIds) batch.merges.push({ from, into: decision.storyId });
    }
    return batch;
  }

  async function run(): Promise<void> {
    if (options.leadership && !options.leadership.isLeader()) {
      // Another instance runs the desk; a matcher kept from an earlier turn would be stale when it returns.
      matcher = null;
      return;
    }
    matcher ??= await takeOver();
    const since = new Date(now() - keepMs);
    for (;;) {
      const page = await listUnassignedSubjects(lastAssigned, PAGE);
      if (page.length === 0) break;
      const touched = await saveStoryBatch(await decide(matcher, page, since));
      lastAssigned = page[page.length - 1].id;
      // Only public stories concern readers (and the pages they see): an article starting a story of its own
      // changes nothing they are shown.
      const changed = touched.filter((story) => isPublicStory(story)).map((story) => story.id);
      if (changed.length > 0) options.onStoriesChanged(changed);
      if (page.length < PAGE) break;
    }
    if (now() - lastPruneAt > PRUNE_EVERY_MS) {
      lastPruneAt = now();
      matcher.prune(now() - keepMs);
    }
  }

  function enqueue(): Promise<void> {
    running = running.then(async () => {
      lastRunAt = performance.now();
      try {
        await run();
      } catch (error) {
        // The matcher may hold decisions that were not stored: restore it from the database next time.
        matcher = null;
        if (error instanceof StoryAssignmentConflict) logger.warn("another instance's story desk wrote first; restoring from the database");
        else logger.warn({ err: error }, "story desk run failed; retrying with the next stored articles");
      }
    });
    return running;
  }

  const desk: StoryDesk = {
    articlesStored() {
      if (closed || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          void enqueue();
        },
        Math.max(batchDelayMs, lastRunAt + minRunIntervalMs - performance.now()),
      );
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
      clearInterval(sweep);
      // Articles already stored still get their stories before the process exits.
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        void enqueue();
      }
      await running;
    },
  };
  return desk;
}
