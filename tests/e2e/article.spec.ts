// Server-rendered pages for search engines and for readers without JavaScript: the article page's metadata
// (canonical, OpenGraph, JSON-LD), a real 404, and the homepage's no-JavaScript path to older stories.
import { test, expect, storyTitle, articlesOf } from "../helpers/e2e";

type JsonLdNode = Record<string, unknown> & { "@type"?: string | string[]; "@graph"?: JsonLdNode[] };

function hasType(node: JsonLdNode, type: string): boolean {
  const types = node["@type"];
  return Array.isArray(types) ? types.includes(type) : types === type;
}

/** Every node of every JSON-LD block, @graph flattened. */
function jsonLdNodes(blocks: string[]): JsonLdNode[] {
  const nodes: JsonLdNode[] = [];
  for (const block of blocks) {
    const parsed = JSON.parse(block) as JsonLdNode | JsonLdNode[];
    for (const node of Array.isArray(parsed) ? parsed : [parsed]) {
      nodes.push(node, ...(node["@graph"] ?? []));
    }
  }
  return nodes;
}

test.describe("article page", () => {
  test("is server-rendered with its title, canonical URL, OpenGraph, JSON-LD and a link to the original", async ({ page, addSource }) => {
    const source = await addSource({ prefix: "article-seo", category: "e2e-world" });
    const title = storyTitle("Harbour authority opens the new ferry terminal");
    const published = new Date(Date.now() - 5 * 60_000);
    published.setMilliseconds(0);
    const [article] = await source.publish({ title, description: "The terminal doubles the number of crossings each day.", pubDate: published });
    expect(article.path).toBe(`/articles/${article.slug}`);

    const response = await page.goto(article.path);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);

    const canonical = await page.locator('link[rel="canonical"]').getAttribute("href");
    expect(canonical).toMatch(/^https?:\/\/[^/]+\//);
    expect(canonical!.endsWith(article.path)).toBe(true);

    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", title);
    await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", canonical!);
    await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "article");

    const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
    expect(blocks.length).toBeGreaterThan(0);
    const nodes = jsonLdNodes(blocks);
    const newsArticle = nodes.find((node) => hasType(node, "NewsArticle"));
    expect(newsArticle, JSON.stringify(nodes)).toBeDefined();
    expect(newsArticle!.headline).toBe(title);
    expect(new Date(String(newsArticle!.datePublished)).toISOString()).toBe(published.toISOString());
    expect(newsArticle!.publisher).toMatchObject({ "@type": "Organization", name: expect.any(String) });
    const mainEntity = newsArticle!.mainEntityOfPage as string | { "@id"?: string };
    expect(typeof mainEntity === "string" ? mainEntity : mainEntity["@id"]).toBe(canonical);
    const breadcrumbs = nodes.find((node) => hasType(node, "BreadcrumbList"));
    expect(breadcrumbs, JSON.stringify(nodes)).toBeDefined();
    expect(breadcrumbs!.itemListElement).toEqual(expect.arrayContaining([expect.objectContaining({ item: canonical })]));

    await expect(page.getByTestId("original-link")).toHaveAttribute("href", article.url);
    expect(article.url).toMatch(new RegExp(`^${source.feeds.origin}/site/${source.feedName}/`));
  });

  test("an unknown slug answers 404 with a real not-found page", async ({ page }) => {
    const response = await page.goto("/articles/no-such-story-anywhere-e2e");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expect(page.getByRole("link", { name: "Go to the front page" })).toHaveAttribute("href", "/");
    await expect(page.locator('link[rel="canonical"]')).toHaveCount(0);
    await expect(page.locator('script[type="application/ld+json"]')).toHaveCount(0);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the homepage shows the server-rendered stories and a working 'Older stories' link", async ({ page, request, addSource }) => {
    // More than one page (30) of stories, whatever else is in the run's database.
    const source = await addSource({ prefix: "nojs", stories: 31 });
    const ours = await articlesOf(request, source.slug);
    expect(ours.length).toBe(31);

    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    const cards = page.getByTestId("article-list").getByTestId("article-card");
    await expect(cards).toHaveCount(30);
    const firstPage = await cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-article-id")));
    // Each card links to its server-rendered article page.
    await expect(cards.first().getByRole("link").last()).toHaveAttribute("href", /^\/articles\//);

    const older = page.getByRole("link", { name: "Older stories" });
    await expect(older).toBeVisible();
    await older.click();
    await expect(page).toHaveURL(/\?before=/);
    await expect(page.getByRole("heading", { level: 2, name: "Older stories" })).toBeVisible();
    const olderIds = await page.getByTestId("article-card").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-article-id")));
    expect(olderIds.length).toBeGreaterThan(0);
    for (const id of olderIds) expect(firstPage).not.toContain(id);
  });
});
