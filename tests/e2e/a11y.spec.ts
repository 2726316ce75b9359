// Accessibility: axe finds no serious or critical violation on any kind of page, in the light and the dark
// theme; the keyboard path starts with the skip link; a live insert never moves focus.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, storyTitle, type Article } from "../helpers/e2e";

async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  const report = serious
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help}\n${violation.nodes.map((node) => `  ${node.target.join(" ")}: ${node.failureSummary ?? ""}`).join("\n")}`)
    .join("\n");
  expect(serious, `${what}:\n${report}`).toEqual([]);
}

test.describe("axe", () => {
  // Every page in the system's light and dark theme; the homepage also with dark chosen by the reader (the
  // stored preference the theme toggle writes) over a light system, the other path to data-theme="dark".
  const themes = [
    { name: "light (system)", colorScheme: "light", stored: null, homepageOnly: false },
    { name: "dark (system)", colorScheme: "dark", stored: null, homepageOnly: false },
    { name: "dark (stored preference, light system)", colorScheme: "light", stored: "dark", homepageOnly: true },
  ] as const;

  for (const theme of themes) {
    test(`no serious or critical violations on ${theme.homepageOnly ? "the homepage" : "every kind of page"}, ${theme.name} theme`, async ({ browser, addSource }) => {
      const word = `lighthouse${Date.now().toString(36)}`;
      const source = await addSource({ prefix: "a11y", category: "e2e-a11y", stories: 3 });
      const [article] = await source.publish({ title: storyTitle(`Keepers restore the ${word} lamp`) });

      const context = await browser.newContext({ colorScheme: theme.colorScheme });
      if (theme.stored) {
        await context.addInitScript((stored) => window.localStorage.setItem("newswire-theme", stored), theme.stored);
      }
      const page = await context.newPage();
      try {
        const pages: { path: string; ready: (page: Page) => Promise<void> }[] = [
          { path: "/", ready: (page) => expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket") },
          { path: article.path, ready: (page) => expect(page.getByRole("heading", { level: 1 })).toBeVisible() },
          { path: "/sources", ready: (page) => expect(page.getByRole("heading", { level: 1 })).toBeVisible() },
          { path: "/categories/e2e-a11y", ready: (page) => expect(page.getByTestId("article-card").first()).toBeVisible() },
          { path: `/search?q=${word}`, ready: (page) => expect(page.getByTestId("article-card").first()).toBeVisible() },
          { path: "/admin", ready: (page) => expect(page.getByRole("heading", { name: "Admin sign-in" })).toBeVisible() },
        ];
        for (const { path, ready } of theme.homepageOnly ? pages.slice(0, 1) : pages) {
          const response = await page.goto(path);
          expect(response?.status(), path).toBe(200);
          await ready(page);
          await expect(page.locator("html")).toHaveAttribute("data-theme", theme.stored ?? theme.colorScheme);
          await expectNoSeriousViolations(page, `${path} (${theme.name})`);
        }
      } finally {
        await context.close();
      }
    });
  }
});

test.describe("keyboard", () => {
  test("Tab from the top reaches the skip link first, and the skip link leads into the main content", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");

    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await expect(skip).toHaveAttribute("href", "#main");

    await page.keyboard.press("Enter");
    await expect(page.locator("main#main")).toBeFocused();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.querySelector("main")!.contains(document.activeElement) && document.activeElement !== document.querySelector("main"))).toBe(true);
  });

  // A new story goes straight into the list when the list's top is below the screen, and otherwise waits in
  // the new-stories bar (docs/decisions/0017). Either way whatever had focus keeps it: the very same element,
  // not a copy.
  const focusTargets = [
    {
      name: "the search box, at the top of the page",
      scrolled: false,
      focus: (page: Page) => page.getByRole("searchbox").first().focus(),
    },
    {
      name: "the lead story's link, at the top of the page",
      scrolled: false,
      focus: (page: Page) => page.getByTestId("article-card").first().getByRole("link").last().focus(),
    },
    {
      name: "a story link further down (the page scrolls to it)",
      // Cards without pictures are compact: the eleventh is the first surely below the first screen.
      scrolled: true,
      focus: (page: Page) => page.getByTestId("article-card").nth(10).getByRole("link").last().focus(),
    },
  ];
  for (const target of focusTargets) {
    test(`a live insert does not move focus away from ${target.name}`, async ({ page, addSource }) => {
      const source = await addSource({ prefix: "a11y-focus", stories: 12 });
      await page.goto("/");
      await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
      await target.focus(page);
      // Mark the focused element itself: the check below is about this very node keeping focus.
      const marked = await page.evaluate(() => {
        const active = document.activeElement;
        if (!active || active === document.body) return false;
        active.setAttribute("data-e2e-focused", "yes");
        return true;
      });
      expect(marked).toBe(true);
      const scrollY = await page.evaluate(() => window.scrollY);
      if (target.scrolled) expect(scrollY).toBeGreaterThan(200);
      else expect(scrollY).toBeLessThanOrEqual(200);

      const [article]: Article[] = await source.publish({ title: storyTitle("Arrives while focus is elsewhere") });
      if (target.scrolled) {
        await expect(page.getByTestId("new-stories")).toBeInViewport();
        await expect(page.getByTestId("new-stories-newest")).toHaveText(article.title);
      } else {
        // In the bar or, when the list's top was below the screen, first in the list: a link either way.
        await expect(page.locator("[data-live-transport]").getByRole("link", { name: article.title, exact: true })).toBeVisible();
      }

      const focusAfter = await page.evaluate(() => {
        const active = document.activeElement;
        if (active?.hasAttribute("data-e2e-focused")) return "unchanged";
        const lost = document.querySelector("[data-e2e-focused]") ? "still in the page" : "removed from the page";
        return `moved to ${active && active !== document.body ? `<${active.tagName.toLowerCase()}> "${active.textContent?.trim().slice(0, 60)}"` : "<body>"}; the focused element is ${lost}`;
      });
      expect(focusAfter, "focus after the live insert").toBe("unchanged");
      await expect(page.locator("[data-e2e-focused]")).toBeFocused();
    });
  }
});
