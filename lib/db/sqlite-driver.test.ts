// The better-sqlite3 build each runtime loads (see sqlite-driver.ts): on Node 24 the classic build aborts the
// process in garbage collection, so there it must be the Node-API one, for our imports and Prisma's adapter alike.
import { createRequire } from "node:module";
import nodeModule from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import "./sqlite-driver";

const require = createRequire(path.join(process.cwd(), "package.json"));
const nodeMajor = Number(process.versions.node.split(".")[0]);
const canRedirect = typeof (nodeModule as unknown as { registerHooks?: unknown }).registerHooks === "function";

function nodeApiBuildInstalled(): boolean {
  try {
    require.resolve("better-sqlite3-napi");
    return true;
  } catch {
    return false;
  }
}

describe("the better-sqlite3 build", () => {
  it("is the Node-API build wherever Node can redirect to it, and always on Node 24 and later", () => {
    const loaded = require("better-sqlite3");
    if (nodeMajor >= 24) expect(nodeApiBuildInstalled()).toBe(true);
    if (canRedirect && nodeApiBuildInstalled()) expect(loaded).toBe(require("better-sqlite3-napi"));
    else expect(loaded).toBe(require(require.resolve("better-sqlite3")));
  });

  it("is what an import in our own code gets too (in tests Vite resolves those, not Node)", async () => {
    const imported = (await import("better-sqlite3")).default;
    expect(imported).toBe(require("better-sqlite3"));
  });

  it("is what Prisma's SQLite adapter loads too", () => {
    const adapterRequire = createRequire(require.resolve("@prisma/adapter-better-sqlite3"));
    expect(adapterRequire("better-sqlite3")).toBe(require("better-sqlite3"));
  });

  it("is what a Next bundle gets through its own alias of the package (a symlink named better-sqlite3-<hash>)", () => {
    const bundle = fs.mkdtempSync(path.join(os.tmpdir(), "next-bundle-"));
    try {
      fs.mkdirSync(path.join(bundle, "node_modules"));
      fs.symlinkSync(path.dirname(require.resolve("better-sqlite3/package.json")), path.join(bundle, "node_modules", "better-sqlite3-0123456789abcdef"));
      const bundleRequire = createRequire(path.join(bundle, "chunk.js"));
      expect(bundleRequire("better-sqlite3-0123456789abcdef")).toBe(require("better-sqlite3"));
    } finally {
      fs.rmSync(bundle, { recursive: true, force: true });
    }
  });

  it("works: a statement prepared, run and read back", () => {
    const Database = require("better-sqlite3");
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (x INTEGER)");
    for (let i = 0; i < 1000; i++) db.prepare("INSERT INTO t VALUES (?)").run(i);
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1000 });
    db.close();
  });
});
