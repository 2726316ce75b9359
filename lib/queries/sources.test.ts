import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { getDb } from "../db/client";
import { ValidationError } from "../domain/errors";
import { encodeSourceCursor } from "../domain/source-cursor";
import { getSourcesPage, querySources, readSourcesForExport, DEFAULT_SOURCE_PAGE_SIZE, MAX_SOURCE_PAGE_SIZE } from "./sources";

const COUNT = 1_050;
let database: Awaited<ReturnType<typeof useTestDatabase>>;
let allIds: number[];

beforeAll(async () => {
  database = await useTestDatabase("queries-sources");
  // Names in an order unrelated to ids, so the two orders differ.
  await getDb().source.createMany({
    data: Array.from({ length: COUNT }, (_, i) => ({ slug: `q-${i}`, name: `Source ${String((i * 389) % COUNT).padStart(4, "0")}`, feedUrl: `https://q${i}.example/feed`, category: ["a", "b", "c"][i % 3] })),
  });
  allIds = (await getDb().source.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
});
afterAll(async () => database.cleanup());

function validationCode(work: () => Promise<unknown>): Promise<string> {
  return work().then(
    () => "no error",
    (error: unknown) => (error instanceof ValidationError ? error.code : `not a ValidationError: ${String(error)}`),
  );
}

describe("querySources (GET /api/sources)", () => {
  it(`answers ${DEFAULT_SOURCE_PAGE_SIZE} sources by default, by id, with a cursor to the next page`, async () => {
    const page = await querySources({});
    expect(page.sources.map((source) => source.id)).toEqual(allIds.slice(0, DEFAULT_SOURCE_PAGE_SIZE));
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it("takes empty parameters as not given", async () => {
    const page = await querySources({ limit: "", cursor: "" });
    expect(page.sources.map((source) => source.id)).toEqual(allIds.slice(0, DEFAULT_SOURCE_PAGE_SIZE));
  });

  it(`answers at most ${MAX_SOURCE_PAGE_SIZE}, and the cursor leads to the rest`, async () => {
    const first = await querySources({ limit: "1000" });
    expect(first.sources).toHaveLength(MAX_SOURCE_PAGE_SIZE);
    const rest = await querySources({ limit: "1000", cursor: first.nextCursor });
    expect(rest.sources.map((source) => source.id)).toEqual(allIds.slice(MAX_SOURCE_PAGE_SIZE));
    expect(rest.nextCursor).toBeNull();
  });

  it("walks every source by cursor without duplicates or gaps", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof querySources>> = await querySources({ limit: "97", cursor });
      seen.push(...page.sources.map((source) => source.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(pages).toBe(Math.ceil(COUNT / 97));
    expect(seen).toEqual(allIds);
  });

  it.each(["1001", "0", "-1", "abc", "1.5", "1e3", " 5", "99999999999"])("refuses limit=%s with 400 invalid_limit", async (limit) => {
    expect(await validationCode(() => querySources({ limit }))).toBe("invalid_limit");
  });

  it("refuses a cursor it did not issue with 400 invalid_cursor", async () => {
    for (const cursor of ["abc", "%%%", encodeSourceCursor({ order: "name", name: "Source 0001", id: 1 }), "x".repeat(5_000)]) {
      expect(await validationCode(() => querySources({ cursor }))).toBe("invalid_cursor");
    }
  });
});

describe("getSourcesPage (/sources)", () => {
  it("pages alphabetically with next and previous cursors, each source once", async () => {
    const first = (await getSourcesPage({}, 100))!;
    expect(first.previousCursor).toBeNull();
    const names: string[] = [];
    const pages = [first];
    for (let page = first; page.nextCursor !== null && pages.length < 50; ) {
      page = (await getSourcesPage({ after: page.nextCursor }, 100))!;
      pages.push(page);
    }
    for (const page of pages) names.push(...page.sources.map((source) => source.name));
    expect(pages).toHaveLength(Math.ceil(COUNT / 100));
    expect(names).toEqual([...names].sort());
    expect(new Set(pages.flatMap((page) => page.sources.map((source) => source.id))).size).toBe(COUNT);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages[1].previousCursor).not.toBeNull();

    // "Previous" from the second page is the first page, which has no previous.
    const back = (await getSourcesPage({ before: pages[1].previousCursor! }, 100))!;
    expect(back.sources.map((source) => source.id)).toEqual(first.sources.map((source) => source.id));
    expect(back.previousCursor).toBeNull();
    expect(back.nextCursor).toBe(first.nextCursor);
    // … and from the third, the second, which has one.
    const second = (await getSourcesPage({ before: pages[2].previousCursor! }, 100))!;
    expect(second.sources.map((source) => source.id)).toEqual(pages[1].sources.map((source) => source.id));
    expect(second.previousCursor).toBe(pages[1].previousCursor);
  });

  it("answers null for a cursor it did not issue (the page is a 404)", async () => {
    expect(await getSourcesPage({ after: "nonsense" })).toBeNull();
    expect(await getSourcesPage({ before: encodeSourceCursor({ order: "id", id: 3 }) })).toBeNull();
  });
});

describe("readSourcesForExport", () => {
  it("reads every source once, in batches, grouped by category", async () => {
    const batches = [];
    for await (const batch of readSourcesForExport(100)) batches.push(batch);
    expect(batches.length).toBe(Math.ceil(COUNT / 100));
    const rows = batches.flat();
    expect(rows.map((row) => row.id).sort((a, b) => a - b)).toEqual(allIds);
    expect(rows.map((row) => row.category)).toEqual([...rows.map((row) => row.category)].sort());
  });
});
