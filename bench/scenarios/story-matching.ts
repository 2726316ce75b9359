// Scenario 7: story matching (lib/domain/story-matching). A StoryMatcher filled with 10k and 100k articles of
// a synthetic news stream (bench/lib/story-corpus.ts: events covered by 1–5 outlets, Zipf-like vocabulary,
// over three days), then the next articles added one at a time: per-article match time (wall and CPU: the
// machine is shared, and CPU time is what the matcher itself costs) and heap per stored article. Runs in a
// child process with --expose-gc (bench/lib/story-matching-worker.ts).
// Baseline, same run, same articles: the headline-Jaccard index it replaces (bench/lib/story-index.ts),
// which reads headlines only and compares words, not meanings.
import path from "node:path";
import { ChildRpc } from "../lib/child";
import { onCleanup } from "../lib/procs";
import type { Row } from "../lib/results";
import type { Scenario, ScenarioContext, ScenarioOutput } from "../lib/scenario";
import { roundSummary } from "../lib/stats";
import type { MatchingRun } from "../lib/story-matching-worker";
import { round } from "../lib/util";

const TARGET_MS = 5;

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const sizes = context.quick ? [1_000, 5_000] : [10_000, 100_000];
  const probes = context.quick ? 200 : 2_000;
  const nodeOptions = [process.env.NODE_OPTIONS, "--expose-gc"].filter(Boolean).join(" ");
  const worker = ChildRpc.start(path.join(import.meta.dirname, "..", "lib", "story-matching-worker.ts"), "story-matching", { maxOldSpaceMb: 4096, env: { NODE_OPTIONS: nodeOptions } });
  const stopWorker = onCleanup(() => worker.stop());
  try {
    await worker.ready;
    const runs: MatchingRun[] = [];
    for (const stored of sizes) {
      context.log(`${stored} stored articles, ${probes} probes`);
      const result = await worker.call<MatchingRun>({ cmd: "run", stored, probes }, 900_000);
      context.log(`${stored}: cpu p50 ${round(result.cpuMs.p50, 3)} ms, p99 ${round(result.cpuMs.p99, 3)} ms; wall p99 ${round(result.wallMs.p99, 3)} ms; ${Math.round(result.heapBytesPerArticle)} B/article; filled in ${round(result.fillSeconds)} s`);
      runs.push(result);
    }
    const judge = (ok: boolean) => (context.quick ? null : ok);
    const rows: Row[] = [];
    for (const result of runs) {
      const label = `${result.stored.toLocaleString("en")} stored`;
      rows.push(
        {
          case: label,
          measure: "match one article, CPU p50 / p99 (ms)",
          value: `${round(result.cpuMs.p50, 3)} / ${round(result.cpuMs.p99, 3)}`,
          baseline: `${round(result.baselineCpuMs.p50, 3)} / ${round(result.baselineCpuMs.p99, 3)}`,
          ratio: round(result.cpuMs.p99 / Math.max(result.baselineCpuMs.p99, 0.001), 1),
          target: `p99 < ${TARGET_MS} ms`,
          pass: judge(result.cpuMs.p99 < TARGET_MS),
        },
        {
          case: label,
          measure: "match one article, wall p50 / p99 (ms)",
          value: `${round(result.wallMs.p50, 3)} / ${round(result.wallMs.p99, 3)}`,
          baseline: `${round(result.baselineWallMs.p50, 3)} / ${round(result.baselineWallMs.p99, 3)}`,
          target: "(includes time the machine gave others)",
          pass: null,
        },
        {
          case: label,
          measure: "heap per stored article (bytes)",
          value: Math.round(result.heapBytesPerArticle),
          baseline: Math.round(result.baselineHeapBytesPerArticle),
          ratio: round(result.heapBytesPerArticle / Math.max(1, result.baselineHeapBytesPerArticle), 1),
          target: "",
          pass: null,
        },
      );
    }
    return {
      method: [
        `synthetic stream (bench/lib/story-corpus.ts), seed 11; fill ${sizes.join(" and ")} articles, then ${probes} probe articles added one at a time`,
        "per probe: wall time (performance.now) and CPU time (process.cpuUsage, user + system) of StoryMatcher.add",
        "heap: heapUsed after two forced full GCs, before and after filling, divided by the articles stored",
        "baseline: bench/lib/story-index.ts (headline Jaccard, headlines only), same articles, bestMatch + add per probe",
        "worker: its own Node process with --expose-gc (bench/lib/story-matching-worker.ts)",
      ],
      rows,
      notes: [
        "The target is on CPU time: on a shared 2-core machine, wall time also counts the moments the scheduler gave the core to someone else.",
        "The matcher does more than the baseline by design (summaries, synonyms, numbers, entities, story-level scoring); the ratio says what that costs.",
      ],
      details: { runs: runs.map((result) => ({ ...result, wallMs: roundSummary(result.wallMs, 3), cpuMs: roundSummary(result.cpuMs, 3), baselineWallMs: roundSummary(result.baselineWallMs, 3), baselineCpuMs: roundSummary(result.baselineCpuMs, 3), heapBytesPerArticle: Math.round(result.heapBytesPerArticle), baselineHeapBytesPerArticle: Math.round(result.baselineHeapBytesPerArticle) })) },
    };
  } finally {
    await worker.stop();
    stopWorker();
  }
}

export const storyMatching: Scenario = { name: "story-matching", title: "Story matching: per-article match time and memory at 10k and 100k stored articles", run };
