// Child process of the story-matching scenario (bench/scenarios/story-matching.ts): fills a matcher with N
// articles of the synthetic news stream, then times the next articles one by one. Its own process, started
// with --expose-gc, so that heap figures are this matcher's alone and no other scenario shares the thread.
import { headlineTokens } from "./headline-jaccard";
import { StoryIndex } from "./story-index";
import { StoryMatcher } from "../../lib/domain/story-matching/story-matcher";
import { summarize, type Summary } from "./stats";
import { newsCorpus, type CorpusArticle } from "./story-corpus";

export type MatchingRun = {
  stored: number;
  probes: number;
  fillSeconds: number;
  stories: number;
  /** Bytes of heap per stored article: (heap after filling − heap before) / stored, each after a full GC. */
  heapBytesPerArticle: number;
  /** Per probe article: wall time and CPU time (user + system) of one add(), ms. */
  wallMs: Summary;
  cpuMs: Summary;
  joinedShare: number;
  /** The same probes through the headline-Jaccard index the matcher replaces (bench/lib/story-index.ts). */
  baselineWallMs: Summary;
  baselineCpuMs: Summary;
  baselineHeapBytesPerArticle: number;
};

const WINDOW_MS = 48 * 3600 * 1000;

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the story-matching worker needs --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function cpuNowMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function run(stored: number, probes: number): MatchingRun {
  const articles: CorpusArticle[] = [...newsCorpus(stored + probes)];
  const fill = articles.slice(0, stored);
  const probe = articles.slice(stored);

  // Baseline: the headline-Jaccard index, same articles (it keeps only headlines and matches pairs).
  // First, and dropped before the matcher is built, so that neither heap figure includes the other.
  const baseBefore = collect();
  let index: StoryIndex | undefined = new StoryIndex(WINDOW_MS);
  for (const article of fill) index.add({ id: article.id, sourceId: article.sourceId, publishedAtMs: article.publishedAtMs, clusterId: null, tokens: headlineTokens(article.title) });
  const baselineHeapBytesPerArticle = (collect() - baseBefore) / stored;
  const baseWall: number[] = [];
  const baseCpu: number[] = [];
  for (const article of probe) {
    const cpuStart = cpuNowMs();
    const start = performance.now();
    const entry = { id: article.id, sourceId: article.sourceId, publishedAtMs: article.publishedAtMs, clusterId: null, tokens: headlineTokens(article.title) };
    index.bestMatch(entry);
    index.add(entry);
    baseWall.push(performance.now() - start);
    baseCpu.push(cpuNowMs() - cpuStart);
  }
  index = undefined;

  // Newswire's matcher.
  const before = collect();
  const matcher = new StoryMatcher();
  const fillStarted = performance.now();
  for (const article of fill) matcher.add(article);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const heapBytesPerArticle = (collect() - before) / stored;
  const wall: number[] = [];
  const cpu: number[] = [];
  let joined = 0;
  for (const article of probe) {
    const cpuStart = cpuNowMs();
    const start = performance.now();
    if (matcher.add(article).joined) joined += 1;
    wall.push(performance.now() - start);
    cpu.push(cpuNowMs() - cpuStart);
  }
  const stories = matcher.storyCount;

  return {
    stored,
    probes,
    fillSeconds,
    stories,
    heapBytesPerArticle,
    wallMs: summarize(wall),
    cpuMs: summarize(cpu),
    joinedShare: joined / probes,
    baselineWallMs: summarize(baseWall),
    baselineCpuMs: summarize(baseCpu),
    baselineHeapBytesPerArticle,
  };
}

process.on("message", (message: { id: number; command: { cmd: "run"; stored: number; probes: number } }) => {
  try {
    process.send?.({ id: message.id, ok: true, result: run(message.command.stored, message.command.probes) });
  } catch (error) {
    process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
