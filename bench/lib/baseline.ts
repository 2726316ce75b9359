// Starts one of bench/baselines/*.ts as its own process (tsx loader, --expose-gc) and talks to it over HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { killTree, track } from "./procs";
import { BENCH_DIR, sleep } from "./util";

export class BaselineServer {
  private constructor(readonly child: ChildProcess, readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(name: "bare-socketio" | "bare-sse", cpuProfDir?: string, requestedPort = 0): Promise<BaselineServer> {
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith("--cpu-prof") && !arg.startsWith("--inspect"));
    const args = [...execArgv, "--expose-gc"];
    if (cpuProfDir) args.push("--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`);
    const child = track(spawn(process.execPath, [...args, path.join(BENCH_DIR, "baselines", `${name}.ts`)], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, PORT: String(requestedPort) } }));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += chunk;
        const match = out.match(/listening (\d+)/);
        if (match) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before listening`)));
    });
    return new BaselineServer(child, port);
  }

  async emit(article: object): Promise<{ emittedAt: number; clients: number }> {
    const response = await fetch(`${this.url}/emit`, { method: "POST", body: JSON.stringify(article), headers: { "content-type": "application/json" } });
    return (await response.json()) as { emittedAt: number; clients: number };
  }

  async heapUsed(): Promise<{ bytes: number; method: string }> {
    const response = await fetch(`${this.url}/heap`);
    const body = (await response.json()) as { heapUsed: number; forced: boolean };
    return { bytes: body.heapUsed, method: body.forced ? "global.gc() ×2 (--expose-gc)" : "no forced GC" };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
    if (timedOut && this.child.pid) killTree(this.child.pid);
  }
}
