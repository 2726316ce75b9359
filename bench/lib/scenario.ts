// What every scenario gets and returns.
import fs from "node:fs";
import type { Row } from "./results";

export type ScenarioContext = {
  quick: boolean;
  /** Set by --profile: servers write V8 CPU profiles here (figures from such a run are not comparable). */
  profileDir?: string;
  log: (message: string) => void;
  /** --duration (seconds) for scenarios that run for a set time (soak). */
  durationSeconds?: number;
};

export type ScenarioOutput = {
  method: string[];
  rows: Row[];
  notes: string[];
  details: Record<string, unknown>;
  /** Set when part of the scenario failed but the rest has figures to keep: the run counts it as failed. */
  error?: string;
};

export type Scenario = {
  name: string;
  title: string;
  /** Left out of the default full run (too long); runs when named with --only, and in --quick runs. */
  onlyWhenNamed?: boolean;
  run(context: ScenarioContext): Promise<ScenarioOutput>;
};

/** CPU time (user + system, ms) a process has used so far, from /proc (10 ms resolution). */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the command.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

/**
 * Waits until a process has used under 10 % of a core for two 250 ms windows in a row (background work such
 * as story clustering has finished). Resolves with the ms waited, or NaN after `timeoutMs`.
 */
export async function waitForIdle(pid: number | undefined, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let last = cpuMsOf(pid);
  while (performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuMsOf(pid);
    quiet = now - last < 25 ? quiet + 1 : 0;
    last = now;
    if (quiet >= 2) return Math.max(0, performance.now() - started - 500);
  }
  return NaN;
}
