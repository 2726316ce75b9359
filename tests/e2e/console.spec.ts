// The pages Lighthouse measures (the homepage, an article, a category and a story page) load with nothing in
// the browser's console and no request that fails or answers an error: Lighthouse's best-practices audit
// "errors-in-console" counts every such message (a missing picture, a refused script, a live connection that
// errs), and a reader's browser sees the same. Pictures come from a publisher's host, as on the real site.
import type { Page } from "@playwright/test";
import { test, expect, eventually, storyTitle, uniqueName, type Article } from "../helpers/e2e";
import { startPictureServer, type PictureServer } from "../helpers/picture-server";
import { uniquePlaceName } from "../helpers/unique-name";

let pictures: PictureServer;
test.beforeAll(async () => {
  pictures = await startPictureServer();
});
test.afterAll(async () => {
  await pictures.close();
});

/** Opens `path` in a page of its own and lists what went wrong while it loaded, went live and idled. */
async function problemsOn(page: Page, path: string, ready: (page: Page) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const error = request.failure()?.errorText ?? "";
    // Next's router cancels its own prefetches of links that scroll out of view (or are superseded): the
    // browser aborts them quietly (nothing in the console); not a failure of the page.
    if (error === "net::ERR_ABORTED" && request.headers()["next-router-prefetch"] !== undefined) return;
    problems.push(`failed: ${request.method()} ${request.url()} ${error}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await ready(page);
  await page.waitForLoadState("networkidle");
  // Down to the end of the page, so every lazy picture is asked for, then a moment of live connection.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForLoadState("networkidle");
  // A copy: what happens as the page closes (requests it cancels) is not the page's doing.
  return [...problems];
}

test("the homepage, an article, a category and a story page load without console errors or failed requests", async ({ browser, addSource, request }) => {
  const category = uniqueName("e2e-console");
  const outlets = [await addSource({ prefix: "console-a", category, stories: 2 }), await addSource({ prefix: "console-b", category })];
  // One headline from both outlets makes a story; its words are used by no other spec, so it joins no other
  // spec's story (stories.spec counts the outlets of its own).
  const headline = `Wildfire near ${uniquePlaceName()} forces evacuation of hillside villages`;
  const [withPicture] = await outlets[0].publish({ title: headline, imageUrl: pictures.url(uniqueName("wildfire")) });
  await outlets[1].publish({ title: headline, imageUrl: pictures.url(uniqueName("wildfire")) });
  await outlets[0].publish({ title: storyTitle("Harbour cranes return after repairs") });
  const story = await eventually(`a story of "${withPicture.title}"`, async () => {
    const response = await request.get("/api/stories?limit=50");
    const { stories } = (await response.json()) as { stories: { path: string; articles: Article[] }[] };
    return stories.find((candidate) => candidate.articles.some((article) => article.id === withPicture.id));
  });

  const live = (page: Page) => expect(page.locator("[data-live-transport]").first()).toHaveAttribute("data-live-transport", "socket");
  const pages = [
    { path: "/", ready: live },
    { path: withPicture.path, ready: (page: Page) => expect(page.getByRole("heading", { level: 1 })).toBeVisible() },
    { path: `/categories/${category}`, ready: live },
    { path: story.path, ready: live },
  ];
  const report: string[] = [];
  for (const { path, ready } of pages) {
    const context = await browser.newContext();
    try {
      for (const problem of await problemsOn(await context.newPage(), path, ready)) report.push(`${path}: ${problem}`);
    } finally {
      await context.close();
    }
  }
  expect(report).toEqual([]);
});
