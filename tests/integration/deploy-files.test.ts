// The deployment files (deploy/) agree with the code and with each other. They run in containers, which
// these machines cannot start; what can be checked without an engine is checked here. The cluster tests
// (cluster-*.test.ts) run the same haproxy.cfg on loopback.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { HAPROXY_CONFIG } from "../helpers/haproxy";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

async function haproxyCheck(env: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run("haproxy", ["-c", "-f", HAPROXY_CONFIG], { env: { ...process.env, ...env } });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === "ENOENT") throw new Error("haproxy is not installed: apt-get install -y haproxy");
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("deploy/haproxy.cfg", () => {
  it("is valid with compose's values (its defaults) and with the tests' loopback values", async () => {
    const compose = await haproxyCheck({ HAPROXY_STATS_BIND: ":8404" });
    expect(compose.ok, compose.output).toBe(true);
    const loopback = await haproxyCheck({
      HAPROXY_BIND: "127.0.0.1:18080",
      NEWSWIRE_APP1: "127.0.0.1:13001",
      NEWSWIRE_APP2: "127.0.0.1:13002",
      NEWSWIRE_APP3: "",
      HAPROXY_TIMEOUT_CLIENT: "3s",
    });
    expect(loopback.ok, loopback.output).toBe(true);
    // On loopback nothing needs DNS, and nothing is left to warn about.
    expect(loopback.output, loopback.output).not.toMatch(/WARNING|ALERT/);
  });

  it("refuses a broken value instead of running with a default", async () => {
    const broken = await haproxyCheck({ HAPROXY_TIMEOUT_CLIENT: "soon" });
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/timeout/i);
  });
});

describe("deploy/Dockerfile and package.json", () => {
  it("start the server with the same command, node itself (no npm, no tsx CLI in between)", () => {
    const start = JSON.parse(read("package.json")).scripts.start as string;
    const npmCommand = start.match(/\bexec (.+)$/)?.[1];
    expect(npmCommand, `npm start must exec the server: ${start}`).toBeDefined();
    const cmd = read("deploy/Dockerfile").match(/^CMD (\[.*\])$/m)?.[1];
    expect(cmd).toBeDefined();
    expect((JSON.parse(cmd!) as string[]).join(" ")).toBe(npmCommand);
    expect(npmCommand).toMatch(/^node /);
  });
});

describe("deploy/compose.yaml", () => {
  const compose = read("deploy/compose.yaml");

  it("trusts X-Forwarded-For from HAProxy's address only", () => {
    const trusted = compose.match(/^\s+TRUST_PROXY: (\S+)$/m)?.[1];
    const haproxyAddress = compose.match(/^\s+ipv4_address: (\S+)$/m)?.[1];
    expect(trusted).toBeDefined();
    expect(trusted).toBe(haproxyAddress);
  });
});
