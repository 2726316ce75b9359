import { describe, expect, it } from "vitest";
import type { ParsedFeed, ParsedItem } from "../domain/feed";
import { sha256Hex } from "../domain/hash";
import { MAX_SUMMARY_LENGTH, MAX_TITLE_LENGTH, normalizeArticleUrl, normalizeItems, parseFeedDate, truncateAtWord } from "./normalize";
import { parseFeed } from "./parse";

const FETCHED_AT = new Date("2024-06-01T12:00:00Z");
const FEED_URL = "https://feeds.example/news.xml";

function item(overrides: Partial<ParsedItem> = {}): ParsedItem {
  return {
    guid: null,
    title: "A title",
    link: "https://news.example/a",
    contentHtml: null,
    summaryHtml: null,
    author: null,
    published: "2024-05-01T00:00:00Z",
    updated: null,
    imageUrls: [],
    categories: [],
    baseUrl: null,
    ...overrides,
  };
}

function feed(items: ParsedItem[], overrides: Partial<ParsedFeed> = {}): ParsedFeed {
  return { format: "rss", title: "Feed", siteUrl: "https://news.example/", hubUrl: null, selfUrl: null, items, ...overrides };
}

const normalize = (items: ParsedItem[], overrides: Partial<ParsedFeed> = {}) => normalizeItems(feed(items, overrides), { feedUrl: FEED_URL, fetchedAt: FETCHED_AT });
const one = (overrides: Partial<ParsedItem> = {}, feedOverrides: Partial<ParsedFeed> = {}) => normalize([item(overrides)], feedOverrides)[0]!;

