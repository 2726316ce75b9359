// Summarises V8 CPU profiles (.cpuprofile, as written by node --cpu-prof; `npm run bench -- --profile` writes
// the servers' into bench/results/profiles.tmp/<scenario>/): where the time went, by function and by package.
//   npx tsx bench/tools/profile-summary.ts <file.cpuprofile|dir> [--top 25] [--window <fromMs>-<toMs>] [--callers <fn>]
// --window keeps only samples within that span (ms from the profile's start), to look at one phase;
// --callers <fn> splits that function's self time by the nearest calling frames in lib/, app/, components/.
import fs from "node:fs";
import path from "node:path";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  file: string;
  /** With `callersOf`: that function's self time by the nearest calling frame in the app's own code. */
  callers?: { name: string; ms: number; share: number }[];
  totalMs: number;
  sampledMs: number;
  idleMs: number;
  gcMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  byFunction: { name: string; ms: number; share: number }[];
};

function packageOf(url: string): string {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node core";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes("/.next/")) return "app (.next bundle)";
  const match = /\/(lib|app|components|bench|prisma|tests)\//.exec(url);
  if (match) return `app ${match[1]}/`;
  return path.basename(url);
}

export function summarizeProfile(file: string, options: { top?: number; window?: [number, number]; callersOf?: string } = {}): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfUs = new Map<number, number>();
  let elapsed = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsed += profile.timeDeltas[i] ?? 0;
    const at = elapsed / 1000;
    if (options.window && (at < options.window[0] || at > options.window[1])) continue;
    // A sample's cost is the time until the next sample.
    const cost = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + cost);
  }
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (frame.functionName === "(idle)") {
      idle += us;
      continue;
    }
    if (frame.functionName === "(garbage collector)") gc += us;
    const where = frame.url ? `${frame.url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "")}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"} ${where}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = frame.functionName.startsWith("(") ? frame.functionName : packageOf(frame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const busy = total - idle;
  const callerMap = new Map<string, number>();
  if (options.callersOf) {
    const isApp = (url: string) => /\/(lib|app|components)\//.test(url) && !url.includes("node_modules") && !url.includes("/.next/");
    for (const [id, us] of selfUs) {
      if (byId.get(id)!.callFrame.functionName !== options.callersOf) continue;
      const chain: string[] = [];
      for (let at = parentOf.get(id); at !== undefined && chain.length < 3; at = parentOf.get(at)) {
        const frame = byId.get(at)!.callFrame;
        if (isApp(frame.url)) chain.push(`${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(lib|app|components)\//, "$1/")}:${frame.lineNumber + 1}`);
      }
      const key = chain.join(" ← ") || "(no app frame)";
      callerMap.set(key, (callerMap.get(key) ?? 0) + us);
    }
  }
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top ?? 25)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((1000 * us) / Math.max(1, busy)) / 10 }));
  return {
    file,
    totalMs: Math.round((profile.endTime - profile.startTime) / 1000),
    sampledMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    gcMs: Math.round(gc / 1000),
    byPackage: rank(packages),
    byFunction: rank(functions),
    ...(options.callersOf ? { callers: rank(callerMap) } : {}),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines = [
    `${summary.file}`,
    `  ${summary.totalMs} ms profiled, ${summary.sampledMs - summary.idleMs} ms busy (${summary.idleMs} ms idle), GC ${summary.gcMs} ms`,
    "  by package (self time, share of busy):",
    ...summary.byPackage.map((entry) => `    ${String(entry.ms).padStart(7)} ms ${String(entry.share).padStart(5)} %  ${entry.name}`),
    "  by function:",
    ...summary.byFunction.map((entry) => `    ${String(entry.ms).padStart(7)} ms ${String(entry.share).padStart(5)} %  ${entry.name}`),
    ...(summary.callers ? ["  callers (nearest app frames):", ...summary.callers.map((entry) => `    ${String(entry.ms).padStart(7)} ms ${String(entry.share).padStart(5)} %  ${entry.name}`)] : []),
  ];
  return lines.join("\n");
}

function profilesIn(target: string): string[] {
  if (fs.statSync(target).isFile()) return [target];
  const out: string[] = [];
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...profilesIn(full));
    else if (entry.name.endsWith(".cpuprofile")) out.push(full);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const target = args.find((arg) => !arg.startsWith("--") && !/^\d/.test(arg));
  if (!target) {
    process.stderr.write("usage: tsx bench/tools/profile-summary.ts <file.cpuprofile|dir> [--top N] [--window from-to]\n");
    process.exit(2);
  }
  const top = args.includes("--top") ? Number(args[args.indexOf("--top") + 1]) : 25;
  const windowArg = args.includes("--window") ? args[args.indexOf("--window") + 1] : undefined;
  const window = windowArg ? (windowArg.split("-").map(Number) as [number, number]) : undefined;
  const callersOf = args.includes("--callers") ? args[args.indexOf("--callers") + 1] : undefined;
  for (const file of profilesIn(target)) {
    // Profiles of short-lived helpers (prisma migrate, tsx's launcher) are small: skip them.
    if (fs.statSync(file).size < 200_000) continue;
    process.stdout.write(`${formatSummary(summarizeProfile(file, { top, window, callersOf }))}\n\n`);
  }
}
