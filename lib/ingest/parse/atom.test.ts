import { describe, expect, it } from "vitest";
import { normalizeItems } from "../normalize";
import { parse, FEED_URL } from "./test-kit";

describe("parseFeed: Atom", () => {
  const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
  <title type="text">Atom &amp; Eve</title>
  <link href="https://atom.example/" rel="alternate" type="text/html"/>
  <link href="https://atom.example/feed.atom" rel="self"/>
  <link href="https://pubsub.example/" rel="hub"/>
  <author><name>Feed Author</name></author>
  <entry>
    <id>tag:atom.example,2024:1</id>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; move</title>
    <link rel="enclosure" type="image/jpeg" href="/img/cover.jpg"/>
    <link rel="alternate" type="text/html" href="posts/1"/>
    <link rel="replies" href="posts/1#comments"/>
    <published>2024-01-02T03:04:05Z</published>
    <updated>2024-01-03T00:00:00Z</updated>
    <summary type="text">1 &lt; 2 &amp; 3 &gt; 2</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>xhtml</em> <a href="rel">world</a></p></div></content>
    <category term="tech" label="Technology"/>
  </entry>
  <entry xml:base="https://elsewhere.example/">
    <id>tag:atom.example,2024:2</id>
    <title>Plain &lt;title&gt;</title>
    <link href="two"/>
    <updated>2024-01-05T00:00:00Z</updated>
    <author><name>Entry Author</name></author>
    <content type="html" xml:base="https://content.example/">&lt;img src="pic.png"&gt;</content>
  </entry>
</feed>`;

  it("reads the feed", async () => {
    const feed = await parse(atom);
    expect(feed).toMatchObject({ format: "atom", title: "Atom & Eve", siteUrl: "https://atom.example/", selfUrl: "https://atom.example/feed.atom", hubUrl: "https://pubsub.example/" });
  });

  it("picks the alternate link over enclosure and replies, with the xml:base it is resolved against", async () => {
    const feed = await parse(atom);
    const [first] = feed.items;
    expect(first!.link).toBe("posts/1");
    expect(normalizeItems(feed, { feedUrl: FEED_URL, fetchedAt: new Date("2030-01-01T00:00:00Z") })[0]!.url).toBe("https://atom.example/blog/posts/1");
    expect(first!.imageUrls).toEqual(["/img/cover.jpg"]);
    expect(first!.baseUrl).toBe("https://atom.example/blog/");
  });

  it("honours text construct types: html as HTML, text escaped, xhtml unwrapped", async () => {
    const [first, second] = (await parse(atom)).items;
    expect(first).toMatchObject({
      guid: "tag:atom.example,2024:1",
      title: "&lt;b&gt;Bold&lt;/b&gt; move".replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
      summaryHtml: "1 &lt; 2 &amp; 3 &gt; 2",
      contentHtml: '<p>Hello <em>xhtml</em> <a href="rel">world</a></p>',
      published: "2024-01-02T03:04:05Z",
      updated: "2024-01-03T00:00:00Z",
      author: "Feed Author",
      categories: ["Technology"],
    });
    expect(second).toMatchObject({ title: "Plain &lt;title&gt;", published: null, updated: "2024-01-05T00:00:00Z", author: "Entry Author" });
  });

  it("gives entry and content their own xml:base", async () => {
    const [, second] = (await parse(atom)).items;
    expect(second).toMatchObject({ link: "two", baseUrl: "https://elsewhere.example/", contentBaseUrl: "https://content.example/" });
  });

  it("reads Atom 0.3 (issued/modified, mode=escaped, mode=base64)", async () => {
    const feed = await parse(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title><link rel="alternate" type="text/html" href="http://a03.example/"/>
      <entry><title mode="base64">RW50cnkgVGl0bGU=</title><link rel="alternate" type="text/html" href="http://a03.example/1"/><id>urn:1</id>
      <issued>2004-01-01T12:00:00Z</issued><modified>2004-01-02T12:00:00Z</modified>
      <content type="text/html" mode="escaped">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`);
    expect(feed).toMatchObject({ format: "atom", title: "Old Atom", siteUrl: "http://a03.example/" });
    expect(feed.items[0]).toMatchObject({ title: "Entry Title", link: "http://a03.example/1", published: "2004-01-01T12:00:00Z", updated: "2004-01-02T12:00:00Z", contentHtml: "<p>Body</p>" });
  });

  it("does not fail the feed over an unparseable date or an attribute-less link", async () => {
    const feed = await parse('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><published>yesterday-ish</published><link>https://x.example/1</link></entry></feed>');
    expect(feed.items[0]).toMatchObject({ published: "yesterday-ish", link: "https://x.example/1" });
  });
});
