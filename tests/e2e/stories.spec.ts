// Stories on the live site against the real server and loopback outlets: once outlets cover one event the
// homepage shows it among the top stories (server-rendered); one more outlet's report updates the story
// where it stands on an open homepage and on the open story page, without a reload and without moving the
// reader's focus or scroll. The test publishes (one side causes); open pages in other contexts see. The run
// shares one homepage, so a test's story is covered by as many outlets as it takes to rank there (two on a
// fresh server).
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { test, expect, eventually, type Article, type FixtureSource } from "../helpers/e2e";
import { uniquePlaceName } from "../helpers/unique-name";
import { TOP_STORIES_SHOWN } from "../../components/stories/top-stories-state";

type Story = { id: number; slug: string; path: string; title: string; sourceCount: number; articles: Article[] };

const place = uniquePlaceName;

async function storyOf(page: Page, article: Article, sourceCount: number): Promise<Story> {
  return eventually(`a story of ${article.title} with ${sourceCount} sources`, async () => {
    const response = await page.request.get(`/api/stories?limit=50`);
    expect(response.status()).toBe(200);
    const { stories } = (await response.json()) as { stories: Story[] };
    return stories.find((story) => story.articles.some((candidate) => candidate.id === article.id) && story.sourceCount === sourceCount);
  });
}

