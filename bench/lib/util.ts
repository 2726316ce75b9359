// Small helpers shared by the bench runner, its scenarios and its child processes.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const BENCH_DIR = path.join(ROOT, "bench");
export const RESULTS_DIR = path.join(BENCH_DIR, "results");
/** Scratch space (databases, CPU profiles). `bench/results/*.tmp` is git-ignored. */
export const WORK_DIR = path.join(RESULTS_DIR, "work.tmp");

/** Wall clock in ms with sub-ms precision, comparable across processes on one machine. */
export { wallNow } from "./wall-clock";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs: number, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Like waitFor, but returns false instead of throwing. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

export function log(message: string): void {
  const stamp = new Date().toISOString().slice(11, 23);
  process.stderr.write(`[bench ${stamp}] ${message}\n`);
}

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** What was true of the machine while a scenario ran: absolute figures mean little without it. */
export function machineInfo() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((value) => Math.round(value * 100) / 100),
    git: gitInfo(),
  };
}

export function removeSqlite(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}

/** A deterministic PRNG (mulberry32), so every run generates the same headlines and picks. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const round = (value: number, digits = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/** The commit measured, and whether files outside bench/ differed from it. */
export function gitInfo(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" });
    return { commit, dirty: status.split("\n").some((line) => line.trim() !== "" && !line.slice(3).startsWith("bench/")) };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

/** "1800", "90s", "30m", "1h" → seconds (--duration, BENCH_SOAK_SECONDS). Throws on anything else. */
export function parseDuration(text: string): number {
  const match = text.trim().match(/^(\d+(?:\.\d+)?)\s*(s|m|h)?$/);
  if (!match) throw new Error(`not a duration: ${text} (e.g. 1800, 90s, 30m, 1h)`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"];
}
