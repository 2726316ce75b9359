import { describe, expect, it } from "vitest";
import type { ParsedItem } from "../domain/feed";
import { createSeenItems } from "./seen-items";

function item(guid: string, overrides: Partial<ParsedItem> = {}): ParsedItem {
  return { guid, title: `Story ${guid}`, link: `https://example.com/${guid}`, contentHtml: null, summaryHtml: "<p>Text</p>", author: null, published: "Tue, 24 Nov 2026 10:00:00 GMT", updated: null, imageUrls: [], categories: [], baseUrl: null, contentBaseUrl: null, ...overrides } as ParsedItem;
}

const t = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute));

describe("seen items", () => {
  it("passes everything the first time, then only entries that are new or differ in any field", () => {
    const seen = createSeenItems();
    const firstCheck = seen.forCheck(1, null, t(0));
    const first = firstCheck.unseen([item("a"), item("b")]);
    expect(first.items.map((entry) => entry.guid)).toEqual(["a", "b"]);
    firstCheck.remember(first.fingerprints);

    const second = seen.forCheck(1, t(0), t(5)).unseen([item("c"), item("a"), item("b", { summaryHtml: "<p>Corrected text</p>" })]);
    expect(second.items.map((entry) => entry.guid)).toEqual(["c", "b"]);
    expect(second.items[1].summaryHtml).toBe("<p>Corrected text</p>");
  });

  it("keeps sources apart, remembers only the latest check, and forgets on request", () => {
    const seen = createSeenItems();
    const one = seen.forCheck(1, null, t(0));
    one.remember(one.unseen([item("a")]).fingerprints);
    expect(seen.forCheck(2, null, t(0)).unseen([item("a")]).items).toHaveLength(1);
    const again = seen.forCheck(1, t(0), t(1));
    again.remember(again.unseen([item("b")]).fingerprints);
    expect(seen.forCheck(1, t(1), t(2)).unseen([item("a"), item("b")]).items.map((entry) => entry.guid)).toEqual(["a"]);
    seen.forget(1);
    expect(seen.forCheck(1, t(1), t(3)).unseen([item("b")]).items).toHaveLength(1);
  });

  it("without remember (a failed store), the same entries come through again", () => {
    const seen = createSeenItems();
    seen.forCheck(1, null, t(0)).unseen([item("a")]);
    expect(seen.forCheck(1, null, t(1)).unseen([item("a")]).items).toHaveLength(1);
  });

  it("trusts nothing when another instance checked the source since (the entry may have changed and changed back)", () => {
    const seen = createSeenItems();
    const mine = seen.forCheck(1, null, t(0));
    mine.remember(mine.unseen([item("a")]).fingerprints);
    // The database says the last successful check was at t(3): not the one this process remembers.
    expect(seen.forCheck(1, t(3), t(4)).unseen([item("a")]).items).toHaveLength(1);
  });

  it("keeps trusting the memory across this process's own 304 checks", () => {
    const seen = createSeenItems();
    const mine = seen.forCheck(1, null, t(0));
    mine.remember(mine.unseen([item("a")]).fingerprints);
    seen.notModified(1, t(0), t(5));
    expect(seen.forCheck(1, t(5), t(6)).unseen([item("a")]).items).toHaveLength(0);
  });
});
