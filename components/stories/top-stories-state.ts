// The homepage's top stories as a pure reducer. A story already shown is updated where it stands (no
// reshuffle under the reader's eyes); a story that newly ranks is inserted at its place by the ranking the
// server uses; updates wait while the section is above the reader's viewport, so nothing above them moves.
import type { Story } from "@/lib/domain/story";
import { compareTopStories, isPublicStory } from "@/lib/domain/story-ranking";

/** How many top stories the homepage shows. */
export const TOP_STORIES_SHOWN = 5;
/** Other outlets' headlines listed under a story's lead. */
export const OTHER_OUTLETS_SHOWN = 3;

export type StoryChange = { kind: "new" | "updated"; story: Story };

export type TopStoriesState = {
  stories: Story[];
  /** Updates that arrived while the section was above the viewport, latest per story, in arrival order. */
  held: Story[];
  /** Changes applied (for announcements), newest last; `changeCount` counts them all. */
  lastChanges: StoryChange[];
  changeCount: number;
};

export type TopStoriesAction =
  | { type: "update"; story: Story; nowMs: number; inView: boolean }
  /** The section is back in view: apply what was held. */
  | { type: "release"; nowMs: number };

export function initialTopStories(stories: Story[]): TopStoriesState {
  return { stories, held: [], lastChanges: [], changeCount: 0 };
}

/** One update applied to a shown list; `change` is null when it leaves the list as it was. */
export function applyStoryUpdate(stories: Story[], story: Story, nowMs: number, limit = TOP_STORIES_SHOWN): { stories: Story[]; change: StoryChange | null } {
  if (!isPublicStory(story)) return { stories, change: null };
  // A story's id is its first article's id: a shown story whose id is among this one's articles merged into it.
  const memberIds = new Set(story.articles.map((article) => article.id));
  const remaining = stories.filter((shown) => shown.id === story.id || !memberIds.has(shown.id));
  const at = remaining.findIndex((shown) => shown.id === story.id);
  if (at >= 0) {
    const current = remaining[at];
    if (current.updatedAt === story.updatedAt && current.sourceCount === story.sourceCount && current.articleCount === story.articleCount && remaining.length === stories.length) {
      return { stories, change: null };
    }
    const next = [...remaining];
    next[at] = story;
    return { stories: next, change: { kind: "updated", story } };
  }
  const ranks = compareTopStories<Story>(nowMs);
  let index = remaining.findIndex((shown) => ranks(story, shown) < 0);
  if (index < 0) index = remaining.length;
  if (index >= limit) return { stories: remaining.length === stories.length ? stories : remaining, change: null };
  const next = [...remaining.slice(0, index), story, ...remaining.slice(index)].slice(0, limit);
  return { stories: next, change: { kind: "new", story } };
}

function applyAll(state: TopStoriesState, updates: Story[], nowMs: number): TopStoriesState {
  let stories = state.stories;
  const changes: StoryChange[] = [];
  for (const update of updates) {
    const applied = applyStoryUpdate(stories, update, nowMs);
    stories = applied.stories;
    if (applied.change) changes.push(applied.change);
  }
  if (stories === state.stories && state.held.length === 0) return state;
  return { stories, held: [], lastChanges: changes, changeCount: state.changeCount + changes.length };
}

export function topStoriesReducer(state: TopStoriesState, action: TopStoriesAction): TopStoriesState {
  switch (action.type) {
    case "update": {
      if (!action.inView) {
        const held = [...state.held.filter((story) => story.id !== action.story.id), action.story];
        return { ...state, held };
      }
      return applyAll(state, [...state.held, action.story], action.nowMs);
    }
    case "release":
      return state.held.length === 0 ? state : applyAll(state, state.held, action.nowMs);
  }
}

/** The lead and up to `limit` other outlets' articles (one each, newest first as the story lists them). */
export function storyHighlights(story: Story, limit = OTHER_OUTLETS_SHOWN) {
  const [lead, ...rest] = story.articles;
  const outlets = new Set(lead ? [lead.source.id] : []);
  const others = [];
  for (const article of rest) {
    if (others.length >= limit) break;
    if (outlets.has(article.source.id)) continue;
    outlets.add(article.source.id);
    others.push(article);
  }
  return { lead, others };
}

/** What a screen reader hears about the changes that piled up since the last announcement. */
export function describeStoryChanges(changes: StoryChange[]): string {
  const latest = new Map<number, StoryChange>();
  for (const change of changes) {
    const earlier = latest.get(change.story.id);
    latest.set(change.story.id, earlier?.kind === "new" ? { kind: "new", story: change.story } : change);
  }
  const distinct = [...latest.values()];
  if (distinct.length === 1) {
    const [{ kind, story }] = distinct;
    return kind === "new" ? `New top story: ${story.title}, ${story.sourceCount} sources` : `Top story updated: ${story.title}, now ${story.sourceCount} sources`;
  }
  return `${distinct.length} top stories updated`;
}
