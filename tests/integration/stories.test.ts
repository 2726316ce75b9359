// Stories as an outside client sees them: GET /api/stories, GET /api/stories/:slug, Socket.IO `story:update`
// and SSE `event: story`, against the real server with three loopback outlets covering one event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually, type RunningServer } from "../helpers/newswire-server";
import { ARTICLE_KEYS, FixtureSource, LiveSocket, NewswireClient, SseStream, startTestServer, type Article } from "../helpers/newswire-client";
import { uniquePlaceName } from "../helpers/unique-name";

type Story = { id: number; slug: string; path: string; title: string; sourceCount: number; articleCount: number; firstSeenAt: string; updatedAt: string; articles: Article[] };
const STORY_KEYS = ["articleCount", "articles", "firstSeenAt", "id", "path", "slug", "sourceCount", "title", "updatedAt"];

let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;
const outlets: FixtureSource[] = [];
const open: { close(): void }[] = [];

beforeAll(async () => {
  [server, feeds] = await Promise.all([startTestServer(), startFixtureFeedServer()]);
  api = new NewswireClient(server.url);
  for (const name of ["Harbour Gazette", "Coastal Times", "Evening Ledger"]) outlets.push(await FixtureSource.create(api, feeds, { prefix: "outlet", name, category: "world" }));
}, 240_000);

afterAll(async () => {
  for (const client of open) client.close();
  await server?.stop();
  await feeds?.close();
});

/** A place name no other story in this run mentions (letters only, so it is one word). */
const place = uniquePlaceName;

describe("stories", () => {
  let story: Story;
  let lead: Article;

  it("groups three outlets' coverage of one event into a story the API ranks and serves by slug", async () => {
    const where = place();
    [lead] = await outlets[0].publish({ title: `Magnitude 6.1 earthquake strikes ${where} harbour district` });
    await outlets[1].publish({ title: `Earthquake of magnitude 6.1 strikes ${where} harbour district` });
    await outlets[2].publish({ title: `Strong earthquake strikes ${where} harbour district, magnitude 6.1` });
    await outlets[2].publish({ title: `Council approves new cycling lanes for ${place()} suburbs` });

    story = await eventually(async () => {
      const { stories } = (await api.request("GET", "/api/stories")).json() as { stories: Story[] };
      return stories.find((candidate) => candidate.articles.some((article) => article.id === lead.id) && candidate.sourceCount === 3);
    }, "the story with three sources");
    expect(Object.keys(story).sort()).toEqual(STORY_KEYS);
    expect(story).toMatchObject({ id: lead.id, title: lead.title, sourceCount: 3, articleCount: 3, path: `/stories/${story.slug}` });
    expect(story.articles[0].id).toBe(lead.id);
    expect(Object.keys(story.articles[0]).sort()).toEqual(ARTICLE_KEYS);
    expect(new Set(story.articles.map((article) => article.source.id)).size).toBe(3);

    const bySlug = await api.request("GET", `/api/stories/${story.slug}`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.json().story).toMatchObject({ id: story.id, sourceCount: 3 });
  });

  it("has a server-rendered full-coverage page with canonical URL, OpenGraph and an ItemList of NewsArticle, in the sitemap", async () => {
    const page = await api.request("GET", story.path);
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toMatch(new RegExp(`<link rel="canonical" href="[^"]*${story.path}"`));
    expect(html).toMatch(/<meta property="og:title" content="[^"]+"/);
    expect(html.match(/data-testid="story-article"/g)).toHaveLength(3);
    const jsonLd = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((match) => JSON.parse(match[1]));
    const list = jsonLd.find((data) => data["@type"] === "ItemList");
    expect(list.itemListElement).toHaveLength(3);
    expect(list.itemListElement[0]).toMatchObject({ "@type": "ListItem", position: 1, item: { "@type": "NewsArticle", headline: lead.title } });
    for (const entry of list.itemListElement) expect(entry.item.datePublished).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const articlePage = await api.request("GET", lead.path);
    expect(articlePage.text).toContain(`href="${story.path}"`);
    const sitemap = await api.request("GET", "/sitemaps/stories.xml");
    expect(sitemap.text).toContain(`${story.path}</loc>`);
    expect((await api.request("GET", "/sitemap.xml")).text).toContain("/sitemaps/stories.xml");
    expect((await api.request("GET", "/stories/no-such-story-1")).status).toBe(404);
  });

  it("answers 404 for an unknown slug, and 400 with the JSON error shape for a bad page size or cursor", async () => {
    const missing = await api.request("GET", "/api/stories/no-such-story-1");
    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
    for (const query of ["limit=0", "limit=51", "limit=abc", "cursor=-1", "cursor=abc"]) {
      const bad = await api.request("GET", `/api/stories?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.json().error.code).toBe("invalid_query");
    }
  });

  it("pages the ranking with nextCursor", async () => {
    const first = (await api.request("GET", "/api/stories?limit=1")).json() as { stories: Story[]; nextCursor: string | null };
    expect(first.stories).toHaveLength(1);
    if (first.nextCursor !== null) {
      const second = (await api.request("GET", `/api/stories?limit=1&cursor=${first.nextCursor}`)).json() as { stories: Story[] };
      expect(second.stories[0]?.id).not.toBe(first.stories[0].id);
    }
  });

  it("sends story:update on Socket.IO and event: story on SSE when coverage joins a story", async () => {
    const socket = await LiveSocket.connect(server.url);
    const updates: Story[] = [];
    socket.socket.on("story:update", (update: Story) => updates.push(update));
    const sse = await SseStream.open(`${server.url}/api/live`);
    open.push(socket, sse);
    const where = place();
    const [first] = await outlets[1].publish({ title: `Ferry service to ${where} island suspended after engine fire` });
    await outlets[0].publish({ title: `${where} island ferry service suspended after engine fire` });

    const update = await eventually(async () => updates.find((candidate) => candidate.id === first.id && candidate.sourceCount === 2), "story:update with two sources");
    expect(Object.keys(update).sort()).toEqual(STORY_KEYS);
    const event = await eventually(async () => sse.events.find((candidate) => candidate.event === "story" && (JSON.parse(candidate.data) as Story).id === first.id), "SSE event: story");
    expect(event.id).toBeNull();
    expect((JSON.parse(event.data) as Story).sourceCount).toBe(2);
  });
});
