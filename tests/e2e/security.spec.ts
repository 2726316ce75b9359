// The Content-Security-Policy in a real browser: no page breaks under it. Every kind of page is opened (and a
// client-side navigation made) while the browser reports each violation; the live homepage must still reach
// Socket.IO, publishers' images must be allowed, and the theme script must still run before paint.
import type { ConsoleMessage, Page } from "@playwright/test";
import { test, expect, E2E_ADMIN_TOKEN, storyTitle } from "../helpers/e2e";

type Violation = { directive: string; blocked: string; source: string };

async function watchViolations(page: Page): Promise<{ console: string[]; events: () => Promise<Violation[]> }> {
  const console: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to (load|execute|connect|apply|frame)/i.test(message.text())) console.push(message.text());
  });
  await page.addInitScript(() => {
    const found: { directive: string; blocked: string; source: string }[] = [];
    (window as unknown as { __cspViolations: typeof found }).__cspViolations = found;
    document.addEventListener("securitypolicyviolation", (event) => {
      found.push({ directive: event.violatedDirective, blocked: event.blockedURI, source: `${event.sourceFile}:${event.lineNumber}` });
    });
  });
  return { console, events: () => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations) };
}

test("no Content-Security-Policy violation on any kind of page, and the live homepage still connects", async ({ page, addSource, feeds }) => {
  const word = `cspcheck${Date.now().toString(36)}`;
  const source = await addSource({ prefix: "csp", category: "e2e-csp", stories: 2 });
  // A publisher's image, hotlinked from the publisher's own host.
  const [article] = await source.publish({ title: storyTitle(`Harbour lights of ${word}`), imageUrl: `${feeds.origin}/images/harbour.jpg` });
  const watch = await watchViolations(page);

  const visits: { path: string; ready: () => Promise<void> }[] = [
    { path: "/", ready: () => expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket") },
    { path: article.path, ready: () => expect(page.getByRole("heading", { level: 1 })).toBeVisible() },
    { path: `/sources/${source.slug}`, ready: () => expect(page.getByTestId("article-card").first()).toBeVisible() },
    { path: "/categories/e2e-csp", ready: () => expect(page.getByTestId("article-card").first()).toBeVisible() },
    { path: `/search?q=${word}`, ready: () => expect(page.getByTestId("article-card").first()).toBeVisible() },
    { path: "/sources", ready: () => expect(page.getByRole("heading", { level: 1 })).toBeVisible() },
    { path: "/admin", ready: () => expect(page.getByRole("heading", { name: "Admin sign-in" })).toBeVisible() },
  ];
  for (const { path, ready } of visits) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    expect(response?.headers()["content-security-policy"], path).toContain("object-src 'none'");
    await ready();
    // The theme script (allowed by its hash) ran before paint.
    await expect(page.locator("html"), path).toHaveAttribute("data-theme", /^(light|dark)$/);
    expect(await watch.events(), path).toEqual([]);
  }

  // Signed in, the admin page has its forms (server actions) and the sources table.
  await page.getByLabel("Admin token").fill(E2E_ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Admin", exact: true })).toBeVisible();
  expect(await watch.events(), "/admin (signed in)").toEqual([]);

  // A client-side navigation (an RSC payload, possibly from the page cache) from the homepage to an article.
  await page.goto("/");
  await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
  await page.getByRole("link", { name: article.title }).first().click();
  await expect(page).toHaveURL(new RegExp(`${article.path}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(article.title);
  expect(await watch.events(), "after a client-side navigation").toEqual([]);
  expect(watch.console).toEqual([]);
});
