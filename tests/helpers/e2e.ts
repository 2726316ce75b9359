// Playwright fixtures for the browser tests. The server is the real server.ts that playwright.config.ts
// starts (one empty database for the whole run); the outside web is the loopback fixture publisher, started
// once per worker. Every test makes its own source on its own fixture feed, so tests never see each
// other's stories except in the shared homepage, and never wait on each other's checks.
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import type { Article, SourceHealth } from "../../lib/domain/article";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";
import { startFixtureFeedServer, type FixtureFeedServer, type FixtureItem } from "./fixture-feed-server";
import { uniqueName } from "./unique-name";

export { expect, E2E_ADMIN_TOKEN };
export type { Article };

export { uniqueName };

export function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
}

/** Polls `check` (no fixed sleeps: it asks again as soon as it can, 50 ms apart) until it returns a value. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function getSource(request: APIRequestContext, id: number): Promise<SourceHealth | undefined> {
  const response = await request.get(`/api/sources/${id}`);
  if (response.status() === 404) return undefined;
  expect(response.status()).toBe(200);
  return ((await response.json()) as { source: SourceHealth }).source;
}

export async function articlesOf(request: APIRequestContext, sourceSlug: string, limit = 100): Promise<Article[]> {
  const response = await request.get(`/api/articles?source=${encodeURIComponent(sourceSlug)}&limit=${limit}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { articles: Article[] }).articles;
}

/** One source on its own fixture feed. */
export class FixtureSource {
  constructor(
    readonly request: APIRequestContext,
    readonly feeds: FixtureFeedServer,
    readonly feedName: string,
    readonly source: SourceHealth,
  ) {}

  get id(): number {
    return this.source.id;
  }
  get slug(): string {
    return this.source.slug;
  }
  get name(): string {
    return this.source.name;
  }

  /**
   * Puts stories on the feed, asks the server to check it now (POST /api/sources/:id/refresh → 202) and waits
   * until that check has been recorded (its articles are stored before that, and published right after).
   * So a test never asks for a check while another of the same source is in flight, and knows exactly which
   * check brought its stories. Returns the stored articles, in the order given.
   */
  async publish(...items: Partial<FixtureItem>[]): Promise<Article[]> {
    const published = (items.length > 0 ? items : [{}]).map((item) => this.feeds.publish(this.feedName, item));
    const before = (await getSource(this.request, this.id))?.lastFetchedAt ?? null;
    const refreshed = await this.request.post(`/api/sources/${this.id}/refresh`, { headers: adminHeaders() });
    expect(refreshed.status(), await refreshed.text()).toBe(202);
    await eventually(`a new check of ${this.feedName}`, async () => (await getSource(this.request, this.id))?.lastFetchedAt !== before);
    const stored = await articlesOf(this.request, this.slug);
    return published.map((item) => {
      const article = stored.find((candidate) => candidate.url === item.link);
      if (!article) throw new Error(`"${item.title}" was not stored after the check of ${this.feedName}`);
      return article;
    });
  }
}

type WorkerFixtures = { feeds: FixtureFeedServer };
type TestFixtures = {
  /** Adds a source on a new fixture feed through the admin API and waits for its first check. */
  addSource: (options?: { prefix?: string; category?: string; stories?: number }) => Promise<FixtureSource>;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  feeds: [
    async ({}, use) => {
      const feeds = await startFixtureFeedServer();
      await use(feeds);
      await feeds.close();
    },
    { scope: "worker" },
  ],

  addSource: async ({ request, feeds }, use) => {
    await use(async ({ prefix = "e2e", category = "e2e-news", stories = 0 } = {}) => {
      const feedName = uniqueName(prefix);
      for (let i = 1; i <= stories; i += 1) {
        feeds.publish(feedName, { title: `${feedName} background story ${i}`, pubDate: new Date(Date.now() - (stories - i + 1) * 60_000) });
      }
      const created = await request.post("/api/sources", {
        headers: adminHeaders(),
        data: { url: feeds.feedUrl(feedName), name: `Wire ${feedName}`, category },
      });
      expect(created.status(), await created.text()).toBe(201);
      const { source } = (await created.json()) as { source: SourceHealth };
      // The first check (started by POST /api/sources) must be recorded before a test asks for another.
      await eventually(`the first check of ${feedName}`, async () => (await getSource(request, source.id))?.lastFetchedAt);
      if (stories > 0) {
        await eventually(`the ${stories} first stories of ${feedName}`, async () => (await articlesOf(request, source.slug)).length >= stories);
      }
      return new FixtureSource(request, feeds, feedName, source);
    });
  },
});

/** Titles that cannot collide with any other story in the run. */
export function storyTitle(label: string): string {
  return `${label} ${uniqueName("story")}`;
}
