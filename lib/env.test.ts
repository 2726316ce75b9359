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
    ["FEED_ALLOW_PRIVATE", "yes"],
    ["LOG_LEVEL", "loud"],
    ["REDIS_URL", "http://localhost:6379"],
    ["ADMIN_TOKEN", "short"],
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
});
