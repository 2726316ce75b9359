import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, tryDecodeCursor } from "./cursor";
import { ValidationError } from "./errors";
import { articleSlug, slugify } from "./slug";

describe("cursor", () => {
  it("round-trips an ingestion sequence", () => {
    expect(decodeCursor(encodeCursor(12345))).toBe(12345);
  });

  it.each(["", "-1", "1.5", "abc", "1e5", "9".repeat(16), " 12"])("rejects %j", (value) => {
    expect(() => decodeCursor(value)).toThrow(ValidationError);
    expect(tryDecodeCursor(value)).toBeUndefined();
  });
});

describe("slugs", () => {
  it("folds accents and punctuation into hyphenated ASCII", () => {
    expect(slugify("Café au lait: Zürich's “best” crème brûlée!")).toBe("cafe-au-lait-zurich-s-best-creme-brulee");
  });

  it("cuts long titles at a word boundary", () => {
    const slug = slugify("word ".repeat(40), 30);
    expect(slug.length).toBeLessThanOrEqual(30);
    expect(slug.endsWith("-")).toBe(false);
  });

  it("makes article slugs stable per identity and distinct across sources", () => {
    const a = articleSlug("Same headline", 1, "g:abc");
    expect(articleSlug("Same headline", 1, "g:abc")).toBe(a);
    expect(articleSlug("Same headline", 2, "g:abc")).not.toBe(a);
    expect(a).toMatch(/^same-headline-[a-z0-9]{8}$/);
    expect(articleSlug("「日本語」", 1, "x")).toMatch(/^story-[a-z0-9]{8}$/);
  });
});
