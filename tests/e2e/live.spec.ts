// The live rivers against the real server: stories published to a (fixture) feed reach open pages without a
// reload, over Socket.IO or, when that cannot connect, over Server-Sent Events; a reader who was offline misses
// nothing; nothing the reader sees moves (docs/decisions/0017): an arrival goes straight into the list when the
// list's top is below the screen, and otherwise into the new-stories bar reserved above the list, headline and
// all, until the reader asks for it.
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { startCuttableLink } from "../helpers/cuttable-link";
import { test, expect, storyTitle, uniqueName, type Article } from "../helpers/e2e";

const SOCKET_IO = /\/socket\.io\//;

function liveRoot(page: Page): Locator {
  return page.locator("[data-live-transport]");
}

function cardOf(page: Page, article: Article): Locator {
  return page.getByTestId("article-list").locator(`[data-testid="article-card"][data-article-id="${article.id}"]`);
}

/** The new story's headline, as a link, on the river: in the new-stories bar or (straight in) as the first card. */
async function expectArrivalShown(page: Page, article: Article): Promise<void> {
  await expect(liveRoot(page).getByRole("link", { name: article.title, exact: true })).toBeVisible();
  if ((await cardOf(page, article).count()) > 0) expect((await cardIds(page))[0]).toBe(String(article.id));
  else await expect(page.getByTestId("new-stories-newest")).toHaveText(article.title);
}

/** Merges what the bar holds, as a reader would by pressing its button; nothing when nothing is held. */
async function showHeld(page: Page): Promise<void> {
  const button = page.getByTestId("new-stories");
  if ((await button.count()) === 0) return;
  await button.click();
  await expect(button).toHaveCount(0);
}

/** Records layout shifts (not those right after input) from the start of every document in the page. */
async function recordLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const shifts: { value: number; sources: string[] }[] = [];
    (window as unknown as { __layoutShifts: typeof shifts }).__layoutShifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] })[]) {
        if (entry.hadRecentInput) continue;
        const sources = (entry.sources ?? []).map((source) => (source.node instanceof Element ? source.node.outerHTML.slice(0, 80) : String(source.node?.nodeName)));
        shifts.push({ value: entry.value, sources });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

async function layoutShifts(page: Page): Promise<{ value: number; sources: string[] }[]> {
  // Two frames for the last shift, if any, to be reported.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return page.evaluate(() => (window as unknown as { __layoutShifts: { value: number; sources: string[] }[] }).__layoutShifts.splice(0));
}

async function cardIds(page: Page): Promise<string[]> {
  return page.getByTestId("article-card").evaluateAll((cards) => cards.map((card) => card.getAttribute("data-article-id") ?? ""));
}

/** A mark on `window` that only a full navigation (reload) could remove. */
async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eNoReload?: string }).__e2eNoReload = "set before the story arrived";
  });
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: string }).__e2eNoReload)).toBe("set before the story arrived");
}

/**
 * Makes Socket.IO unable to connect in this context, both ways it tries: HTTP long-polling requests are
 * aborted, and WebSockets are closed before reaching the server. (`route()` alone does not see
 * WebSockets, so with only `route("**\/socket.io/**", abort)` the page still connects over a WebSocket.)
 */
async function blockSocketIo(context: BrowserContext): Promise<void> {
  await context.route(SOCKET_IO, (route) => route.abort("connectionrefused"));
  await context.routeWebSocket(SOCKET_IO, (ws) => ws.close());
}

async function openHomepage(context: BrowserContext, transport: "socket" | "sse"): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/");
  await expect(liveRoot(page)).toHaveAttribute("data-live-transport", transport);
  return page;
}

