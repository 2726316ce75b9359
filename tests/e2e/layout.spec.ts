// The front page reads like one: a story without a picture is a compact block of words (no empty box), a
// story with one shows it in a box reserved before the file arrives, the first screen does not shift while
// it loads, and the homepage passes axe with both kinds of card on it.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, storyTitle, uniqueName } from "../helpers/e2e";
import { startPictureServer } from "../helpers/picture-server";

const SUMMARY = "Crews worked through the night to reopen the coastal road after the storm, and the first buses ran again at dawn with only short delays.";

let pictures: Awaited<ReturnType<typeof startPictureServer>>;
test.beforeAll(async () => {
  pictures = await startPictureServer();
});
test.afterAll(async () => {
  await pictures.close();
});

function card(page: Page, articleId: number) {
  return page.locator(`[data-testid="article-card"][data-article-id="${articleId}"]`);
}

test.describe("cards by what a story has", () => {
  test.use({ viewport: { width: 1280, height: 900 } });

  test("a text-only card has no picture box and stays compact; a picture card shows its picture in a 16:9 box reserved before it loads", async ({ page, addSource }) => {
    const category = uniqueName("e2e-layout");
    const source = await addSource({ prefix: "layout", category });
    const minute = 60_000;
    // Oldest first; the newest is the lead, the two below it are standard grid cards side by side.
    const [textOnly, withPicture] = await source.publish(
      { title: storyTitle("Coastal road reopens after the storm"), description: SUMMARY, pubDate: new Date(Date.now() - 3 * minute) },
      { title: storyTitle("Harbour lights return to the old pier"), description: SUMMARY, pubDate: new Date(Date.now() - 2 * minute), imageUrl: pictures.url(uniqueName("pier"), 6_000) },
      { title: storyTitle("Council agrees a new timetable"), description: SUMMARY, pubDate: new Date(Date.now() - minute) },
    );
    expect(textOnly.imageUrl).toBeNull();
    expect(withPicture.imageUrl).not.toBeNull();

    await page.goto(`/categories/${category}`, { waitUntil: "commit" });
    const pictureCard = card(page, withPicture.id);
    const image = pictureCard.locator("img");
    await expect(image).toBeAttached();

    // While the picture is still on its way (its host holds it for 6 s), its box already has its final size.
    expect(await image.evaluate((img: HTMLImageElement) => img.complete)).toBe(false);
    const reserved = await image.boundingBox();
    expect(reserved).not.toBeNull();
    expect(reserved!.width).toBeGreaterThan(250);
    expect(Math.abs(reserved!.height - (reserved!.width * 9) / 16)).toBeLessThan(2);
    await expect(image).toHaveAttribute("width", "640");
    await expect(image).toHaveAttribute("height", "360");

    // Loaded, it keeps that box (a 4:3 file, cropped to fit rather than stretching the card).
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 15_000 }).toBe(true);
    const loaded = await image.boundingBox();
    expect(loaded!.height).toBeCloseTo(reserved!.height, 0);
    expect(loaded!.width).toBeCloseTo(reserved!.width, 0);

    // The text-only card: no image, no placeholder, and far shorter than its neighbour with a picture.
    const textCard = card(page, textOnly.id);
    await expect(textCard).toBeVisible();
    await expect(textCard.locator("img")).toHaveCount(0);
    await expect(textCard.getByTestId("article-image")).toHaveCount(0);
    await expect(textCard).toHaveAttribute("data-has-image", "false");
    const textBox = await textCard.boundingBox();
    const pictureBox = await pictureCard.boundingBox();
    expect(textBox!.height).toBeLessThan(260);
    expect(pictureBox!.height - textBox!.height).toBeGreaterThan(reserved!.height - 20);
    // Its words start at the top of the card, level with the picture beside it, not below an empty box.
    const textTitle = await textCard.getByRole("heading").boundingBox();
    expect(textTitle!.y - textBox!.y).toBeLessThan(60);

    // The lead (newest, no picture) is words only too.
    const lead = page.getByTestId("article-card").first();
    await expect(lead).toHaveAttribute("data-has-image", "false");
    await expect(lead.locator("img")).toHaveCount(0);
  });

  test("the first picture on the page is fetched at once, the ones further down lazily", async ({ page, addSource }) => {
    const category = uniqueName("e2e-layout-lazy");
    const source = await addSource({ prefix: "layout-lazy", category });
    const minute = 60_000;
    const items = Array.from({ length: 8 }, (_, i) => ({
      title: storyTitle(`Market day ${i + 1}`),
      description: SUMMARY,
      pubDate: new Date(Date.now() - (8 - i) * minute),
      imageUrl: i % 2 === 0 ? pictures.url(uniqueName("market")) : undefined,
    }));
    const published = await source.publish(...items);
    await page.goto(`/categories/${category}`);
    // Newest first: the newest has no picture; the next one down (the first of the grid) is the first picture.
    const withPictures = published.filter((article) => article.imageUrl).reverse();
    const first = card(page, withPictures[0].id).locator("img");
    await expect(first).toHaveAttribute("loading", "eager");
    await expect(first).toHaveAttribute("fetchpriority", "high");
    for (const later of withPictures.slice(1)) {
      await expect(card(page, later.id).locator("img")).toHaveAttribute("loading", "lazy");
    }
  });
});

test("the first screen of the homepage does not shift while it loads (CLS)", async ({ page, addSource }) => {
  const source = await addSource({ prefix: "layout-cls", stories: 4 });
  // The newest story has a slow picture, so it arrives well after the page is drawn: the lead.
  await source.publish({ title: storyTitle("Night ferry sails on time"), description: SUMMARY, imageUrl: pictures.url(uniqueName("ferry"), 1_500) });

  await page.addInitScript(() => {
    const shifts: number[] = [];
    (window as unknown as { __layoutShifts: number[] }).__layoutShifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) shifts.push(entry.value);
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto("/");
  await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
  const lead = page.getByTestId("article-card").first().locator("img");
  await expect.poll(() => lead.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 15_000 }).toBe(true);
  // Two frames for the last shift, if any, to be reported.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const shifts = await page.evaluate(() => (window as unknown as { __layoutShifts: number[] }).__layoutShifts);
  const cls = shifts.reduce((sum, value) => sum + value, 0);
  expect(cls, `layout shifts: ${JSON.stringify(shifts)}`).toBeLessThan(0.01);
});

test("axe finds no violation on the homepage with cards of both kinds", async ({ page, addSource }) => {
  const source = await addSource({ prefix: "layout-axe", stories: 2 });
  await source.publish({ title: storyTitle("Lanterns light the bridge"), description: SUMMARY, imageUrl: pictures.url(uniqueName("bridge")) });
  await page.goto("/");
  await expect(page.locator("[data-live-transport]")).toHaveAttribute("data-live-transport", "socket");
  await expect(page.locator('[data-has-image="true"]').first()).toBeVisible();
  await expect(page.locator('[data-has-image="false"]').first()).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const report = results.violations.map((violation) => `${violation.impact} ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(report).toEqual([]);
});
