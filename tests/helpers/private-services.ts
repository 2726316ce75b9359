// Services of a test's own, for fault tests that stop, restart or starve them: the machine's shared
// PostgreSQL (5432) and Redis (6379) serve every other test and must never be touched. Each service runs
// from a fresh temporary directory on a free port and is removed, directory and all, by stop().
//
// - PostgreSQL 15 (Debian's binaries): initdb/pg_ctl refuse to run as root, so they run as the `postgres`
//   user on a directory it owns; trust authentication on loopback only.
// - Redis: `redis-server` with no persistence (nothing to recover but what instances write again).
// - A small tmpfs (we run as root) to fill a disk for real.
// Anything still running when the test process exits is killed, so a failed test leaves nothing behind.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { eventually, freePort } from "./newswire-server";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const cleanups = new Set<() => void>();
process.once("exit", () => {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort at exit.
    }
  }
});

function asPostgres(command: string, args: string[]): string {
  return execFileSync("runuser", ["-u", "postgres", "--", path.join(PG_BIN, command), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export type PrivatePostgres = {
  port: number;
  /** postgresql://… of the `postgres` database (admin). */
  adminUrl: string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (`pg_ctl stop -m fast`): sessions are ended, the port refuses connections. */
  pause(): Promise<void>;
  /** Starts the stopped server again on the same port and data directory. */
  resume(): Promise<void>;
  /** Stops the server for good and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newswire-pg-"));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  fs.chownSync(dir, uid("postgres"), gid("postgres"));
  fs.chownSync(data, uid("postgres"), gid("postgres"));
  const port = await freePort();
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const log = path.join(dir, "server.log");
  let running = false;
  let removed = false;

  const stopNow = () => {
    if (running) {
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // Already stopped.
      }
      running = false;
    }
  };
  const cleanup = () => {
    stopNow();
    if (!removed) fs.rmSync(dir, { recursive: true, force: true });
    removed = true;
  };
  cleanups.add(cleanup);

  async function start(): Promise<void> {
    asPostgres("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"]);
    running = true;
  }
  await start();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    adminUrl,
    async createDatabase(name) {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    async pause() {
      asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    resume: start,
    async stop() {
      cleanup();
      cleanups.delete(cleanup);
    },
  };
}

function uid(user: string): number {
  return Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
}
function gid(user: string): number {
  return Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
}

export type PrivateRedis = {
  port: number;
  url: string;
  /** SIGTERM, waits until it exited (the port refuses connections). */
  pause(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  resume(): Promise<void>;
  stop(): Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newswire-redis-"));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const current = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
    child = current;
    await eventually(async () => {
      if (current.exitCode !== null) throw new Error(`redis-server exited with ${current.exitCode}`);
      return ping(port);
    }, `redis-server on port ${port} to answer`);
  }
  async function halt(): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once("exit", resolve));
    current.kill("SIGTERM");
    await exited;
  }
  const cleanup = () => {
    child?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: halt,
    resume: start,
    async stop() {
      await halt();
      cleanup();
      cleanups.delete(cleanup);
    },
  };
}

async function ping(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}

export type SmallDisk = {
  /** The mounted directory. */
  dir: string;
  /** Fills the remaining space with a ballast file (writes fail with ENOSPC from now on). */
  fill(): void;
  /** Deletes the ballast: there is room again. */
  free(): void;
  /** Unmounts and removes the directory. */
  remove(): void;
};

/** A tmpfs of `sizeBytes` mounted on a fresh directory (needs root). */
export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newswire-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes}`, "tmpfs", dir]);
  const ballast = path.join(dir, "ballast");
  let mounted = true;
  const cleanup = () => {
    if (mounted) execFileSync("umount", ["-l", dir]);
    mounted = false;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024);
      const fd = fs.openSync(ballast, "a");
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        fs.closeSync(fd);
      }
      // Fill the last partial block too.
      const small = Buffer.alloc(512);
      const fd2 = fs.openSync(ballast, "a");
      try {
        for (;;) fs.writeSync(fd2, small);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        fs.closeSync(fd2);
      }
    },
    free() {
      fs.rmSync(ballast, { force: true });
    },
    remove() {
      cleanup();
      cleanups.delete(cleanup);
    },
  };
}