test.describe("live homepage", () => {
  test("a story published while two readers have / open appears on both pages, headline as a link, without a reload", async ({ browser, addSource }) => {
    const source = await addSource({ prefix: "live-two-pages" });
    const readers = [await browser.newContext(), await browser.newContext()];
    try {
      const pages = await Promise.all(readers.map((context) => openHomepage(context, "socket")));
      for (const page of pages) await markWindow(page);

      const title = storyTitle("Two readers see it");
      const [article] = await source.publish({ title });

      for (const page of pages) {
        await expectArrivalShown(page, article);
        // Asked for (or already in), it is the list's first card.
        await showHeld(page);
        await expect(cardOf(page, article)).toContainText(title);
        expect((await cardIds(page))[0]).toBe(String(article.id));
        await expectSameDocument(page);
      }
    } finally {
      await Promise.all(readers.map((context) => context.close()));
    }
  });

  test("falls back to Server-Sent Events by itself when Socket.IO cannot connect, and stories still arrive", async ({ browser, addSource }) => {
    const source = await addSource({ prefix: "live-sse" });
    const context = await browser.newContext();
    try {
      await blockSocketIo(context);
      const page = await context.newPage();
      const liveStreams: string[] = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/api/live") liveStreams.push(request.url());
      });
      await page.goto("/");
      // No reload, no click: the page switches on its own.
      await markWindow(page);
      await expect(liveRoot(page)).toHaveAttribute("data-live-transport", "sse");
      expect(liveStreams.length).toBeGreaterThan(0);

      const title = storyTitle("Over SSE");
      const [article] = await source.publish({ title });
      await expectArrivalShown(page, article);
      await expect(liveRoot(page)).toHaveAttribute("data-live-transport", "sse");
      await expectSameDocument(page);
    } finally {
      await context.close();
    }
  });

  // Two ways to lose the connection: the browser goes offline (Chromium's emulation closes WebSockets, but
  // not an established EventSource stream, so it only stands for an outage of Socket.IO), and the network
  // between browser and server is cut (every connection dropped, new ones refused), which hits both.
  const outages = [
    { transport: "socket", outage: "browser offline" },
    { transport: "socket", outage: "link cut" },
    { transport: "sse", outage: "link cut" },
  ] as const;
  for (const { transport, outage } of outages) {
    test(`after a reconnect nothing published meanwhile is missing, in order, without duplicates (${transport}, ${outage})`, async ({ browser, baseURL, addSource }) => {
      const source = await addSource({ prefix: `live-outage-${transport}` });
      const server = new URL(baseURL!);
      const link = outage === "link cut" ? await startCuttableLink({ host: server.hostname, port: Number(server.port) }) : undefined;
      const context = await browser.newContext(link ? { baseURL: link.url } : {});
      try {
        if (transport === "sse") await blockSocketIo(context);
        const page = await openHomepage(context, transport);
        await markWindow(page);

        if (link) await link.cut();
        else await context.setOffline(true);
        await expect(liveRoot(page)).toHaveAttribute("data-live-transport", "connecting");

        // Two separate checks, so the server publishes them as two events, not one batch.
        const [first] = await source.publish({ title: storyTitle("Missed during the outage, first") });
        const [second] = await source.publish({ title: storyTitle("Missed during the outage, second") });
        expect(await cardIds(page)).not.toContain(String(first.id));
        expect(await cardIds(page)).not.toContain(String(second.id));

        if (link) await link.restore();
        else await context.setOffline(false);
        await expect(liveRoot(page)).toHaveAttribute("data-live-transport", transport);
        // The replay comes in order: once the second is shown (in the bar or the list), the first has come too.
        await expectArrivalShown(page, second);
        await showHeld(page);
        await expect(cardOf(page, second)).toHaveCount(1);
        await expect(cardOf(page, first)).toHaveCount(1);

        const ids = await cardIds(page);
        // Newest first, nothing between them, nothing twice.
        expect(ids.slice(0, 2)).toEqual([String(second.id), String(first.id)]);
        expect(new Set(ids).size).toBe(ids.length);
        await expectSameDocument(page);

        // And the connection is live again, not only replayed.
        const [after] = await source.publish({ title: storyTitle("After the reconnect") });
        await expectArrivalShown(page, after);
        await showHeld(page);
        await expect(cardOf(page, after)).toHaveCount(1);
        const idsAfter = await cardIds(page);
        expect(idsAfter.slice(0, 3)).toEqual([String(after.id), String(second.id), String(first.id)]);
        expect(new Set(idsAfter).size).toBe(idsAfter.length);
      } finally {
        await context.close();
        await link?.close();
      }
    });
  }

  test("a reader scrolled down is not moved: a new story waits in the new-stories bar, headline as a link, and is announced politely", async ({ browser, addSource }) => {
    // Enough stories that the page scrolls well past the list's top whatever else is in the run.
    const source = await addSource({ prefix: "live-scrolled", stories: 12 });
    const context = await browser.newContext();
    try {
      const page = await openHomepage(context, "socket");
      await markWindow(page);

      await page.evaluate(() => window.scrollTo(0, 1200));
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(1200);
      const firstBefore = (await cardIds(page))[0];
      const countBefore = (await cardIds(page)).length;

      const title = storyTitle("Waits for the reader");
      const [article] = await source.publish({ title });

      // The bar sticks to the top of the screen, so the reader sees it where they are.
      const button = page.getByTestId("new-stories");
      await expect(button).toBeInViewport();
      await expect(button).toContainText("1 new story");
      await expect(page.getByTestId("new-stories-newest")).toHaveText(title);
      await expect(page.getByTestId("new-stories-newest")).toHaveAttribute("href", article.path);
      const announcer = page.locator('[aria-live="polite"]').filter({ hasText: /1 new story/ });
      await expect(announcer).toHaveCount(1);

      // Nothing moved under the reader.
      expect(await page.evaluate(() => window.scrollY)).toBe(1200);
      expect(await cardIds(page)).toHaveLength(countBefore);
      expect((await cardIds(page))[0]).toBe(firstBefore);
      await expect(cardOf(page, article)).toHaveCount(0);

      await button.click();
      await expect(cardOf(page, article)).toHaveCount(1);
      expect((await cardIds(page))[0]).toBe(String(article.id));
      await expect(cardOf(page, article)).toContainText(title);
      await expect(button).toHaveCount(0);
      // Taken up to the new stories, focus on the list's heading (the button it pressed is gone).
      await expect(page.locator("#story-list-heading")).toBeFocused();
      await expect(cardOf(page, article)).toBeInViewport();
      await expectSameDocument(page);
    } finally {
      await context.close();
    }
  });
});

