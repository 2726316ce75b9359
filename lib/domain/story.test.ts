import { describe, expect, it } from "vitest";
import { compareTopStories, isPublicStory, storyPath, storySlug, topStoryScore } from "./story";

const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 30, 12);
const story = (id: number, sourceCount: number, hoursAgo: number) => ({ id, sourceCount, updatedAt: new Date(now - hoursAgo * HOUR).toISOString() });

describe("stories", () => {
  it("have a readable slug that stays unique by id, and a path", () => {
    expect(storySlug("Fed lifts rates a quarter point", 42)).toBe("fed-lifts-rates-a-quarter-point-42");
    expect(storySlug("東京", 7)).toBe("story-7");
    expect(storyPath("a-1")).toBe("/stories/a-1");
  });

  it("are public from two sources", () => {
    expect(isPublicStory({ sourceCount: 1 })).toBe(false);
    expect(isPublicStory({ sourceCount: 2 })).toBe(true);
  });

  it("rank by breadth, and yesterday's big story gives way to today's", () => {
    const ranked = [story(1, 5, 24), story(2, 2, 0), story(3, 4, 1), story(4, 2, 0.5)].sort(compareTopStories(now));
    expect(ranked.map((s) => s.id)).toEqual([3, 2, 4, 1]);
    expect(topStoryScore(story(5, 4, 6), now)).toBeCloseTo(2);
  });

  it("break ties by sources, then newer coverage, then id", () => {
    const ranked = [story(1, 2, 1), story(2, 2, 1), story(3, 2, 0)].sort(compareTopStories(now));
    expect(ranked.map((s) => s.id)).toEqual([3, 2, 1]);
  });
});
