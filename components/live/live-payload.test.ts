import { describe, expect, it } from "vitest";
import { fixtureArticle } from "@/lib/realtime/article-fixture";
import { isArticle, isNewerCursor, isStory, olderCursor } from "./live-payload";

describe("live payloads", () => {
  it("accept articles and stories of the public shape and refuse anything else", () => {
    expect(isArticle(fixtureArticle(1))).toBe(true);
    expect(isArticle({ ...fixtureArticle(1), id: "1" })).toBe(false);
    expect(isArticle(null)).toBe(false);
    const story = { id: 1, slug: "s-1", path: "/stories/s-1", title: "S", sourceCount: 2, articleCount: 2, firstSeenAt: "", updatedAt: "", articles: [fixtureArticle(1), fixtureArticle(2)] };
    expect(isStory(story)).toBe(true);
    expect(isStory({ ...story, articles: [fixtureArticle(1), { id: 2 }] })).toBe(false);
    expect(isStory({ ...story, sourceCount: "2" })).toBe(false);
  });

  it("order cursors numerically, and resume from the older of two (no cursor loses to any)", () => {
    expect(isNewerCursor("10", "9")).toBe(true);
    expect(isNewerCursor("9", "10")).toBe(false);
    expect(isNewerCursor("1", undefined)).toBe(true);
    expect(olderCursor("10", "9")).toBe("9");
    expect(olderCursor(undefined, "9")).toBe("9");
    expect(olderCursor("9", undefined)).toBe("9");
    expect(olderCursor(undefined, undefined)).toBeUndefined();
  });
});
