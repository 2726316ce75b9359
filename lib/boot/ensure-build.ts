// `npm start` builds when there is no current build. "Current" means built from exactly these sources:
// a hash of every input to `next build` is stored beside the build and compared at start.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const BUILD_INPUTS = ["app", "components", "lib", "public", "instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const IGNORED = new Set(["node_modules", ".next", "generated"]);
const STAMP_FILE = path.join(".next", "newswire-build-stamp");

function listFiles(entry: string, out: string[]): void {
  if (!fs.existsSync(entry)) return;
  const stat = fs.statSync(entry);
  if (stat.isFile()) {
    if (!/\.test\.tsx?$/.test(entry)) out.push(entry);
    return;
  }
  for (const name of fs.readdirSync(entry).sort()) {
    if (!IGNORED.has(name)) listFiles(path.join(entry, name), out);
  }
}

export function sourceStamp(cwd = process.cwd()): string {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const input of BUILD_INPUTS) listFiles(path.join(cwd, input), files);
  for (const file of files) {
    hash.update(path.relative(cwd, file));
    hash.update("\0");
    hash.update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

export function isBuildCurrent(cwd = process.cwd()): boolean {
  const stampPath = path.join(cwd, STAMP_FILE);
  if (!fs.existsSync(path.join(cwd, ".next", "BUILD_ID")) || !fs.existsSync(stampPath)) return false;
  return fs.readFileSync(stampPath, "utf8").trim() === sourceStamp(cwd);
}

export async function ensureBuild(log: (message: string) => void, cwd = process.cwd(), force = false): Promise<void> {
  if (!force && isBuildCurrent(cwd)) return;
  log("no current build: running next build (this takes a minute the first time)");
  const stamp = sourceStamp(cwd);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(path.join(cwd, "node_modules", ".bin", "next"), ["build"], {
      cwd,
      // stdout carries only our JSON log lines; the build's own output goes to stderr.
      stdio: ["ignore", process.stderr, process.stderr],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with code ${code}`))));
  });
  fs.writeFileSync(path.join(cwd, STAMP_FILE), stamp);
}
