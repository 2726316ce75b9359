import { describe, expect, it } from "vitest";
import type { ParsedItem } from "../domain/feed";
import { createSeenItems, unseenItems, type SeenCheck } from "./seen-items";

/** What a check of `check` normalizes of `items` (the parse pool does the same with check.seen). */
const unseen = (check: SeenCheck, items: ParsedItem[]) => unseenItems(items, check.seen);

function item(guid: string, overrides: Partial<ParsedItem> = {}): ParsedItem {
  return { guid, title: `Story ${guid}`, link: `https://example.com/${guid}`, contentHtml: null, summaryHtml: "<p>Text</p>", author: null, published: "Tue, 24 Nov 2026 10:00:00 GMT", updated: null, imageUrls: [], categories: [], baseUrl: null, contentBaseUrl: null, ...overrides } as ParsedItem;
}

const t = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute));

describe("seen items", () => {
  it("passes everything the first time, then only entries that are new or differ in any field", () => {
    const seen = createSeenItems();
    const firstCheck = seen.forCheck(1, null, t(0));
    const first = unseen(firstCheck, [item("a"), item("b")]);
    expect(first.items.map((entry) => entry.guid)).toEqual(["a", "b"]);
    firstCheck.remember(first.fingerprints);

    const second = unseen(seen.forCheck(1, t(0), t(5)), [item("c"), item("a"), item("b", { summaryHtml: "<p>Corrected text</p>" })]);
    expect(second.items.map((entry) => entry.guid)).toEqual(["c", "b"]);
    expect(second.items[1].summaryHtml).toBe("<p>Corrected text</p>");
  });

  it("keeps sources apart, remembers only the latest check, and forgets on request", () => {
    const seen = createSeenItems();
    const one = seen.forCheck(1, null, t(0));
    one.remember(unseen(one, [item("a")]).fingerprints);
    expect(unseen(seen.forCheck(2, null, t(0)), [item("a")]).items).toHaveLength(1);
    const again = seen.forCheck(1, t(0), t(1));
    again.remember(unseen(again, [item("b")]).fingerprints);
    expect(unseen(seen.forCheck(1, t(1), t(2)), [item("a"), item("b")]).items.map((entry) => entry.guid)).toEqual(["a"]);
    seen.forget(1);
    expect(unseen(seen.forCheck(1, t(1), t(3)), [item("b")]).items).toHaveLength(1);
  });

  it("without remember (a failed store), the same entries come through again", () => {
    const seen = createSeenItems();
    unseen(seen.forCheck(1, null, t(0)), [item("a")]);
    expect(unseen(seen.forCheck(1, null, t(1)), [item("a")]).items).toHaveLength(1);
  });

  it("trusts nothing when another instance checked the source since (the entry may have changed and changed back)", () => {
    const seen = createSeenItems();
    const mine = seen.forCheck(1, null, t(0));
    mine.remember(unseen(mine, [item("a")]).fingerprints);
    // The database says the last successful check was at t(3): not the one this process remembers.
    expect(unseen(seen.forCheck(1, t(3), t(4)), [item("a")]).items).toHaveLength(1);
  });

  it("keeps trusting the memory across this process's own 304 checks", () => {
    const seen = createSeenItems();
    const mine = seen.forCheck(1, null, t(0));
    mine.remember(unseen(mine, [item("a")]).fingerprints);
    seen.notModified(1, t(0), t(5));
    expect(unseen(seen.forCheck(1, t(5), t(6)), [item("a")]).items).toHaveLength(0);
  });
});