test.describe("live rivers", () => {
  const rivers = [
    { name: "the homepage", path: () => "/" },
    { name: "a category page", path: (source: { category: string }) => `/categories/${source.category}` },
    { name: "a source page", path: (source: { slug: string }) => `/sources/${source.slug}` },
  ];
  for (const river of rivers) {
    test(`on ${river.name} a new story appears live, headline as a link, without a reload`, async ({ page, addSource }) => {
      const category = uniqueName("e2e-river");
      const source = await addSource({ prefix: "live-river", category, stories: 3 });
      await page.goto(river.path({ category, slug: source.slug }));
      await expect(liveRoot(page)).toHaveAttribute("data-live-transport", "socket");
      await markWindow(page);

      const [article] = await source.publish({ title: storyTitle("Seen on every river") });
      await expectArrivalShown(page, article);
      await expectSameDocument(page);
    });
  }

  test("a live arrival shifts nothing on screen, whether the list's top is in view (the bar) or below it (straight in)", async ({ page, addSource }) => {
    const category = uniqueName("e2e-river-cls");
    const source = await addSource({ prefix: "live-cls", category, stories: 6 });
    await recordLayoutShifts(page);
    await page.goto(`/categories/${category}`);
    await expect(liveRoot(page)).toHaveAttribute("data-live-transport", "socket");
    await layoutShifts(page);

    // The list's top is on the first screen of a category page: arrivals wait in the bar, replaced in place.
    for (const label of ["Tram line extended", "Library hours longer", "Bridge repainted"]) {
      const [article] = await source.publish({ title: storyTitle(label) });
      await expect(page.getByTestId("new-stories-newest")).toHaveText(article.title);
    }
    await expect(page.getByTestId("new-stories")).toContainText("3 new stories");
    const inView = await layoutShifts(page);
    // The bar is as accessible as the rest of the page.
    const axe = await new AxeBuilder({ page }).include('[data-testid="new-stories-slot"]').analyze();
    expect(axe.violations.map((violation) => `${violation.impact} ${violation.id}`)).toEqual([]);
    expect(inView.reduce((sum, shift) => sum + shift.value, 0), JSON.stringify(inView)).toBeLessThan(0.001);

    // Pressed, they join the list (a shift the reader asked for: not counted as layout shift).
    await page.getByTestId("new-stories").click();
    await expect(page.getByTestId("new-stories")).toHaveCount(0);
    await layoutShifts(page);

    // A screen that ends above the list's top: an arrival goes straight in, out of sight.
    const slotTop = await page.getByTestId("new-stories-slot").evaluate((slot) => slot.getBoundingClientRect().top + window.scrollY);
    await page.setViewportSize({ width: 1280, height: Math.floor(slotTop) - 40 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await layoutShifts(page);
    const [below] = await source.publish({ title: storyTitle("Ferry timetable changes") });
    await expect(cardOf(page, below)).toHaveCount(1);
    expect((await cardIds(page))[0]).toBe(String(below.id));
    await expect(page.getByTestId("new-stories")).toHaveCount(0);
    const belowView = await layoutShifts(page);
    expect(belowView.reduce((sum, shift) => sum + shift.value, 0), JSON.stringify(belowView)).toBeLessThan(0.001);
  });
});
