import { describe, expect, it } from "vitest";
import type { Story } from "@/lib/domain/story";
import { fixtureArticle } from "@/lib/realtime/article-fixture";
import { applyStoryUpdate, describeStoryChanges, initialTopStories, storyHighlights, topStoriesReducer } from "./top-stories-state";

const NOW = Date.UTC(2026, 10, 30, 12);
const HOUR = 3_600_000;

function article(id: number, source: number) {
  const base = fixtureArticle(id, `outlet-${source}`);
  return { ...base, source: { ...base.source, id: source, name: `Outlet ${source}` } };
}

/** A story whose id is its first article's id, covered by sources 1..sourceCount, last covered `hoursAgo`. */
function story(id: number, sourceCount: number, hoursAgo = 0): Story {
  const articles = Array.from({ length: sourceCount }, (_, i) => article(i === 0 ? id : id * 100 + i, i + 1));
  return {
    id,
    slug: `story-${id}`,
    path: `/stories/story-${id}`,
    title: `Story ${id}`,
    sourceCount,
    articleCount: sourceCount,
    firstSeenAt: new Date(NOW - 48 * HOUR).toISOString(),
    updatedAt: new Date(NOW - hoursAgo * HOUR).toISOString(),
    articles,
  };
}

const ids = (stories: Story[]) => stories.map((one) => one.id);

describe("top stories, live", () => {
  it("updates a shown story where it stands, even when it would now rank higher", () => {
    const shown = [story(1, 4, 1), story(2, 3, 1), story(3, 2, 1)];
    const { stories, change } = applyStoryUpdate(shown, story(3, 6), NOW);
    expect(ids(stories)).toEqual([1, 2, 3]);
    expect(stories[2].sourceCount).toBe(6);
    expect(change?.kind).toBe("updated");
  });

  it("inserts a story that newly ranks at its place in the shared ranking, keeping the list's length", () => {
    const shown = [story(1, 5, 0), story(2, 3, 0), story(3, 2, 0)];
    const { stories, change } = applyStoryUpdate(shown, story(4, 4, 0), NOW, 3);
    expect(ids(stories)).toEqual([1, 4, 2]);
    expect(change).toMatchObject({ kind: "new" });
    // Ranked below everything shown and the list is full: not shown.
    const below = applyStoryUpdate(stories, story(5, 2, 10), NOW, 3);
    expect(below.stories).toBe(stories);
    expect(below.change).toBeNull();
    // Room left: it goes at the end.
    expect(ids(applyStoryUpdate(shown, story(5, 2, 10), NOW, 5).stories)).toEqual([1, 2, 3, 5]);
  });

  it("ignores a story of one source and an update that changes nothing", () => {
    const shown = [story(1, 3)];
    expect(applyStoryUpdate(shown, story(2, 1), NOW).change).toBeNull();
    const same = applyStoryUpdate(shown, story(1, 3), NOW);
    expect(same.stories).toBe(shown);
    expect(same.change).toBeNull();
  });

  it("drops a shown story that merged into the updated one (its first article is now a member)", () => {
    const older = story(1, 3);
    const merged = { ...older, id: 9, sourceCount: 4, articles: [...older.articles, article(900, 4)] };
    const { stories } = applyStoryUpdate([story(2, 2), older], merged, NOW);
    expect(ids(stories)).toEqual([9, 2]);
  });

  it("holds updates while the section is above the viewport and applies the latest of each when it is back", () => {
    let state = initialTopStories([story(1, 3)]);
    state = topStoriesReducer(state, { type: "update", story: story(1, 4), nowMs: NOW, inView: false });
    state = topStoriesReducer(state, { type: "update", story: story(1, 5), nowMs: NOW, inView: false });
    state = topStoriesReducer(state, { type: "update", story: story(2, 2), nowMs: NOW, inView: false });
    expect(state.stories[0].sourceCount).toBe(3);
    expect(ids(state.held)).toEqual([1, 2]);
    state = topStoriesReducer(state, { type: "release", nowMs: NOW });
    expect(state.held).toEqual([]);
    expect(ids(state.stories)).toEqual([1, 2]);
    expect(state.stories[0].sourceCount).toBe(5);
    expect(state.changeCount).toBe(2);
    expect(describeStoryChanges(state.lastChanges)).toBe("2 top stories updated");
    expect(topStoriesReducer(state, { type: "release", nowMs: NOW })).toBe(state);
  });

  it("lists the lead and one headline from each other outlet, at most three", () => {
    const big = story(7, 5);
    big.articles.splice(2, 0, article(7001, 2));
    const { lead, others } = storyHighlights(big);
    expect(lead.id).toBe(7);
    expect(others.map((one) => one.source.id)).toEqual([2, 3, 4]);
    expect(describeStoryChanges([{ kind: "new", story: big }])).toBe("New top story: Story 7, 5 sources");
    expect(describeStoryChanges([{ kind: "new", story: big }, { kind: "updated", story: big }])).toBe("New top story: Story 7, 5 sources");
  });
});
