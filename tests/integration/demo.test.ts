// `npm run demo` exactly as the README gives it (no FEED_ALLOW_PRIVATE): the demo newsroom's feed, served by
// the server itself on loopback, is fetched and its stories reach /api/articles, while any other loopback
// address stays refused. (Outbound seeding is switched off only to keep the test off the internet.)
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
        return page.articles.length >= 5 ? page : null;
      },
      "the demo newsroom's stories on /api/articles",
      30_000,
    );
    expect(articles.every((article) => article.source.name === "Demo Newsroom"), demo.output()).toBe(true);
    const [newsroom] = await api.sources();
    expect(newsroom.lastError, demo.output()).toBeNull();
    expect(demo.output()).not.toMatch(/is not an address feeds may be fetched from/);
  });

  it("still refuses another loopback source", async () => {
    const response = await api.request("POST", "/api/sources", {
      admin: true,
      body: { url: otherLoopback.feedUrl("other-loopback"), name: "Other loopback" },
    });
    expect(response.status, response.text).toBe(422);
    expect(response.json().error.message).toMatch(/127\.0\.0\.1 is not an address feeds may be fetched from/);
  });
});
