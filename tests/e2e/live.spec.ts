// The live homepage against the real server: stories published to a (fixture) feed reach open pages
// without a reload, over Socket.IO or, when that cannot connect, over Server-Sent Events; a reader who was
// offline misses nothing; a reader who has scrolled down is not moved.
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { startCuttableLink } from "../helpers/cuttable-link";
import { test, expect, storyTitle, type Article } from "../helpers/e2e";

const SOCKET_IO = /\/socket\.io\//;

function liveRoot(page: Page): Locator {
  return page.locator("[data-live-transport]");
}

function cardOf(page: Page, article: Article): Locator {
  return page.getByTestId("article-list").locator(`[data-testid="article-card"][data-article-id="${article.id}"]`);
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
  test("a story published while two readers have / open appears on both pages, at the top, without a reload", async ({ browser, addSource }) => {
    const source = await addSource({ prefix: "live-two-pages" });
    const readers = [await browser.newContext(), await browser.newContext()];
    try {
      const pages = await Promise.all(readers.map((context) => openHomepage(context, "socket")));
      for (const page of pages) await markWindow(page);

      const title = storyTitle("Two readers see it");
      const [article] = await source.publish({ title });

      for (const page of pages) {
        await expect(cardOf(page, article)).toHaveCount(1);
        await expect(cardOf(page, article)).toContainText(title);
        // The reader is at the top: the new story goes straight in, first.
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
      await expect(cardOf(page, article)).toHaveCount(1);
      await expect(cardOf(page, article)).toContainText(title);
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
        await expect(cardOf(page, second)).toHaveCount(1);
        await expect(cardOf(page, first)).toHaveCount(1);

        const ids = await cardIds(page);
        // Newest first, nothing between them, nothing twice.
        expect(ids.slice(0, 2)).toEqual([String(second.id), String(first.id)]);
        expect(new Set(ids).size).toBe(ids.length);
        await expectSameDocument(page);

        // And the connection is live again, not only replayed.
        const [after] = await source.publish({ title: storyTitle("After the reconnect") });
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

  test("a reader scrolled down is not moved: a new story waits behind a 'new stories' button and is announced politely", async ({ browser, addSource }) => {
    // Enough stories that the page scrolls well past the 200 px "at the top" line whatever else is in the run.
    const source = await addSource({ prefix: "live-scrolled", stories: 12 });
    const context = await browser.newContext();
    try {
      const page = await openHomepage(context, "socket");
      await markWindow(page);

      await page.evaluate(() => window.scrollTo(0, 600));
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(600);
      const firstBefore = (await cardIds(page))[0];
      const countBefore = (await cardIds(page)).length;

      const title = storyTitle("Waits for the reader");
      const [article] = await source.publish({ title });

      const button = page.getByTestId("new-stories");
      await expect(button).toBeVisible();
      await expect(button).toContainText("1 new story");
      const announcer = page.locator('[aria-live="polite"]').filter({ hasText: /1 new story/ });
      await expect(announcer).toHaveCount(1);

      // Nothing moved under the reader.
      expect(await page.evaluate(() => window.scrollY)).toBe(600);
      expect(await cardIds(page)).toHaveLength(countBefore);
      expect((await cardIds(page))[0]).toBe(firstBefore);
      await expect(cardOf(page, article)).toHaveCount(0);

      await button.click();
      await expect(cardOf(page, article)).toHaveCount(1);
      expect((await cardIds(page))[0]).toBe(String(article.id));
      await expect(cardOf(page, article)).toContainText(title);
      await expect(button).toHaveCount(0);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
      await expectSameDocument(page);
    } finally {
      await context.close();
    }
  });
});
