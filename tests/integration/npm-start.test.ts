// `npm start` as an operator or an orchestrator runs it: SIGTERM goes to the npm process, and must reach the
// server and run its graceful shutdown, leaving nothing behind. npm 11 passes SIGTERM on to its direct child
// only; with `tsx server.ts` that child was a shell (sh -c), which died of the signal without passing it on,
// and the server (two processes further down) kept running as an orphan. The script now `exec`s
// `node --import tsx server.ts`, so npm's child is the server itself.
import { describe, expect, it } from "vitest";
import { childPids, commandLine, descendantPids, isAlive, startNewswire, tempDatabaseUrl } from "../helpers/newswire-server";
import { removeDatabase } from "../helpers/newswire-client";

function logMessages(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? "");
}

describe("npm start", () => {
  it("passes SIGTERM on to the server: it shuts down gracefully, npm exits 0 and no process is left", async () => {
    const databaseUrl = tempDatabaseUrl("npm-start");
    const server = await startNewswire({ launcher: "npm", env: { DATABASE_URL: databaseUrl } });
    const npmPid = server.process.pid!;
    const everything = [npmPid, ...descendantPids(npmPid)];
    try {
      // What npm runs is the server itself, not a shell or tsx's CLI that would have to relay the signal.
      expect(childPids(npmPid).map(commandLine)).toEqual([expect.stringMatching(/^node --import tsx server\.ts$/)]);
      const code = await server.stop();
      const output = server.output();
      const leftOver = everything.filter(isAlive).map((pid) => `${pid} ${commandLine(pid)}`);
      expect(leftOver, output).toEqual([]);
      expect(code, output).toBe(0);
      const messages = logMessages(output);
      expect(messages, output).toContain("shutting down");
      expect(messages, output).toContain("stopped");
    } finally {
      // An orphan left by a failure must not outlive the test.
      for (const pid of everything.filter(isAlive)) process.kill(pid, "SIGKILL");
      removeDatabase(databaseUrl);
    }
  }, 240_000);
});
