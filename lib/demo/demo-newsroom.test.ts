import { describe, expect, it } from "vitest";
import { parseFeed } from "../ingest/parse";
import { createDemoNewsroom, demoImagePath, demoStoryHasImage, demoStoryNumber } from "./demo-newsroom";

describe("demo newsroom pictures", () => {
  it("gives some stories a picture and some none, and the feed says which", async () => {
    const newsroom = createDemoNewsroom();
    for (let i = 0; i < 10; i++) newsroom.publishNext(new Date(Date.UTC(2026, 10, 30, 12, i)));
    const withImage = Array.from({ length: 10 }, (_, i) => i + 1).filter(demoStoryHasImage);
    expect(withImage.length).toBeGreaterThan(2);
    expect(withImage.length).toBeLessThan(10);

    const xml = newsroom.renderFeed("http://127.0.0.1:3000");
    expect(xml.match(/<enclosure /g)).toHaveLength(withImage.length);
    for (const id of withImage) expect(xml).toContain(`url="http://127.0.0.1:3000${demoImagePath(id)}" type="image/svg+xml"`);
    // The ingester reads them as the articles' images.
    const parsed = await parseFeed(Buffer.from(xml), { contentType: "application/rss+xml", url: "http://127.0.0.1:3000/demo/feed.xml" });
    expect(parsed.items.filter((item) => item.imageUrls.length > 0)).toHaveLength(withImage.length);
  });

  it("serves each published picture as a distinct SVG, and nothing for stories without one", () => {
    const newsroom = createDemoNewsroom();
    for (let i = 0; i < 10; i++) newsroom.publishNext();
    const pictures = new Set<string>();
    for (let id = 1; id <= 10; id++) {
      const svg = newsroom.imageAt(demoImagePath(id));
      if (!demoStoryHasImage(id)) {
        expect(svg).toBeNull();
        continue;
      }
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="360"/);
      expect(svg).not.toMatch(/<script|on\w+=/i);
      pictures.add(svg!);
    }
    expect(pictures.size).toBe(10 - [3, 5, 8, 10].length);
    // Not yet published, not a picture path, or out of range.
    expect(newsroom.imageAt(demoImagePath(11))).toBeNull();
    expect(newsroom.imageAt("/demo/images/1.png")).toBeNull();
    expect(newsroom.imageAt("/demo/images/../feed.xml")).toBeNull();
  });
});

describe("demo wire", () => {
  it("carries every other story of the newsroom under links of its own", async () => {
    const newsroom = createDemoNewsroom();
    for (let i = 0; i < 6; i++) newsroom.publishNext(new Date(Date.UTC(2026, 10, 30, 12, i)));
    const site = "http://127.0.0.1:3000";
    const newsroomFeed = await parseFeed(Buffer.from(newsroom.renderFeed(site)), { contentType: "application/rss+xml", url: `${site}/demo/feed.xml` });
    const wireFeed = await parseFeed(Buffer.from(newsroom.renderWireFeed(site)), { contentType: "application/rss+xml", url: `${site}/demo/wire.xml` });
    expect(newsroomFeed.items).toHaveLength(6);
    expect(wireFeed.items).toHaveLength(3);
    for (const item of wireFeed.items) {
      const original = newsroomFeed.items.find((candidate) => candidate.title === item.title);
      expect(original).toBeDefined();
      expect(item.link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/demo\/wire\/\d+$/);
      expect(item.link).not.toBe(original!.link);
      expect(item.guid).not.toBe(original!.guid);
    }
  });
});

describe("demo newsroom across restarts", () => {
  it("carries on numbering after the last story a previous run stored, so stored pictures and links stay valid", () => {
    const first = createDemoNewsroom();
    for (let i = 0; i < 30; i++) first.publishNext();
    const stored = first.renderFeed("http://127.0.0.1:3000");
    const lastNumber = Math.max(...[...stored.matchAll(/\/demo\/stories\/(\d+)</g)].map((match) => demoStoryNumber(`/demo/stories/${match[1]}`)!));
    expect(lastNumber).toBe(30);

    // A restart: a new newsroom told where the database left off.
    const restarted = createDemoNewsroom(40, lastNumber);
    for (let i = 0; i < 5; i++) restarted.publishNext();
    // Every picture a stored article links to is still there (before, only those up to the new count were).
    for (let id = 1; id <= 30; id++) {
      if (demoStoryHasImage(id)) expect(restarted.imageAt(demoImagePath(id)), `picture ${id}`).not.toBeNull();
    }
    // New stories take new numbers, so none collides with a stored link.
    expect(restarted.renderFeed("http://127.0.0.1:3000")).not.toMatch(/\/demo\/stories\/(?:[1-9]|[12]\d|30)</);
    expect(restarted.storyCount()).toBe(35);
    expect(demoStoryNumber("http://127.0.0.1:3000/demo/stories/31")).toBe(31);
    expect(demoStoryNumber("http://127.0.0.1:3000/demo/wire/31")).toBeNull();
  });
});
