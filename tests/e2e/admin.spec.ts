// /admin in the browser: token sign-in (httpOnly session cookie), adding a fixture source through the form,
// Refresh (one page causes, another reader's homepage sees the story live), Remove, sign out.
import type { Page } from "@playwright/test";
import type { SourceHealth } from "../../lib/domain/article";
import { test, expect, E2E_ADMIN_TOKEN, eventually, storyTitle, uniqueName } from "../helpers/e2e";

const SESSION_COOKIE = "newswire_admin";

function flash(page: Page) {
  return page.getByTestId("admin-flash");
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("admin: sign in, add a source, refresh it, remove it, sign out", async ({ page, context, browser, request, feeds }) => {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Admin sign-in" })).toBeVisible();
  await expect(page.getByTestId("admin-sources")).toHaveCount(0);

  // A wrong token: an error, still signed out, no session cookie.
  await signIn(page, "not-the-admin-token");
  await expect(flash(page)).toHaveText("That token is not right.");
  await expect(flash(page)).toHaveAttribute("role", "alert");
  await expect(page.getByRole("heading", { level: 1, name: "Admin sign-in" })).toBeVisible();
  expect((await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();

  // The right token: signed in with an httpOnly, SameSite=Strict cookie scoped to /admin.
  await signIn(page, E2E_ADMIN_TOKEN);
  await expect(page.getByRole("heading", { level: 1, name: "Admin", exact: true })).toBeVisible();
  const session = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/admin" });
  expect(session!.value).not.toContain(E2E_ADMIN_TOKEN);
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);

  // Add a fixture source through the form.
  const feedName = uniqueName("admin");
  const firstTitle = storyTitle("Already on the feed when it is added");
  feeds.publish(feedName, { title: firstTitle });
  const name = `Admin wire ${feedName}`;
  await page.getByLabel("Feed or site URL").fill(feeds.feedUrl(feedName));
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("Category (optional)").fill("e2e-admin");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(flash(page)).toContainText(`Added ${name}.`);
  const row = page.getByTestId("admin-source-row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(feeds.feedUrl(feedName));

  const source = await eventually(`the first check of ${feedName}`, async () => {
    const { sources } = (await (await request.get("/api/sources?limit=1000")).json()) as { sources: SourceHealth[] };
    const found = sources.find((candidate) => candidate.name === name);
    return found?.lastFetchedAt && found.articleCount === 1 ? found : undefined;
  });
  expect(source.category).toBe("e2e-admin");

  // Refresh: the admin page causes, a reader's homepage in another browser context sees it live.
  const readerContext = await browser.newContext();
  try {
    const reader = await readerContext.newPage();
    await reader.goto("/");
    await expect(reader.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
    const freshTitle = storyTitle("Fetched when the admin pressed Refresh");
    feeds.publish(feedName, { title: freshTitle });
    await row.getByRole("button", { name: `Refresh ${name}` }).click();
    await expect(flash(page)).toHaveText("Checking the source now.");
    // Shown live as a link: in the list, or in the new-stories bar while the list's top is on screen.
    await expect(reader.locator("[data-live-transport]").getByRole("link", { name: freshTitle, exact: true })).toBeVisible();
  } finally {
    await readerContext.close();
  }
  // The check is recorded before its stories are published: the table counts both stories now.
  await page.reload();
  await expect(row.locator("td").nth(3)).toHaveText("2");
  await expect(row).toHaveAttribute("data-status", "ok");

  // Remove: gone from the table, the API, and its stories with it.
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(flash(page)).toHaveText("Source removed, with its stories.");
  await expect(row).toHaveCount(0);
  expect((await request.get(`/api/sources/${source.id}`)).status()).toBe(404);
  const { articles } = (await (await request.get(`/api/articles?source=${source.slug}`)).json()) as { articles: unknown[] };
  expect(articles).toEqual([]);

  // Sign out: back to the sign-in form, the session cookie gone.
  const signedIn = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!;
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Admin sign-in" })).toBeVisible();
  expect((await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Admin sign-in" })).toBeVisible();

  // Signing out ended the session itself: a copy of the old cookie (another browser, a stolen copy) is refused.
  await context.addCookies([signedIn]);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Admin sign-in" })).toBeVisible();
  await expect(page.getByTestId("admin-sources")).toHaveCount(0);
});
