// `npm run demo` exactly as the README gives it (no FEED_ALLOW_PRIVATE): the demo newsroom's feed, served by
// the server itself on loopback, is fetched (with its second outlet, the demo wire) and its stories reach
// /api/articles and /api/stories, while any other loopback address stays refused. (Outbound seeding is switched off only to keep the test off the internet.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { eventually, startNewswire, tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";
import { NewswireClient, removeDatabase } from "../helpers/newswire-client";

let demo: RunningServer;
let api: NewswireClient;
let otherLoopback: FixtureFeedServer;
const databaseUrl = tempDatabaseUrl("demo");

beforeAll(async () => {
  [demo, otherLoopback] = await Promise.all([
    startNewswire({ launcher: "npm-demo", env: { DATABASE_URL: databaseUrl, FEED_ALLOW_PRIVATE: undefined } }),
    startFixtureFeedServer(),
  ]);
  api = new NewswireClient(demo.url);
}, 240_000);

afterAll(async () => {
  await demo?.stop();
  await otherLoopback?.close();
  removeDatabase(databaseUrl);
});

describe("npm run demo", () => {
  it("ingests the demo newsroom's stories without FEED_ALLOW_PRIVATE", async () => {
    const { articles } = await eventually(
      async () => {
        const page = await api.articles();
        const outlets = new Set(page.articles.map((article) => article.source.name));
        return page.articles.length >= 5 && outlets.size === 2 ? page : null;
      },
      "the demo newsroom's stories on /api/articles",
      30_000,
    );
    expect(new Set(articles.map((article) => article.source.name)), demo.output()).toEqual(new Set(["Demo Newsroom", "Demo Wire"]));
    const sources = await api.sources();
    expect(sources.map((source) => [source.name, source.lastError]).sort(), demo.output()).toEqual([
      ["Demo Newsroom", null],
      ["Demo Wire", null],
    ]);
    expect(demo.output()).not.toMatch(/is not an address feeds may be fetched from/);
  });

  it("has top stories: the demo wire covers the newsroom's events, so stories of two sources appear", async () => {
    const stories = await eventually(
      async () => {
        const response = await api.request("GET", "/api/stories");
        const body = response.json() as { stories: { sourceCount: number; path: string }[] };
        return body.stories.length > 0 ? body.stories : null;
      },
      "a public story on /api/stories",
      30_000,
    );
    expect(stories[0].sourceCount).toBe(2);
    const page = await api.request("GET", stories[0].path);
    expect(page.status).toBe(200);
  });

  it("still refuses another loopback source", async () => {
    const response = await api.request("POST", "/api/sources", {
      admin: true,
      body: { url: otherLoopback.feedUrl("other-loopback"), name: "Other loopback" },
    });
    expect(response.status, response.text).toBe(422);
    expect(response.json().error.message).toMatch(/127\.0\.0\.1 is not an address feeds may be fetched from/);
  });

  // Runs last: it restarts the demo. Stored articles keep their picture URLs and links, so a restarted
  // newsroom that numbered its stories from 1 again answered 404 for every stored picture above its new count
  // (errors in the console of every page showing one) and its new stories collided with stored links.
  it("after a restart on the same database every stored picture is still served and new stories keep coming", async () => {
    const demoArticles = async () => (await api.articles({ source: "demo-newsroom", limit: 100 })).articles;
    // Several more stories than the five a run starts with, so the second run's count starts well below the first's.
    await eventually(async () => (await demoArticles()).length >= 9, "nine demo newsroom stories", 60_000);
    const newestBefore = Math.max(...(await demoArticles()).map((article) => article.id));
    const port = demo.port;
    expect(await demo.stop()).toBe(0);
    demo = await startNewswire({ launcher: "npm-demo", port, env: { DATABASE_URL: databaseUrl, FEED_ALLOW_PRIVATE: undefined } });

    // At once, before the restarted newsroom has published anything beyond the five stories a run starts with.
    const pictures = (await demoArticles()).map((article) => article.imageUrl).filter((url): url is string => url !== null);
    expect(pictures.length).toBeGreaterThan(3);
    const statuses = await Promise.all(pictures.map(async (url) => `${(await fetch(url)).status} ${url}`));
    expect(statuses.filter((line) => !line.startsWith("200 "))).toEqual([]);

    // The stories a run starts with are new ones: they are stored at its first check, not deduplicated away
    // as copies of stored links (then nothing new would appear until the count passed the stored one).
    const fresh = await eventually(
      async () => {
        const newer = (await demoArticles()).filter((article) => article.id > newestBefore);
        return newer.length >= 5 ? newer : null;
      },
      "the five stories the restarted newsroom starts with",
      10_000,
    );
    expect(fresh.length, demo.output()).toBeGreaterThanOrEqual(5);
  }, 240_000);

  // Runs after the restart test: it stops the demo. `npm start` on the database the demo filled (the demo no
  // longer publishing) used to answer nothing for the demo's pictures: every page showing one logged a
  // failed request.
  it("npm start on the database the demo filled still serves the demo's pictures and story pages", async () => {
    const stored = (await api.articles({ source: "demo-newsroom", limit: 100 })).articles;
    const port = demo.port;
    expect(await demo.stop()).toBe(0);
    demo = await startNewswire({ launcher: "npm", port, env: { DATABASE_URL: databaseUrl, FEED_ALLOW_PRIVATE: undefined } });

    const pictures = stored.map((article) => article.imageUrl).filter((url): url is string => url !== null);
    expect(pictures.length).toBeGreaterThan(3);
    const links = stored.map((article) => article.url);
    const statuses = await Promise.all([...pictures, ...links].map(async (url) => `${(await fetch(url)).status} ${url}`));
    expect(statuses.filter((line) => !line.startsWith("200 ")), demo.output()).toEqual([]);
    // Read-only: nothing publishes, and the newsroom's feed is not served.
    expect((await fetch(`${demo.url}/demo/feed.xml`)).status).toBe(404);
  }, 240_000);
});
