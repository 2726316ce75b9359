// Forks a bench TypeScript module as a child process with an IPC request/response channel.
import { fork, type ChildProcess } from "node:child_process";
import { track } from "./procs";

export class ChildRpc {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess, readonly label: string) {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    child.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: string; ready?: boolean }) => {
      if (message.ready) {
        markReady();
        return;
      }
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`${label}: ${message.error}`));
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${label} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static start(modulePath: string, label: string, options: { args?: string[]; maxOldSpaceMb?: number; env?: Record<string, string> } = {}): ChildRpc {
    // process.execArgv carries tsx's loader (the bench runs under tsx), so the child can run TypeScript too.
    const execArgv = [...process.execArgv.filter((arg) => !arg.startsWith("--cpu-prof") && !arg.startsWith("--inspect"))];
    if (options.maxOldSpaceMb) execArgv.push(`--max-old-space-size=${options.maxOldSpaceMb}`);
    const child = fork(modulePath, options.args ?? [], {
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, ...options.env },
      serialization: "advanced",
    });
    track(child);
    return new ChildRpc(child, label);
  }

  call<T = unknown>(command: object, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: ${JSON.stringify(command).slice(0, 80)} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, command });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.disconnect?.();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
