// The story desk on a real (SQLite) database: articles stored through the repository, stories decided by
// the desk with the story matcher, read back through the stories repository.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import type { ArticleCandidate } from "../domain/feed";
import { StoryMatcher } from "../domain/story-matching/story-matcher";
import { insertNewArticles } from "../db/article-writes";
import { findArticleBySlug } from "../db/articles";
import { insertSource } from "../db/sources";
import { findStoryRowBySlug, findStoryRowsByIds } from "../db/stories";
import { createStoryDesk, type StoryDesk } from "./story-desk";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
const sources: number[] = [];
const logger = pino({ level: "silent" });
const changed: number[][] = [];
let desk: StoryDesk;

function newDesk(leadership?: { isLeader(): boolean }): StoryDesk {
  return createStoryDesk({ logger, createMatcher: () => new StoryMatcher(), leadership, onStoriesChanged: (ids) => changed.push(ids), batchDelayMs: 5, minRunIntervalMs: 0, sweepMs: 3_600_000 });
}

beforeAll(async () => {
  database = await useTestDatabase("story-desk");
  for (const slug of ["one", "two", "three"]) {
    sources.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  }
  desk = newDesk();
});
afterAll(async () => {
  await desk.close();
  await database.cleanup();
});

let n = 0;
function candidate(title: string, hoursAgo = 1): ArticleCandidate {
  n += 1;
  const at = new Date(Date.now() - hoursAgo * 3600_000);
  return { dedupeKey: `g:${n}`, title, url: `https://x.example/${n}`, normalizedUrl: `x.example/${n}`, summary: "", contentHtml: "", contentHash: `h${n}`, imageUrl: null, author: null, publishedAt: at, updatedAt: at };
}

async function ingest(sourceIndex: number, title: string, hoursAgo?: number, using = desk) {
  const [article] = (await insertNewArticles(sources[sourceIndex], [candidate(title, hoursAgo)])).inserted;
  using.articlesStored();
  await using.idle();
  return article;
}

const storyOf = async (slug: string) => (await findArticleBySlug(slug))?.storyId ?? null;

describe("the story desk", () => {
  it("gives every new article a story, joins coverage of the same event, and counts sources", async () => {
    const first = await ingest(0, "Magnitude 6.1 earthquake strikes central Japan");
    const second = await ingest(1, "Earthquake of magnitude 6.1 strikes central Japan");
    const third = await ingest(2, "Strong earthquake strikes central Japan, magnitude 6.1");
    const unrelated = await ingest(2, "Parliament passes the annual budget after long debate");
    expect(await storyOf(first.slug)).toBe(first.id);
    expect(await storyOf(second.slug)).toBe(first.id);
    expect(await storyOf(third.slug)).toBe(first.id);
    expect(await storyOf(unrelated.slug)).toBe(unrelated.id);
    const [story] = await findStoryRowsByIds([first.id]);
    expect(story).toMatchObject({ sourceCount: 3, articleCount: 3, leadArticleId: first.id, title: first.title });
    expect(story.slug).toBe(`magnitude-6-1-earthquake-strikes-central-japan-${first.id}`);
    expect((await findStoryRowBySlug(story.slug))?.story.id).toBe(first.id);
    expect(changed.flat()).toContain(first.id);
  });

  it("counts a source's own follow-up in the story but not as another source", async () => {
    const first = await ingest(0, "Storm Petra closes ports along the northern coast");
    await ingest(0, "Storm Petra closes more ports along the northern coast");
    const [story] = await findStoryRowsByIds([first.id]);
    expect(story.sourceCount).toBe(1);
  });

  it("after a restart (or a hand-over) keeps joining coverage to the stories decided before", async () => {
    const first = await ingest(0, "Central bank unveils new banknote design honouring scientists");
    await desk.close();
    desk = newDesk();
    const later = await ingest(1, "New banknote design honouring scientists unveiled by central bank");
    expect(await storyOf(later.slug)).toBe(first.id);
  });

  it("while articles keep coming, starts its runs at least minRunIntervalMs apart", async () => {
    const spaced = createStoryDesk({ logger, createMatcher: () => new StoryMatcher(), onStoriesChanged: () => undefined, batchDelayMs: 5, minRunIntervalMs: 400, sweepMs: 3_600_000 });
    const before = performance.now();
    const first = await ingest(0, "Wildfire forces evacuation of mountain villages", 1, spaced);
    const second = await ingest(1, "Rail strike halts commuter trains across the capital", 1, spaced);
    // The second run could not start before the first one's start (itself after `before`) + 400 ms.
    expect(performance.now() - before).toBeGreaterThanOrEqual(400);
    expect([await storyOf(first.slug), await storyOf(second.slug)]).toEqual([first.id, second.id]);
    await spaced.close();
  });

  it("decides nothing while another instance runs the desk, then catches up when it has it", async () => {
    let leader = false;
    const standby = newDesk({ isLeader: () => leader });
    const waiting = await ingest(1, "Volcano on remote island erupts, ash cloud grounds flights", 1, standby);
    expect(await storyOf(waiting.slug)).toBeNull();
    leader = true;
    standby.articlesStored();
    await standby.idle();
    expect(await storyOf(waiting.slug)).toBe(waiting.id);
    await standby.close();
  });
});
