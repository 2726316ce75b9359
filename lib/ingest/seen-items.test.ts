import { describe, expect, it } from "vitest";
import type { ParsedItem } from "../domain/feed";
import { createSeenItems } from "./seen-items";

function item(guid: string, overrides: Partial<ParsedItem> = {}): ParsedItem {
  return { guid, title: `Story ${guid}`, link: `https://example.com/${guid}`, contentHtml: null, summaryHtml: "<p>Text</p>", author: null, published: "Tue, 24 Nov 2026 10:00:00 GMT", updated: null, imageUrls: [], categories: [], baseUrl: null, contentBaseUrl: null, ...overrides } as ParsedItem;
}

describe("seen items", () => {
  it("passes everything the first time, then only entries that are new or differ in any field", () => {
    const seen = createSeenItems();
    const first = seen.unseen(1, [item("a"), item("b")]);
    expect(first.items.map((entry) => entry.guid)).toEqual(["a", "b"]);
    seen.remember(1, first.fingerprints);

    const second = seen.unseen(1, [item("c"), item("a"), item("b", { summaryHtml: "<p>Corrected text</p>" })]);
    expect(second.items.map((entry) => entry.guid)).toEqual(["c", "b"]);
    expect(second.items[1].summaryHtml).toBe("<p>Corrected text</p>");
  });

  it("keeps sources apart, remembers only the latest check, and forgets on request", () => {
    const seen = createSeenItems();
    seen.remember(1, seen.unseen(1, [item("a")]).fingerprints);
    expect(seen.unseen(2, [item("a")]).items).toHaveLength(1);
    seen.remember(1, seen.unseen(1, [item("b")]).fingerprints);
    expect(seen.unseen(1, [item("a"), item("b")]).items.map((entry) => entry.guid)).toEqual(["a"]);
    seen.forget(1);
    expect(seen.unseen(1, [item("b")]).items).toHaveLength(1);
  });

  it("without remember (a failed store), the same entries come through again", () => {
    const seen = createSeenItems();
    seen.unseen(1, [item("a")]);
    expect(seen.unseen(1, [item("a")]).items).toHaveLength(1);
  });
});
