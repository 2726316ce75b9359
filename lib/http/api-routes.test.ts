import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_ROUTES, checkApiRoute } from "./api-routes";

describe("API route table", () => {
  it.each(API_ROUTES)("matches the handlers exported by $file", ({ file, methods }) => {
    const source = fs.readFileSync(path.resolve(import.meta.dirname, "../..", file), "utf8");
    const exported = [...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => match[1]);
    expect(exported.sort()).toEqual([...methods].sort());
  });

  it("knows every route file under app/api", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === "route.ts") files.push(path.relative(path.resolve(import.meta.dirname, "../.."), full));
      }
    };
    walk(path.resolve(import.meta.dirname, "../../app/api"));
    expect(files.sort()).toEqual(API_ROUTES.map((route) => route.file).sort());
  });

  it("answers unknown paths with 404 and unsupported methods with 405, in the JSON error shape", () => {
    expect(checkApiRoute("/api/articles", "GET")).toEqual({ ok: true });
    expect(checkApiRoute("/api/articles", "HEAD")).toEqual({ ok: true });
    expect(checkApiRoute("/api/sources/12/refresh", "POST")).toEqual({ ok: true });
    const missing = checkApiRoute("/api/nope", "GET");
    expect(missing).toMatchObject({ ok: false, status: 404 });
    expect(checkApiRoute("/api/sources/1", "GET")).toEqual({ ok: true });
    const wrong = checkApiRoute("/api/sources/1", "PUT");
    expect(wrong).toMatchObject({ ok: false, status: 405, allow: "GET, DELETE, HEAD" });
    if (!wrong.ok) expect(JSON.parse(wrong.body).error.code).toBe("method_not_allowed");
  });
});
