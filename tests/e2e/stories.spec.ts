// Stories on the live site against the real server and loopback outlets: once two outlets cover one event
// the homepage shows it among the top stories (server-rendered); a third outlet's report updates the story
// where it stands on an open homepage and on the open story page, without a reload and without moving the
// reader's focus or scroll. The test publishes (one side causes); open pages in other contexts see.
import type { Locator, Page } from "@playwright/test";
import { test, expect, eventually, uniqueName, type Article } from "../helpers/e2e";

type Story = { id: number; slug: string; path: string; title: string; sourceCount: number; articles: Article[] };

/** A place name no other story in this run mentions (letters only: one word to the story matcher). */
function place(): string {
  return `Port${uniqueName("x").replace(/[^a-z]/g, "")}`;
}

async function storyOf(page: Page, article: Article, sourceCount: number): Promise<Story> {
  return eventually(`a story of ${article.title} with ${sourceCount} sources`, async () => {
    const response = await page.request.get(`/api/stories?limit=50`);
    expect(response.status()).toBe(200);
    const { stories } = (await response.json()) as { stories: Story[] };
    return stories.find((story) => story.articles.some((candidate) => candidate.id === article.id) && story.sourceCount === sourceCount);
  });
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

test.describe("stories", () => {
  test("two outlets on one event make a top story; a third outlet's report updates it in place on the open homepage and story page", async ({ browser, addSource }) => {
    const outlets = [await addSource({ prefix: "outlet-a" }), await addSource({ prefix: "outlet-b" }), await addSource({ prefix: "outlet-c" })];
    const where = place();
    const [lead] = await outlets[0].publish({ title: `Magnitude 6.1 earthquake strikes ${where} harbour district` });
    const [second] = await outlets[1].publish({ title: `Earthquake of magnitude 6.1 strikes ${where} harbour district` });

    const readers = [await browser.newContext(), await browser.newContext()];
    try {
      const [home, storyPage] = await Promise.all(readers.map((context) => context.newPage()));
      const story = await storyOf(home, lead, 2);

      // Server-rendered: in the HTML itself, before any script runs.
      const html = await (await home.request.get("/")).text();
      expect(html).toContain(`href="${story.path}"`);

      await home.goto("/");
      const item = topStory(home, story);
      await expect(item.getByTestId("story-source-count")).toHaveText("2 sources");
      await expect(item.getByRole("heading", { level: 3 }).getByRole("link")).toHaveAttribute("href", story.path);
      await expect(item.getByTestId("top-story-other")).toContainText([`${outlets[1].name}: ${second.title}`]);
      await expect(home.getByRole("region", { name: "Top stories" }).getByRole("listitem").first()).toBeVisible();
      await expect(home.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");

      await storyPage.goto(story.path);
      await expect(storyPage.getByTestId("story-breadth")).toContainText("2 sources");
      await expect(storyPage.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");

      // The homepage reader has focus on a link in the article list and is at the top.
      const focusTarget = home.getByTestId("article-list").getByRole("link").first();
      await focusTarget.focus();
      await focusTarget.evaluate((element) => element.setAttribute("data-e2e-focus", "kept"));
      const scrollBefore = await home.evaluate(() => window.scrollY);
      await mark(home, item);
      const timeline = storyPage.getByTestId("story-timeline");
      await mark(storyPage, timeline);

      const [third] = await outlets[2].publish({ title: `Strong earthquake strikes ${where} harbour district, magnitude 6.1` });
      await storyOf(home, lead, 3);

      await expect(item.getByTestId("story-source-count")).toHaveText("3 sources");
      await expect(item.getByTestId("top-story-other")).toHaveCount(2);
      await expect(item.getByTestId("top-story-other").filter({ hasText: third.title })).toContainText(outlets[2].name);
      await expectSameDocumentAndNode(home, item);
      expect(await home.evaluate(() => document.activeElement?.getAttribute("data-e2e-focus"))).toBe("kept");
      expect(await home.evaluate(() => window.scrollY)).toBe(scrollBefore);
      await expect(home.getByTestId("story-announcer")).toHaveText(/3 sources/);

      await expect(storyPage.getByTestId("story-breadth")).toContainText("3 sources");
      await expect(storyPage.getByTestId("story-article")).toHaveCount(3);
      await expect(storyPage.getByTestId("story-article").filter({ hasText: third.title })).toContainText(outlets[2].name);
      await expectSameDocumentAndNode(storyPage, timeline);
    } finally {
      await Promise.all(readers.map((context) => context.close()));
    }
  });

  test("a story that becomes public while a reader is scrolled down waits, then appears when the reader is back at the top", async ({ browser, addSource }) => {
    // Enough articles that the page scrolls well past the top stories whatever else is in the run.
    const outlets = [await addSource({ prefix: "outlet-d", stories: 12 }), await addSource({ prefix: "outlet-e" })];
    const where = place();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto("/");
      await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
      await page.evaluate(() => window.scrollTo(0, 600));
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(600);

      const [lead] = await outlets[0].publish({ title: `Ferry service to ${where} island suspended after engine fire` });
      await outlets[1].publish({ title: `${where} island ferry service suspended after engine fire` });
      const story = await storyOf(page, lead, 2);
      // The page has the update (the section counts what it holds back) but inserted nothing above the reader.
      await expect(page.getByTestId("top-stories-slot")).toHaveAttribute("data-held-stories", "1");
      const item = topStory(page, story);
      await expect(item).toHaveCount(0);
      expect(await page.evaluate(() => window.scrollY)).toBe(600);

      await page.evaluate(() => window.scrollTo(0, 0));
      await expect(item.getByTestId("story-source-count")).toHaveText("2 sources");
      await expect(page.getByTestId("top-stories-slot")).toHaveAttribute("data-held-stories", "0");
      await expect(page.getByTestId("story-announcer")).toHaveText(/New top story/);
    } finally {
      await context.close();
    }
  });
});
