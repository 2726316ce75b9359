import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../domain/errors";
import { parse, parseError } from "./test-kit";

describe("parseFeed: JSON Feed", () => {
  it("reads JSON Feed 1.1", async () => {
    const json = {
      version: "https://jsonfeed.org/version/1.1",
      title: "JSON News",
      home_page_url: "https://json.example/",
      feed_url: "https://json.example/feed.json",
      hubs: [{ type: "WebSub", url: "https://hub.example/" }],
      authors: [{ name: "Feed Writer" }],
      items: [
        {
          id: "1",
          url: "https://json.example/1",
          title: "Tom & <Jerry>",
          content_html: "<p>Hi</p>",
          summary: "Plain <summary>",
          image: "https://json.example/i.png",
          banner_image: "https://json.example/b.png",
          date_published: "2024-05-06T07:08:09-04:00",
          date_modified: "2024-05-07T00:00:00Z",
          authors: [{ name: "Item Writer" }],
          tags: ["a", "b"],
          attachments: [{ url: "https://json.example/a.jpg", mime_type: "image/jpeg" }, { url: "https://json.example/a.mp3", mime_type: "audio/mpeg" }],
        },
        { id: 2, external_url: "https://other.example/x", content_text: "Line one\nline two\n\nPara <2>" },
        "not an object",
        { id: "3", title: 42, url: ["bad"] },
      ],
    };
    const feed = await parse(JSON.stringify(json));
    expect(feed).toMatchObject({ format: "json", title: "JSON News", siteUrl: "https://json.example/", selfUrl: "https://json.example/feed.json", hubUrl: "https://hub.example/" });
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toMatchObject({
      guid: "1",
      link: "https://json.example/1",
      title: "Tom &amp; &lt;Jerry&gt;",
      contentHtml: "<p>Hi</p>",
      summaryHtml: "Plain &lt;summary&gt;",
      published: "2024-05-06T07:08:09-04:00",
      updated: "2024-05-07T00:00:00Z",
      author: "Item Writer",
      categories: ["a", "b"],
      imageUrls: ["https://json.example/i.png", "https://json.example/b.png", "https://json.example/a.jpg"],
    });
    expect(feed.items[1]).toMatchObject({ guid: "2", link: "https://other.example/x", contentHtml: "<p>Line one<br>line two</p><p>Para &lt;2&gt;</p>", author: "Feed Writer", title: null });
    expect(feed.items[2]).toMatchObject({ guid: "3", title: null, link: null });
  });

  it("reads JSON Feed 1.0 (author object) and a feed identified only by its items", async () => {
    const v10 = await parse(JSON.stringify({ version: "https://jsonfeed.org/version/1", title: "t", author: { name: "Old Author" }, items: [{ id: "x", content_text: "hi" }] }));
    expect(v10.items[0]).toMatchObject({ author: "Old Author", contentHtml: "<p>hi</p>" });
    const bare = await parse(JSON.stringify({ items: [{ id: "y", url: "https://x.example/" }] }));
    expect(bare.items[0]!.link).toBe("https://x.example/");
  });

  it("refuses JSON that is not a JSON Feed", async () => {
    expect(await parseError('{"hello": "world"}')).toBeInstanceOf(FeedParseError);
    expect(await parseError("[1, 2, 3]")).toBeInstanceOf(FeedParseError);
    expect(await parseError('{"version": "1.0"')).toBeInstanceOf(FeedParseError);
  });
});
