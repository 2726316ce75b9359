import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../domain/errors";
import { MAX_FEED_ITEMS } from ".";
import { parse, parseError } from "./test-kit";

describe("parseFeed: hostile and oversized input", () => {
  it("does not expand entities (billion laughs)", async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ELEMENT lolz (#PCDATA)>
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;&lol9;</title><description>&lol9;</description></item></channel></rss>`;
    const heapBefore = process.memoryUsage().heapUsed;
    const feed = await parse(lol);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
    // The reference stays inert text; nothing was expanded.
    expect(feed.items[0]!.title).toBe("&lol9;&lol9;");
    expect(feed.title!.length).toBeLessThan(20);
  });

  it("does not resolve external entities", async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:1/x">]>
<rss version="2.0"><channel><item><title>&xxe;</title><description>&remote;</description></item></channel></rss>`;
    const feed = await parse(xxe);
    expect(feed.items[0]!.title).toBe("&xxe;");
    expect(JSON.stringify(feed)).not.toContain("root:");
  });

  it("refuses 100k-deep nesting with FeedParseError, quickly and without overflowing the stack", async () => {
    const depth = 100_000;
    const deep = `<rss version="2.0"><channel><item><title>x</title><x>${"<a>".repeat(depth)}${"</a>".repeat(depth)}</x></item></channel></rss>`;
    const error = await parseError(deep);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as Error).message).toMatch(/nests elements/);
  });

  it("survives 100k-deep markup inside a description", async () => {
    const depth = 100_000;
    const deep = `<rss version="2.0"><channel><item><title>x</title><description>${"<b>".repeat(depth)}y${"</b>".repeat(depth)}</description></item></channel></rss>`;
    const feed = await parse(deep);
    expect(feed.items[0]!.title).toBe("x");
  });

  it("survives 100k-deep JSON", async () => {
    const deep = `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"t","_x":${"[".repeat(100_000)}${"]".repeat(100_000)}}]}`;
    expect((await parse(deep)).items[0]!.guid).toBe("1");
  });

  it(`keeps the ${MAX_FEED_ITEMS} most recent of a 50k-item feed, in feed order, in reasonable time`, async () => {
    const count = 50_000;
    const start = Date.UTC(2020, 0, 1);
    const items: string[] = [];
    // Oldest first in the document, so "most recent" is the end of the feed.
    for (let i = 0; i < count; i++) {
      items.push(`<item><title>Item ${i}</title><link>https://big.example/${i}</link><guid>g${i}</guid><pubDate>${new Date(start + i * 60_000).toUTCString()}</pubDate><description>Story ${i}</description></item>`);
    }
    const feed = await parse(`<rss version="2.0"><channel><title>Big</title>${items.join("")}</channel></rss>`);
    expect(feed.items).toHaveLength(MAX_FEED_ITEMS);
    expect(feed.items[0]!.guid).toBe(`g${count - MAX_FEED_ITEMS}`);
    expect(feed.items.at(-1)!.guid).toBe(`g${count - 1}`);
  });

  it("keeps feed order when items have no dates", async () => {
    const items = Array.from({ length: MAX_FEED_ITEMS + 5 }, (_, i) => `<item><guid>g${i}</guid></item>`).join("");
    const feed = await parse(`<rss version="2.0"><channel>${items}</channel></rss>`);
    expect(feed.items.map((i) => i.guid).slice(0, 2)).toEqual(["g0", "g1"]);
    expect(feed.items).toHaveLength(MAX_FEED_ITEMS);
  });
});
