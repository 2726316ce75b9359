// npm run bench [-- --quick] [-- --only <scenario>[,<scenario>…]] [-- --profile]
//
// Runs the benchmark scenarios one after another, each against a baseline measured in the same run, writes
// bench/results/<scenario>.json and bench/results/summary.md, and prints the table. --quick runs every
// scenario at tiny sizes, three at a time unless --serial (a CI smoke test; nothing is judged; results go to
// bench/results/quick.tmp/).
// --profile also writes V8 CPU profiles of the servers to bench/results/profiles.tmp/ (slower; figures from
// such a run are not comparable). Every process the bench starts is stopped on exit, even on failure.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild } from "../lib/boot/ensure-build";
import { installCleanupHandlers, killAllTracked, runCleanups } from "./lib/procs";
import { markdownTable, readAllResults, writeResult, writeSummary, type ScenarioResult } from "./lib/results";
import type { Scenario } from "./lib/scenario";
import { ensureDir, log, machineInfo, parseDuration, RESULTS_DIR, ROOT, WORK_DIR } from "./lib/util";
import { fanoutSocketIo, fanoutSse } from "./scenarios/fanout";
import { reconnectStorm } from "./scenarios/reconnect-storm";
import { homepage } from "./scenarios/homepage";
import { ingestion } from "./scenarios/ingestion";
import { freshness } from "./scenarios/freshness";
import { sourcesScale } from "./scenarios/sources-scale";
import { storyMatching } from "./scenarios/story-matching";
import { bigFeedScenario } from "./scenarios/big-feed";
import { cluster } from "./scenarios/cluster";
import { homepageStories } from "./scenarios/homepage-stories";
import { soak } from "./scenarios/soak";

const SCENARIOS: Scenario[] = [fanoutSocketIo, fanoutSse, reconnectStorm, homepage, ingestion, freshness, sourcesScale, storyMatching, bigFeedScenario, cluster, homepageStories, soak];

