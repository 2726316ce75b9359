// PostgreSQL mode has its own schema file (prisma/postgresql/schema.prisma) because a Prisma schema names
// one provider. Its models must stay a copy of prisma/schema.prisma: this test fails when they drift.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
const read = (relative: string) => fs.readFileSync(path.join(root, relative), "utf8");

/** Everything but the generator and datasource blocks (and the comments above the first model), whitespace-normalised. */
function modelBlocks(schema: string): string {
  const withoutConfig = schema.replace(/^\s*(generator|datasource)\s+\w+\s*\{[\s\S]*?^\}/gm, "");
  const firstBlock = withoutConfig.search(/^\s*(model|enum|view|type)\s+\w+\s*\{/m);
  if (firstBlock < 0) return "";
  return withoutConfig
    .slice(firstBlock)
    .split("\n")
    .map((line) => line.trim().replace(/\s+/g, " "))
    .filter((line) => line !== "")
    .join("\n");
}

describe("the two Prisma schemas", () => {
  const sqlite = read("prisma/schema.prisma");
  const postgresql = read("prisma/postgresql/schema.prisma");

  it("declare the providers and client outputs lib/db/client.ts expects", () => {
    expect(sqlite).toMatch(/provider\s*=\s*"sqlite"/);
    expect(sqlite).toMatch(/output\s*=\s*"\.\.\/lib\/db\/generated\/sqlite"/);
    expect(postgresql).toMatch(/provider\s*=\s*"postgresql"/);
    expect(postgresql).toMatch(/output\s*=\s*"\.\.\/\.\.\/lib\/db\/generated\/postgresql"/);
    for (const schema of [sqlite, postgresql]) expect(schema).toMatch(/engineType\s*=\s*"client"/);
  });

  it("have the same models (copy prisma/schema.prisma's models into prisma/postgresql/schema.prisma)", () => {
    const a = modelBlocks(sqlite).split("\n");
    const b = modelBlocks(postgresql).split("\n");
    expect(a.length).toBeGreaterThan(0);
    const firstDifference = a.findIndex((line, index) => line !== b[index]);
    const where = firstDifference >= 0 ? firstDifference : a.length;
    // Name the first line that differs, so the fix is obvious from the failure alone.
    expect({ line: where + 1, postgresql: b[where] ?? "<end of models>" }).toEqual({ line: where + 1, postgresql: a[where] ?? "<end of models>" });
    expect(b).toEqual(a);
  });

  it("ignores whitespace and the configuration blocks, but not a changed field", () => {
    const models = "model A {\n  id Int @id\n}\n";
    const one = `generator client {\n  provider = "x"\n}\n\ndatasource db {\n  provider = "sqlite"\n}\n${models}`;
    const two = `// other header\ndatasource db {\n provider = "postgresql"\n}\ngenerator client {\n provider = "y"\n}\n\n${models.replace("id Int", "id    Int")}`;
    expect(modelBlocks(two)).toBe(modelBlocks(one));
    expect(modelBlocks(two.replace("Int", "String"))).not.toBe(modelBlocks(one));
  });
});

describe("PostgreSQL migrations", () => {
  const folder = path.join(root, "prisma", "postgresql", "migrations");
  const migrations = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  it("exist, with a lock file naming postgresql", () => {
    expect(migrations.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(folder, "migration_lock.toml"), "utf8")).toMatch(/provider\s*=\s*"postgresql"/);
  });

  // The CLI's adapter (@prisma/adapter-pg 7) runs a script by splitting it at every ";": a semicolon in a
  // comment, a string or a dollar-quoted body would cut a statement in two (docs/decisions/0004).
  it.each(migrations)("%s has semicolons only at the ends of statements", (name) => {
    const sql = fs.readFileSync(path.join(folder, name, "migration.sql"), "utf8");
    const comments = sql.split("\n").filter((line) => /--.*;/.test(line));
    expect(comments).toEqual([]);
    for (const fragment of sql.split(";")) {
      expect(fragment.split("$$").length % 2, `unbalanced $$ around: ${fragment.trim().slice(0, 80)}`).toBe(1);
      const code = fragment.replace(/--.*$/gm, "");
      expect(code.split("'").length % 2, `unbalanced quote around: ${code.trim().slice(0, 80)}`).toBe(1);
    }
  });
});