async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`), what).toEqual([]);
}

function topStory(page: Page, story: Story): Locator {
  return page.getByTestId("top-stories").locator(`[data-testid="top-story"][data-story-id="${story.id}"]`);
}

/** Marks `window` and one DOM node; only a reload could lose the first, only a re-created node the second. */
async function mark(page: Page, node: Locator): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload = true));
  await node.evaluate((element) => ((element as unknown as { __e2eSameNode?: boolean }).__e2eSameNode = true));
}

async function expectSameDocumentAndNode(page: Page, node: Locator): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);
  expect(await node.evaluate((element) => (element as unknown as { __e2eSameNode?: boolean }).__e2eSameNode)).toBe(true);
}

/**
 * How many outlets a new story needs to rank among the homepage's top stories now: the run shares one
 * homepage, and other specs' look-alike fixture headlines make stories of their own.
 */
async function outletsToRank(page: Page): Promise<number> {
  const response = await page.request.get(`/api/stories?limit=${TOP_STORIES_SHOWN}`);
  const { stories } = (await response.json()) as { stories: Story[] };
  return stories.length < TOP_STORIES_SHOWN ? 2 : Math.max(2, stories[TOP_STORIES_SHOWN - 1].sourceCount + 1);
}

async function addOutlets(addSource: (options?: { prefix?: string; stories?: number }) => Promise<FixtureSource>, count: number, prefix: string): Promise<FixtureSource[]> {
  const outlets: FixtureSource[] = [];
  for (let i = 0; i < count; i += 1) outlets.push(await addSource({ prefix: `${prefix}-${i}` }));
  return outlets;
}

const sources = (n: number) => `${n} sources`;

test.describe("stories", () => {
  test("outlets covering one event make a top story; one more outlet's report updates it in place on the open homepage and story page", async ({ browser, addSource }) => {
    const readers = [await browser.newContext(), await browser.newContext()];
    try {
      const [home, storyPage] = await Promise.all(readers.map((context) => context.newPage()));
      const n = await outletsToRank(home);
      const outlets = await addOutlets(addSource, n + 1, "outlet");
      const where = place();
      const headlines = [`Magnitude 6.1 earthquake strikes ${where} harbour district`, `Earthquake of magnitude 6.1 strikes ${where} harbour district`];
      const published: Article[] = [];
      for (let i = 0; i < n; i += 1) published.push(...(await outlets[i].publish({ title: headlines[i % 2] })));
      const [lead, second] = published;
      const story = await storyOf(home, lead, n);

      // Server-rendered: in the HTML itself, before any script runs.
      const html = await (await home.request.get("/")).text();
      expect(html).toContain(`href="${story.path}"`);

      await home.goto("/");
      const item = topStory(home, story);
      await expect(item.getByTestId("story-source-count")).toHaveText(sources(n));
      await expect(item.getByRole("heading", { level: 3 }).getByRole("link")).toHaveAttribute("href", story.path);
      await expect(item.getByTestId("top-story-other")).toHaveCount(Math.min(n - 1, 3));
      await expect(item.getByTestId("top-story-other").filter({ hasText: outlets[1].name })).toHaveText(`${outlets[1].name}: ${second.title}`);
      await expect(home.getByRole("region", { name: "Top stories" }).getByRole("listitem").first()).toBeVisible();
      await expect(home.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");

      await storyPage.goto(story.path);
      await expect(storyPage.getByTestId("story-breadth")).toContainText(sources(n));
      await expect(storyPage.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");

      // The homepage reader is at the top with focus in the search box. (Scrolled past the top stories, a
      // reader would get their updates once back: the next test.)
      const focusTarget = home.getByRole("searchbox");
      await focusTarget.focus();
      await focusTarget.evaluate((element) => element.setAttribute("data-e2e-focus", "kept"));
      const scrollBefore = await home.evaluate(() => window.scrollY);
      expect(scrollBefore).toBe(0);
      await mark(home, item);
      const timeline = storyPage.getByTestId("story-timeline");
      await mark(storyPage, timeline);

      const [latest] = await outlets[n].publish({ title: `Strong earthquake strikes ${where} harbour district, magnitude 6.1` });
      await storyOf(home, lead, n + 1);

      await expect(item.getByTestId("story-source-count")).toHaveText(sources(n + 1));
      await expect(item.getByTestId("top-story-other")).toHaveCount(Math.min(n, 3));
      // Others are listed newest first: the new outlet's report is among them.
      await expect(item.getByTestId("top-story-other").filter({ hasText: latest.title })).toContainText(outlets[n].name);
      await expectSameDocumentAndNode(home, item);
      expect(await home.evaluate(() => document.activeElement?.getAttribute("data-e2e-focus"))).toBe("kept");
      expect(await home.evaluate(() => window.scrollY)).toBe(scrollBefore);
      await expect(home.getByTestId("story-announcer")).toHaveText(new RegExp(sources(n + 1)));

      await expect(storyPage.getByTestId("story-breadth")).toContainText(sources(n + 1));
      await expect(storyPage.getByTestId("story-article")).toHaveCount(n + 1);
      await expect(storyPage.getByTestId("story-article").filter({ hasText: latest.title })).toContainText(outlets[n].name);
      await expectSameDocumentAndNode(storyPage, timeline);

      // The live markup is as accessible as the server's.
      await expectNoSeriousViolations(home, "homepage with top stories");
      await expectNoSeriousViolations(storyPage, "story page after a live update");
    } finally {
      await Promise.all(readers.map((context) => context.close()));
    }
  });

  test("a story that starts to rank while a reader is scrolled down waits, then appears when the reader is back at the top", async ({ browser, addSource }) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const n = await outletsToRank(page);
      const outlets = await addOutlets(addSource, n, "outlet-scrolled");
      // Enough articles that the page scrolls well past the top stories whatever else is in the run; each
      // names its own place, so none joins another story.
      for (let i = 0; i < 12; i += 1) await outlets[0].publish({ title: `Notebook: the tide tables of ${place()}` });

      await page.goto("/");
      await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
      await page.evaluate(() => window.scrollTo(0, 600));
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(600);

      const where = place();
      const headlines = [`Ferry service to ${where} island suspended after engine fire`, `${where} island ferry service suspended after engine fire`];
      const published: Article[] = [];
      for (let i = 0; i < n; i += 1) published.push(...(await outlets[i].publish({ title: headlines[i % 2] })));
      const story = await storyOf(page, published[0], n);
      // The page has the update (the section lists what it holds back) but inserted nothing above the reader.
      const slot = page.getByTestId("top-stories-slot");
      await expect(slot).toHaveAttribute("data-held-stories", new RegExp(`(^| )${story.id}( |$)`));
      const item = topStory(page, story);
      await expect(item).toHaveCount(0);
      expect(await page.evaluate(() => window.scrollY)).toBe(600);

      await page.evaluate(() => window.scrollTo(0, 0));
      await expect(item.getByTestId("story-source-count")).toHaveText(sources(n));
      await expect(slot).toHaveAttribute("data-held-stories", "");
      await expect(page.getByTestId("story-announcer")).toHaveText(/top stor/i);
    } finally {
      await context.close();
    }
  });
});
