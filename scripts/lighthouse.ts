// Lighthouse against a running server: the homepage, an article, a category and a story page, each run
// several times (median per figure: one run on a shared machine says little), in Lighthouse's default mobile
// settings (emulated phone, simulated slow 4G and a 4× slower CPU).
//
// Usage: start a server (`npm run demo`, or `npm start` on a database with stories), then
//   tsx scripts/lighthouse.ts [baseUrl] [--runs 3] [--out bench/results/lighthouse.json] [--label demo]
// With --label, the file holds one report per label (e.g. "demo" while the demo publishes, "steady" with
// nothing publishing) and a run replaces only its own label's.
// The story page needs a story covered by two sources (see /api/stories); without one the script says so and
// measures the other pages. The demo has them: it registers its newsroom and a second outlet, the demo wire.
// Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium. Figures from a loaded machine are worse than
// they would be on an idle one (TBT and script boot-up most): the load average is written with them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import type { Result as LighthouseResult } from "lighthouse";

const require = createRequire(import.meta.url);
const LIGHTHOUSE_DIR = path.dirname(require.resolve("lighthouse/package.json"));
const LIGHTHOUSE_VERSION = (JSON.parse(fs.readFileSync(path.join(LIGHTHOUSE_DIR, "package.json"), "utf8")) as { version: string }).version;

/**
 * One Lighthouse run, by its own CLI in a plain Node process: under tsx, Lighthouse's functions that it sends
 * into the page would carry esbuild's `__name` helper, which does not exist there.
 */
async function runLighthouse(url: string, port: number): Promise<LighthouseResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(LIGHTHOUSE_DIR, "cli", "index.js"), url, `--port=${port}`, "--output=json", "--output-path=stdout", `--only-categories=${CATEGORIES.join(",")}`, "--quiet"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as LighthouseResult;
}

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
type Category = (typeof CATEGORIES)[number];
const METRICS = {
  tbtMs: "total-blocking-time",
  lcpMs: "largest-contentful-paint",
  fcpMs: "first-contentful-paint",
  cls: "cumulative-layout-shift",
  scriptBootupMs: "bootup-time",
  speedIndexMs: "speed-index",
} as const;
type Metric = keyof typeof METRICS;

/** What a failing audit found, one line an item (for errors-in-console: each message and the URL it names). */
type Findings = Record<string, string[]>;
type Run = { scores: Record<Category, number>; metrics: Record<Metric, number>; failing: string[]; findings: Findings; lcpElement: string | null };
type PageResult = {
  name: string;
  url: string;
  runs: Run[];
  median: { scores: Record<Category, number>; metrics: Record<Metric, number> };
  failing: string[];
  /** Every run's findings for the audits that failed in most runs, deduplicated: what to fix. */
  findings: Findings;
  lcpElement: string | null;
};

function parseArgs(argv: string[]): { base: string; runs: number; out: string; label: string | undefined } {
  let base = "http://127.0.0.1:3000";
  let runs = 3;
  let out = path.join("bench", "results", "lighthouse.json");
  let label: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--runs") runs = Number(argv[++i]);
    else if (arg === "--out") out = argv[++i];
    else if (arg === "--label") label = argv[++i];
    else if (!arg.startsWith("--")) base = arg.replace(/\/$/, "");
    else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(runs) || runs < 1 || runs > 15) throw new Error("--runs takes a whole number from 1 to 15");
  if (label !== undefined && !/^[a-z0-9-]+$/.test(label)) throw new Error("--label takes lower-case letters, digits and dashes");
  return { base, runs, out, label };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The pages to measure, found through the public API so the script works on any database. */