function usage(): never {
  process.stderr.write(
    `usage: npm run bench -- [--quick [--serial]] [--only <name>[,<name>…]] [--profile] [--duration <seconds|30m|1h>]\nscenarios: ${SCENARIOS.map((s) => s.name + (s.onlyWhenNamed ? " (only with --only or --quick)" : "")).join(", ")}\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let quick = false;
  let serial = false;
  let profile = false;
  let only: string[] | undefined;
  let durationSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--profile") profile = true;
    else if (arg === "--serial") serial = true;
    else if (arg === "--only") only = (argv[++i] ?? usage()).split(",");
    else if (arg.startsWith("--only=")) only = arg.slice(7).split(",");
    else if (arg === "--duration" || arg.startsWith("--duration=")) durationSeconds = durationArg(arg.includes("=") ? arg.slice(11) : argv[++i]);
    else if (arg === "--help" || arg === "-h") usage();
    else usage();
  }
  for (const name of only ?? []) if (!SCENARIOS.some((s) => s.name === name)) usage();
  return { quick, serial, profile, only, durationSeconds };
}

function durationArg(text: string | undefined): number {
  try {
    return parseDuration(text ?? "");
  } catch {
    usage();
  }
}

function ulimitNoFile(): string {
  try {
    return execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Databases the scenarios create are named with this process's pid; an interrupted run leaves some. */
function removeOurScratchFiles(): void {
  if (!fs.existsSync(WORK_DIR)) return;
  for (const name of fs.readdirSync(WORK_DIR)) {
    if (name.includes(`-${process.pid}-`)) fs.rmSync(path.join(WORK_DIR, name), { force: true, recursive: true });
  }
}

/** The quick run's slowest scenarios, slowest first (seconds measured on this 2-core machine). */
const SLOWEST_WHEN_QUICK = ["cluster" /* 79 */, "soak" /* 36 */, "freshness" /* 29 */, "reconnect-storm" /* 27 */];
function quickRank(name: string): number {
  const rank = SLOWEST_WHEN_QUICK.indexOf(name);
  return rank === -1 ? SLOWEST_WHEN_QUICK.length : rank;
}

async function main(): Promise<void> {
  installCleanupHandlers();
  process.on("exit", removeOurScratchFiles);
  const { quick, serial, profile, only, durationSeconds } = parseArgs(process.argv.slice(2));
  // A long scenario (soak) runs in a full run only when named; its quick version is short enough for CI.
  const selected = SCENARIOS.filter((s) => (only ? only.includes(s.name) : quick || !s.onlyWhenNamed));
  const started = Date.now();
  const limit = ulimitNoFile();
  log(`${quick ? "quick smoke run" : "full run"}: ${selected.map((s) => s.name).join(", ")}; ulimit -n ${limit}`);
  if (!quick && Number(limit) < 12_000) log(`warning: ulimit -n ${limit} is below the 12000 descriptors the 10k-client runs need in the server process`);

  // Build once, up front, so no scenario's server start races another or pays for the build.
  await ensureBuild((message) => log(message), ROOT);

  const profileRoot = profile ? ensureDir(path.join(RESULTS_DIR, "profiles.tmp")) : undefined;
  let failed = 0;
  const runOne = async (scenario: Scenario): Promise<void> => {
    const scenarioStarted = Date.now();
    const machine = { ...machineInfo(), ulimitNoFile: limit };
    log(`— ${scenario.name}: ${scenario.title}`);
    let result: ScenarioResult;
    try {
      const output = await scenario.run({
        quick,
        profileDir: profileRoot ? ensureDir(path.join(profileRoot, scenario.name)) : undefined,
        log: (message) => log(`${scenario.name}: ${message}`),
        durationSeconds,
      });
      result = { scenario: scenario.name, title: scenario.title, quick, startedAt: new Date(scenarioStarted).toISOString(), durationSeconds: Math.round((Date.now() - scenarioStarted) / 1000), machine, ...output };
      if (output.error) {
        failed += 1;
        log(`${scenario.name} failed in part: ${output.error}`);
      }
    } catch (error) {
      failed += 1;
      log(`${scenario.name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      result = {
        scenario: scenario.name,
        title: scenario.title,
        quick,
        startedAt: new Date(scenarioStarted).toISOString(),
        durationSeconds: Math.round((Date.now() - scenarioStarted) / 1000),
        machine,
        method: [],
        rows: [],
        notes: [],
        details: {},
        error: error instanceof Error ? error.message : String(error),
      };
    }
    log(`${scenario.name}: wrote ${path.relative(ROOT, writeResult(result))} (${result.durationSeconds} s)`);
  };

  if (quick && !serial) {
    // A smoke run judges nothing, so its scenarios may share the machine: three at a time, the longest first
    // (cluster took 79 s of a 123 s run when it started last; the others 5–36 s each).
    const queue = [...selected].sort((a, b) => quickRank(a.name) - quickRank(b.name));
    await Promise.all(
      Array.from({ length: Math.min(3, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
      }),
    );
    await runCleanups();
    killAllTracked();
  } else {
    for (const scenario of selected) {
      await runOne(scenario);
      // Whatever a failed scenario left running goes now, before the next one measures anything.
      await runCleanups();
      killAllTracked();
    }
  }

  const all = readAllResults(quick, SCENARIOS.map((s) => s.name));
  const summary = writeSummary(all, quick);
  process.stdout.write(`\n${markdownTable(all.filter((r) => selected.some((s) => s.name === r.scenario)))}\n\n`);
  log(`summary: ${path.relative(ROOT, summary)}; total ${Math.round((Date.now() - started) / 1000)} s${failed ? `; ${failed} scenario(s) failed` : ""}`);
  // Exit now rather than wait for idle keep-alive sockets and the like to time out.
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  killAllTracked();
  process.exit(1);
});
