import { describe, expect, it } from "vitest";
import { chunked, chunkedByText, MAX_PARAMETERS_PER_STATEMENT, queryInChunks } from "./chunks";

describe("chunked", () => {
  it("keeps every chunk within the parameter budget, in order, losing nothing", () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    for (const perItem of [1, 3, 9, 14]) {
      const chunks = chunked(items, perItem);
      expect(chunks.flat()).toEqual(items);
      for (const chunk of chunks) expect(chunk.length * perItem).toBeLessThanOrEqual(MAX_PARAMETERS_PER_STATEMENT);
      expect(chunks.length).toBe(Math.ceil(1_000 / Math.floor(MAX_PARAMETERS_PER_STATEMENT / perItem)));
    }
    expect(chunked([])).toEqual([]);
  });

  it("queries chunk by chunk and concatenates the answers", async () => {
    const seen: number[] = [];
    const rows = await queryInChunks(Array.from({ length: 2_000 }, (_, i) => i), async (chunk) => {
      seen.push(chunk.length);
      return chunk.map((i) => i * 2);
    });
    expect(seen).toEqual([900, 900, 200]);
    expect(rows).toHaveLength(2_000);
    expect(rows[1_999]).toBe(3_998);
  });
});

describe("chunkedByText", () => {
  it("keeps every chunk within both the parameter budget and the text budget, in order, losing nothing", () => {
    const items = Array.from({ length: 500 }, (_, i) => "x".repeat((i % 7) * 100));
    const chunks = chunkedByText(items, 14, (item) => item.length, 2_000);
    expect(chunks.flat()).toEqual(items);
    for (const chunk of chunks) {
      expect(chunk.length * 14).toBeLessThanOrEqual(MAX_PARAMETERS_PER_STATEMENT);
      expect(chunk.reduce((sum, item) => sum + item.length, 0)).toBeLessThanOrEqual(2_000);
    }
  });

  it("gives an item larger than the text budget a chunk of its own", () => {
    expect(chunkedByText(["a", "b".repeat(50), "c"], 1, (item) => item.length, 10)).toEqual([["a"], ["b".repeat(50)], ["c"]]);
    expect(chunkedByText([], 1, () => 1, 10)).toEqual([]);
  });
});