async function choosePages(base: string): Promise<{ name: string; path: string }[]> {
  const { articles } = await getJson<{ articles: { path: string; category: string }[] }>(`${base}/api/articles?limit=1`);
  const { stories } = await getJson<{ stories: { path: string }[] }>(`${base}/api/stories?limit=1`);
  const pages = [{ name: "home", path: "/" }];
  if (articles[0]) {
    pages.push({ name: "article", path: articles[0].path }, { name: "category", path: `/categories/${articles[0].category}` });
  } else {
    process.stderr.write("no articles yet: only the homepage is measured\n");
  }
  if (stories[0]) pages.push({ name: "story", path: stories[0].path });
  else process.stderr.write("no public story (one covered by two sources) yet: the story page is not measured\n");
  return pages;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const MAX_FINDINGS = 10;

/**
 * One line per item of an audit's details table: the fields that say what and where (a console message and its
 * URL, a request, an element). A score alone says what failed, not why; this is what last time had to be guessed.
 */
function describeFindings(details: unknown): string[] {
  const items = (details as { items?: unknown[] } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  const text = (value: unknown): string | undefined => {
    if (typeof value === "string" || typeof value === "number") return String(value);
    if (value && typeof value === "object") {
      const object = value as { url?: unknown; snippet?: unknown; text?: unknown; value?: unknown };
      return text(object.url ?? object.snippet ?? object.text ?? object.value);
    }
    return undefined;
  };
  return items.slice(0, MAX_FINDINGS).map((item) => {
    const row = item as Record<string, unknown>;
    const fields = ["source", "description", "url", "sourceLocation", "node", "label"]
      .map((key) => text(row[key]))
      .filter((value): value is string => value !== undefined && value !== "");
    return fields.length > 0 ? [...new Set(fields)].join(" | ").slice(0, 400) : JSON.stringify(row).slice(0, 400);
  });
}

function readRun(lhr: LighthouseResult): Run {
  const scores = Object.fromEntries(CATEGORIES.map((id) => [id, lhr.categories[id]?.score ?? 0])) as Record<Category, number>;
  const metrics = Object.fromEntries(
    Object.entries(METRICS).map(([name, audit]) => [name, lhr.audits[audit]?.numericValue ?? Number.NaN]),
  ) as Record<Metric, number>;
  // Audits that cost points outside performance (where every audit is pass or fail), and the performance
  // diagnostics that fail, by id: what to fix.
  const failing = CATEGORIES.flatMap((category) =>
    (lhr.categories[category]?.auditRefs ?? [])
      .filter((ref) => {
        const audit = lhr.audits[ref.id];
        if (!audit || audit.score === null || audit.scoreDisplayMode === "notApplicable" || audit.scoreDisplayMode === "informative") return false;
        return category === "performance" ? audit.score < 0.9 && ref.weight === 0 && audit.scoreDisplayMode === "binary" : audit.score < 1;
      })
      .map((ref) => `${category}/${ref.id}`),
  );
  const findings = Object.fromEntries(failing.map((id) => [id, describeFindings(lhr.audits[id.slice(id.indexOf("/") + 1)]?.details)]));
  const lcpDetails = lhr.audits["largest-contentful-paint-element"]?.details as
    | { items?: { items?: { node?: { snippet?: string } }[] }[] }
    | undefined;
  const lcpElement = lcpDetails?.items?.[0]?.items?.[0]?.node?.snippet ?? null;
  return { scores, metrics, failing, findings, lcpElement };
}

async function main(): Promise<void> {
  const { base, runs, out, label } = parseArgs(process.argv.slice(2));
  const pages = await choosePages(base);
  // The load before and after: another process on a shared machine can start or stop in between.
  const loadAtStart = Math.round(os.loadavg()[0] * 100) / 100;
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results: PageResult[] = [];
  try {
    for (const page of pages) {
      const url = `${base}${page.path}`;
      // One request first, so no run pays for the server's first render of this route.
      await fetch(url).then((response) => response.arrayBuffer());
      const pageRuns: Run[] = [];
      for (let i = 0; i < runs; i++) {
        const lhr = await runLighthouse(url, chrome.port);
        if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        pageRuns.push(readRun(lhr));
      }
      const medianScores = Object.fromEntries(CATEGORIES.map((id) => [id, median(pageRuns.map((run) => run.scores[id]))])) as Record<Category, number>;
      const medianMetrics = Object.fromEntries(
        (Object.keys(METRICS) as Metric[]).map((name) => [name, Math.round(median(pageRuns.map((run) => run.metrics[name])) * 1000) / 1000]),
      ) as Record<Metric, number>;
      // An audit counts as failing when it failed in most runs.
      const failing = [...new Set(pageRuns.flatMap((run) => run.failing))].filter((id) => pageRuns.filter((run) => run.failing.includes(id)).length * 2 > runs);
      const findings = Object.fromEntries(failing.map((id) => [id, [...new Set(pageRuns.flatMap((run) => run.findings[id] ?? []))]]));
      const lcpElement = pageRuns.map((run) => run.lcpElement).find((element) => element !== null) ?? null;
      results.push({ name: page.name, url: page.path, runs: pageRuns, median: { scores: medianScores, metrics: medianMetrics }, failing, findings, lcpElement });
      printPage(results[results.length - 1], runs);
    }
  } finally {
    chrome.kill();
  }

  const report = {
    date: new Date().toISOString(),
    base,
    runsPerPage: runs,
    settings: "Lighthouse default mobile (emulated Moto G Power, simulated slow 4G, 4× CPU slowdown)",
    lighthouse: LIGHTHOUSE_VERSION,
    machine: { cpus: os.cpus().length, loadAverage1mAtStart: loadAtStart, loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100 },
    pages: results,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(label === undefined ? report : { ...otherLabels(out), [label]: report }, null, 2)}\n`);
  process.stdout.write(`\nload average ${loadAtStart} at the start, ${report.machine.loadAverage1m} at the end, on ${report.machine.cpus} cores; written to ${out}\n`);
}

/** The reports of other labels already in `file` (none when it is absent or holds one unlabelled report). */
function otherLabels(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  const existing = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  return "pages" in existing ? {} : existing;
}

function printPage(page: PageResult, runs: number): void {
  const { scores, metrics } = page.median;
  const score = (value: number) => value.toFixed(2);
  process.stdout.write(
    `${page.name.padEnd(8)} ${page.url}\n` +
      `  median of ${runs}: performance ${score(scores.performance)}  accessibility ${score(scores.accessibility)}  best-practices ${score(scores["best-practices"])}  SEO ${score(scores.seo)}\n` +
      `  TBT ${Math.round(metrics.tbtMs)} ms  LCP ${Math.round(metrics.lcpMs)} ms  FCP ${Math.round(metrics.fcpMs)} ms  CLS ${metrics.cls.toFixed(3)}  script boot-up ${Math.round(metrics.scriptBootupMs)} ms\n` +
      (page.lcpElement ? `  LCP element: ${page.lcpElement}\n` : "") +
      page.failing.map((id) => `  failing: ${id}\n${(page.findings[id] ?? []).map((line) => `    - ${line}\n`).join("")}`).join(""),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
