// Every process the bench starts is registered here, and killed (with its whole tree) when the bench
// exits for any reason: normal end, an exception, Ctrl-C or SIGTERM. Processes are killed by pid only.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";

const tracked = new Set<ChildProcess>();
/** Cleanups for things that are not processes (servers in this process, browsers). */
const cleanups = new Set<() => void | Promise<void>>();

export function track<T extends ChildProcess>(child: T): T {
  tracked.add(child);
  child.once("exit", () => tracked.delete(child));
  return child;
}

export function onCleanup(cleanup: () => void | Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Parent pid of every process, read from /proc (Linux). */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 is the ppid; the command (field 2) may contain spaces, so parse after its closing paren.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

export function descendants(pid: number): number[] {
  const children = parentMap();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const child of children.get(current) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The process and everything it started, by pid; the list is taken before anything is signalled. */
export function killTree(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  const all = [pid, ...descendants(pid)];
  for (const target of all.reverse()) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

export function killAllTracked(): void {
  for (const child of tracked) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killTree(child.pid);
  }
  tracked.clear();
  // Anything else this process started (a server still starting, a browser): every descendant, by pid.
  for (const pid of descendants(process.pid).reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

export async function runCleanups(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch {
      // Best effort: the processes are killed regardless.
    }
  }
  cleanups.clear();
}

let installed = false;
/** Kills every tracked process tree on exit, on SIGINT/SIGTERM/SIGHUP and on an uncaught error. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllTracked);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: stopping every process the bench started\n`);
      const timer = setTimeout(() => process.exit(130), 3000);
      void runCleanups().finally(() => {
        clearTimeout(timer);
        killAllTracked();
        process.exit(130);
      });
    });
  }
  process.on("uncaughtException", (error) => {
    process.stderr.write(`[bench] uncaught: ${error.stack ?? error.message}\n`);
    killAllTracked();
    process.exit(1);
  });
  process.on("unhandledRejection", (error) => {
    process.stderr.write(`[bench] unhandled rejection: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    killAllTracked();
    process.exit(1);
  });
}