describe("parseFeedDate", () => {
  it.each([
    ["Mon, 1 Jan 2024 00:00:00 +0000", "2024-01-01T00:00:00.000Z"],
    ["Mon, 01 Jan 2024 10:00:00 GMT", "2024-01-01T10:00:00.000Z"],
    ["Mon, 01 Jan 2024 10:00:00 EST", "2024-01-01T15:00:00.000Z"],
    ["Mon, 01 Jan 2024 10:00:00 EDT", "2024-01-01T14:00:00.000Z"],
    ["Mon, 01 Jan 2024 10:00:00 PST", "2024-01-01T18:00:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 CEST", "2024-01-02T08:00:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 IST", "2024-01-02T04:30:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 AEDT", "2024-01-01T23:00:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 Z", "2024-01-02T10:00:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 -0330", "2024-01-02T13:30:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 +05:30", "2024-01-02T04:30:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 +0000 (UTC)", "2024-01-02T10:00:00.000Z"],
    ["Tue, 02 Jan 2024 10:00:00 GMT+2", "2024-01-02T08:00:00.000Z"],
    ["02 Jan 2024 10:00 GMT", "2024-01-02T10:00:00.000Z"],
    ["Tue, 2 January 2024 10:00:00 +0000", "2024-01-02T10:00:00.000Z"],
    ["Tue, 02 Jan 24 10:00:00 +0100", "2024-01-02T09:00:00.000Z"],
    ["Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
    ["Thu, 01 Jan 2004 19:48:21 Y", "2004-01-01T19:48:21.000Z"],
    ["Wed, 03 Jan 2018 13:47:00 GMT\r\n      ", "2018-01-03T13:47:00.000Z"],
    ["Tue, 02 Jan 2024", "2024-01-02T00:00:00.000Z"],
    ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04:05+02:00", "2024-01-02T01:04:05.000Z"],
    ["2024-01-02T03:04:05.123456-05:30", "2024-01-02T08:34:05.123Z"],
    ["2024-01-02T03:04:05", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02 03:04:05", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04", "2024-01-02T03:04:00.000Z"],
    ["2024-01-02", "2024-01-02T00:00:00.000Z"],
    ["20240102T030405Z", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04:05 EST", "2024-01-02T08:04:05.000Z"],
    ["Jan 2, 2024 10:00:00 EST", "2024-01-02T15:00:00.000Z"],
    ["January 2nd, 2024 10:00 PM", "2024-01-02T22:00:00.000Z"],
    ["1704164400", "2024-01-02T03:00:00.000Z"],
  ])("%j → %s", (input, expected) => {
    expect(parseFeedDate(input)?.toISOString()).toBe(expected);
  });

  it.each([null, undefined, "", "   ", "yesterday", "not a date", "32 Jan 2024", "2024-13-01", "2024-02-30T25:00:00Z", "Mon, 01 Foo 2024 10:00:00 GMT", "Mon, 01 Jan 2024 10:00:00 XYZT"])(
    "%j → null",
    (input) => {
      expect(parseFeedDate(input)).toBeNull();
    },
  );
});

describe("normalizeItems: titles, summaries, content", () => {
  it("makes the title plain text", () => {
    expect(one({ title: "<b>Big</b> &amp; <i>bold</i> &#8212; news" }).title).toBe("Big & bold — news");
  });

  it("falls back to the summary's first words, then to 'Untitled'", () => {
    const long = "word ".repeat(100).trim();
    const fromSummary = one({ title: null, summaryHtml: `<p>${long}</p>` }).title;
    expect(fromSummary.endsWith("…")).toBe(true);
    expect(fromSummary.length).toBeLessThanOrEqual(100);
    expect(one({ title: "   ", summaryHtml: "Short summary" }).title).toBe("Short summary");
    expect(one({ title: null }).title).toBe("Untitled");
    expect(one({ title: "<img src=x>" }).title).toBe("Untitled");
  });

  it("caps titles at 300 characters on a word boundary", () => {
    const title = one({ title: "lorem ipsum ".repeat(60) }).title;
    expect(title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(title).toMatch(/ipsum…$|lorem…$/);
  });

  it("summarises the summary, else the content, as plain text up to ~400 characters", () => {
    expect(one({ summaryHtml: "<p>Short &amp; <b>sweet</b></p>", contentHtml: "<p>Long</p>" }).summary).toBe("Short & sweet");
    expect(one({ summaryHtml: null, contentHtml: "<p>From</p><p>content</p>" }).summary).toBe("From content");
    expect(one({ summaryHtml: '<img src="/a.jpg">', contentHtml: "<p>Words</p>" }).summary).toBe("Words");
    const summary = one({ summaryHtml: `<p>${"sentence of words ".repeat(60)}</p>` }).summary;
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH);
    expect(summary.endsWith("words…") || summary.endsWith("of…") || summary.endsWith("sentence…")).toBe(true);
    expect(one({ summaryHtml: null, contentHtml: null }).summary).toBe("");
  });

  it("sanitizes content (or the summary when there is no content), resolving relative URLs", () => {
    const withContent = one({ contentHtml: '<p onclick="x()">Hi <a href="/x">x</a></p><script>bad()</script>', summaryHtml: "s" });
    expect(withContent.contentHtml).toBe('<p>Hi <a href="https://news.example/x" target="_blank" rel="noopener noreferrer">x</a></p>');
    expect(one({ contentHtml: null, summaryHtml: "<b>only</b> summary" }).contentHtml).toBe("<b>only</b> summary");
  });

  it("resolves content URLs against the content's own xml:base when it has one", () => {
    expect(one({ contentHtml: '<img src="pic.png">', contentBaseUrl: "https://content.example/dir/" }).contentHtml).toContain('src="https://content.example/dir/pic.png"');
  });

  it("makes the author plain text", () => {
    expect(one({ author: "<b>Ann</b> &amp; Bob" }).author).toBe("Ann & Bob");
    expect(one({ author: null }).author).toBeNull();
  });
});

describe("normalizeItems: URLs and images", () => {
  it("resolves the link against xml:base, then the site, then the feed URL", () => {
    expect(one({ link: "post/1", baseUrl: "https://base.example/dir/" }).url).toBe("https://base.example/dir/post/1");
    expect(one({ link: "/post/1" }).url).toBe("https://news.example/post/1");
    expect(one({ link: "post/1" }, { siteUrl: null }).url).toBe("https://feeds.example/post/1");
  });

  it("falls back to a guid that is a URL, then to the site", () => {
    expect(one({ link: null, guid: "https://news.example/by-guid" }).url).toBe("https://news.example/by-guid");
    expect(one({ link: null, guid: "tag:news.example,2024:1" }).url).toBe("https://news.example/");
    expect(one({ link: "javascript:alert(1)" }).url).toBe("https://news.example/");
    expect(one({ link: null }, { siteUrl: null }).url).toBe(FEED_URL);
  });

  it("adds the normalized URL", () => {
    expect(one({ link: "https://www.news.example/a/?utm_source=rss#top" }).normalizedUrl).toBe("news.example/a");
    expect(normalizeArticleUrl("https://www.news.example/a/")).toBe("news.example/a");
  });

  it("takes the first usable image candidate, else the first image in the content", () => {
    expect(one({ imageUrls: ["data:image/png;base64,xx", "/img/a.jpg", "https://cdn.example/b.jpg"] }).imageUrl).toBe("https://news.example/img/a.jpg");
    expect(one({ imageUrls: [], contentHtml: '<p>x</p><img src="https://t.example/px.gif" width="1" height="1"><img src="/c.jpg">' }).imageUrl).toBe("https://news.example/c.jpg");
    expect(one({ imageUrls: ["javascript:alert(1)"] }).imageUrl).toBeNull();
  });
});

describe("normalizeItems: dates", () => {
  it("parses published and updated", () => {
    const candidate = one({ published: "Wed, 01 May 2024 10:00:00 GMT", updated: "2024-05-02T00:00:00Z" });
    expect(candidate.publishedAt.toISOString()).toBe("2024-05-01T10:00:00.000Z");
    expect(candidate.updatedAt.toISOString()).toBe("2024-05-02T00:00:00.000Z");
  });

  it("uses updated when there is no published date, and the other way round", () => {
    const onlyUpdated = one({ published: null, updated: "2024-05-03T00:00:00Z" });
    expect(onlyUpdated.publishedAt.toISOString()).toBe("2024-05-03T00:00:00.000Z");
    expect(one({ published: "2024-05-03T00:00:00Z", updated: null }).updatedAt.toISOString()).toBe("2024-05-03T00:00:00.000Z");
  });

  it("clamps missing, unparseable and future dates to the fetch time", () => {
    expect(one({ published: null, updated: null }).publishedAt).toEqual(FETCHED_AT);
    expect(one({ published: "someday" }).publishedAt).toEqual(FETCHED_AT);
    expect(one({ published: "2024-06-01T12:30:00Z" }).publishedAt).toEqual(FETCHED_AT);
    expect(one({ published: "2099-01-01T00:00:00Z" }).updatedAt).toEqual(FETCHED_AT);
  });

  it("tolerates a few minutes of clock skew", () => {
    expect(one({ published: "2024-06-01T12:03:00Z" }).publishedAt.toISOString()).toBe("2024-06-01T12:03:00.000Z");
  });

  it("never has updatedAt before publishedAt", () => {
    const candidate = one({ published: "2024-05-02T00:00:00Z", updated: "2024-05-01T00:00:00Z" });
    expect(candidate.updatedAt).toEqual(candidate.publishedAt);
  });
});

describe("normalizeItems: identity", () => {
  it("keys by trimmed guid, else normalized link, else a hash of the words", () => {
    expect(one({ guid: "  abc-1 \n" }).dedupeKey).toBe("g:abc-1");
    expect(one({ guid: null, link: "https://www.news.example/a/?utm_medium=x" }).dedupeKey).toBe("l:news.example/a");
    const hashed = one({ guid: null, link: null, title: "T", summaryHtml: "S" });
    expect(hashed.dedupeKey).toBe(`h:${sha256Hex("T\nS")}`);
  });

  it("drops repeated keys within one feed, keeping the first", () => {
    const candidates = normalize([item({ guid: "1", title: "first" }), item({ guid: "2" }), item({ guid: "1", title: "again" }), item({ guid: null, link: "https://news.example/x" }), item({ guid: null, link: "http://www.news.example/x/" })]);
    expect(candidates.map((c) => c.dedupeKey)).toEqual(["g:1", "g:2", "l:news.example/x"]);
    expect(candidates[0]!.title).toBe("first");
  });

  it("hashes title, summary and content so edits are detectable", () => {
    const a = one({ contentHtml: "<p>v1</p>" });
    const b = one({ contentHtml: "<p>v1</p>" });
    const c = one({ contentHtml: "<p>v2</p>" });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
    expect(a.contentHash).toBe(sha256Hex(`${a.title}\n${a.summary}\n${a.contentHtml}`));
  });
});

describe("normalizeItems on parsed feeds", () => {
  it("turns an Atom feed with xml:base into absolute, clean candidates", async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/"><title>t</title>
      <entry><id>urn:1</id><title type="html">Caf&amp;eacute; &amp;amp; more</title><link href="posts/1"/><updated>2024-01-01T00:00:00Z</updated>
      <content type="html">&lt;p&gt;See &lt;a href="../about"&gt;about&lt;/a&gt; &lt;img src="i.png"&gt;&lt;/p&gt;</content></entry></feed>`;
    const parsed = await parseFeed(Buffer.from(xml), { url: "https://feeds.example/atom" });
    const [candidate] = normalizeItems(parsed, { feedUrl: "https://feeds.example/atom", fetchedAt: FETCHED_AT });
    expect(candidate).toMatchObject({
      dedupeKey: "g:urn:1",
      title: "Café & more",
      url: "https://atom.example/blog/posts/1",
      summary: "See about",
      imageUrl: "https://atom.example/blog/i.png",
    });
    expect(candidate!.contentHtml).toContain('href="https://atom.example/about"');
  });

  it("handles items with no title, link or date", async () => {
    const parsed = await parseFeed(Buffer.from('<rss version="2.0"><channel><link>https://site.example/</link><item><description>Just words here</description></item></channel></rss>'), { url: FEED_URL });
    const [candidate] = normalizeItems(parsed, { feedUrl: FEED_URL, fetchedAt: FETCHED_AT });
    expect(candidate).toMatchObject({ title: "Just words here", url: "https://site.example/", publishedAt: FETCHED_AT });
    expect(candidate!.dedupeKey.startsWith("h:")).toBe(true);
  });
});

describe("truncateAtWord", () => {
  it("leaves short text alone and cuts long text on a word with an ellipsis", () => {
    expect(truncateAtWord("short", 10)).toBe("short");
    expect(truncateAtWord("one two three four", 16)).toBe("one two three…");
    expect(truncateAtWord("x".repeat(20), 10)).toBe(`${"x".repeat(9)}…`);
    expect(truncateAtWord(`${"a".repeat(8)}😀😀`, 10)).toBe(`${"a".repeat(8)}…`);
  });
});
