import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("gives the contract's defaults for an empty environment", () => {
    const env = parseEnv({});
    expect(env.port).toBe(3000);
    expect(env.databaseUrl).toBe("file:./data/news.db");
    expect(env.publicUrl).toBe("http://localhost:3000");
    expect(env.pollIntervalSeconds).toBe(300);
    expect(env.feedAllowPrivate).toBe(false);
    expect(env.adminToken).toBeUndefined();
    expect(env.logLevel).toBe("info");
  });

  it("derives PUBLIC_URL from PORT and strips a trailing slash from an explicit one", () => {
    expect(parseEnv({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
    expect(parseEnv({ PUBLIC_URL: "https://news.example.com/" }).publicUrl).toBe("https://news.example.com");
  });

  it("switches to PostgreSQL for postgresql:// URLs and accepts FEED_ALLOW_PRIVATE=1", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://root@127.0.0.1:5432/news", FEED_ALLOW_PRIVATE: "1" });
    expect(env.databaseUrl).toMatch(/^postgresql:/);
    expect(env.feedAllowPrivate).toBe(true);
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["PUBLIC_URL", "news.example.com"],
    ["POLL_INTERVAL_SECONDS", "0"],
    ["POLL_INTERVAL_SECONDS", "soon"],
    ["FEED_CHECK_LEASE_SECONDS", "5"],
    ["FEED_CHECK_LEASE_SECONDS", "3601"],
    ["FEED_ALLOW_PRIVATE", "yes"],
    ["LOG_LEVEL", "loud"],
    ["REDIS_URL", "http://localhost:6379"],
    ["ADMIN_TOKEN", "short"],
    ["ADMIN_TOKEN", "twenty-three-characters"],
    ["TRUST_PROXY", "10.0.0.0/8,proxy.internal"],
    ["TRUST_PROXY", "10.0.0.0/40"],
    ["DATABASE_URL", "file:/proc/kmsg"],
    ["DATABASE_URL", "file:/proc/newswire/news.db"],
    ["DATABASE_URL", "file:/sys/news.db"],
    ["DATABASE_URL", "file:/dev/null"],
    ["DATABASE_URL", "file:/dev/stdin"],
    ["DATABASE_URL", `file:${os.tmpdir()}`],
    ["DATABASE_URL", "file:"],
  ])("refuses %s=%s with an error naming the variable", (variable, value) => {
    let caught: unknown;
    try {
      parseEnv({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    expect((caught as EnvError).variable).toBe(variable);
    expect((caught as Error).message).toContain(variable);
    expect((caught as Error).message.split("\n")).toHaveLength(1);
  });

  it("says why a short ADMIN_TOKEN is refused without repeating it", () => {
    const token = "abcdefghijklmnopqrstuvw";
    expect(() => parseEnv({ ADMIN_TOKEN: token })).toThrow(/ADMIN_TOKEN: must be at least 24 characters: .*guess/);
    expect(() => parseEnv({ ADMIN_TOKEN: token })).not.toThrow(new RegExp(token));
    expect(parseEnv({ ADMIN_TOKEN: "a".repeat(24) }).adminToken).toBe("a".repeat(24));
  });

  it("refuses an ADMIN_TOKEN no request could carry: blank, or with whitespace at either end (HTTP trims it)", () => {
    for (const token of [" ".repeat(30), `${"k".repeat(30)} `, `\t${"k".repeat(30)}`, `${"k".repeat(30)}\n`]) {
      expect(() => parseEnv({ ADMIN_TOKEN: token }), JSON.stringify(token)).toThrow(/ADMIN_TOKEN: .*whitespace/);
    }
    expect(parseEnv({ ADMIN_TOKEN: "twenty four chars, spaced" }).adminToken).toBe("twenty four chars, spaced");
  });

  it("names the place a SQLite DATABASE_URL cannot use", () => {
    expect(() => parseEnv({ DATABASE_URL: "file:/proc/kmsg" })).toThrow(/DATABASE_URL: .*\/proc\/kmsg is on a kernel pseudo-filesystem/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newswire-env-"));
    try {
      fs.writeFileSync(path.join(dir, "a-file"), "");
      expect(() => parseEnv({ DATABASE_URL: `file:${dir}/a-file/news.db` })).toThrow(/a-file is not a directory/);
      expect(() => parseEnv({ DATABASE_URL: `file:${dir}` })).toThrow(/is not a regular file/);
      // A file that is something else (a typo pointing at a config file, a log): refused by name, not by a
      // migration error of Prisma's many lines later.
      fs.writeFileSync(path.join(dir, "notes.txt"), "not a database at all, just text\n");
      expect(() => parseEnv({ DATABASE_URL: `file:${dir}/notes.txt` })).toThrow(/DATABASE_URL: .*notes\.txt is not a SQLite database/);
      // An empty file is an empty database to SQLite, and a real one is fine.
      expect(parseEnv({ DATABASE_URL: `file:${dir}/a-file` }).databaseUrl).toBe(`file:${dir}/a-file`);
      fs.writeFileSync(path.join(dir, "real.db"), Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(84)]));
      expect(parseEnv({ DATABASE_URL: `file:${dir}/real.db` }).databaseUrl).toBe(`file:${dir}/real.db`);
      // A path to be created is fine, and checking it creates nothing.
      expect(parseEnv({ DATABASE_URL: `file:${dir}/sub/news.db` }).databaseUrl).toBe(`file:${dir}/sub/news.db`);
      expect(fs.existsSync(path.join(dir, "sub"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads TRUST_PROXY as a list of ranges", () => {
    expect(parseEnv({}).trustProxy).toEqual([]);
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8, ::1" }).trustProxy.map((proxy) => proxy.text)).toEqual(["10.0.0.0/8", "::1"]);
  });
});
