import { describe, expect, it } from "vitest";
import { normalizeItems } from "../normalize";
import { parse, FEED_URL } from "./test-kit";

describe("parseFeed: RSS 2.0", () => {
  const rss = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>The Daily &amp; Nightly</title>
    <link>https://news.example/</link>
    <atom:link rel="self" href="https://feeds.example/news.xml"/>
    <atom:link rel="hub" href="https://hub.example/"/>
    <item>
      <title><![CDATA[Markets rally as <em>rates</em> fall]]></title>
      <link>https://news.example/markets</link>
      <guid isPermaLink="false">  markets-1  </guid>
      <pubDate>Mon, 1 Jan 2024 09:30:00 +0000</pubDate>
      <description>&lt;p&gt;Short &amp;amp; sweet&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>Full <a href="/more">story</a></p>]]></content:encoded>
      <dc:creator>Jane Doe</dc:creator>
      <category>Business</category>
      <media:thumbnail url="https://img.example/thumb.jpg"/>
      <media:content url="https://img.example/big.jpg" medium="image"/>
      <enclosure url="https://img.example/enc.png" type="image/png" length="1"/>
      <itunes:image href="https://img.example/itunes.jpg"/>
    </item>
    <item>
      <title>Caf&#233; &#x2014; &quot;quoted&quot;</title>
      <guid>https://news.example/permalink-guid</guid>
      <author>desk@news.example (News Desk)</author>
    </item>
  </channel>
</rss>`;

  it("reads the channel", async () => {
    const feed = await parse(rss);
    expect(feed).toMatchObject({ format: "rss", title: "The Daily & Nightly", siteUrl: "https://news.example/", selfUrl: "https://feeds.example/news.xml", hubUrl: "https://hub.example/" });
    expect(feed.items).toHaveLength(2);
  });

  it("reads every item field, keeping CDATA HTML as found", async () => {
    const [item] = (await parse(rss)).items;
    expect(item).toMatchObject({
      guid: "markets-1",
      title: "Markets rally as <em>rates</em> fall",
      link: "https://news.example/markets",
      summaryHtml: "<p>Short &amp; sweet</p>",
      contentHtml: '<p>Full <a href="/more">story</a></p>',
      author: "Jane Doe",
      published: "Mon, 1 Jan 2024 09:30:00 +0000",
      updated: null,
      categories: ["Business"],
      baseUrl: null,
    });
    expect(item!.imageUrls).toEqual(["https://img.example/thumb.jpg", "https://img.example/big.jpg", "https://img.example/enc.png", "https://img.example/itunes.jpg"]);
  });

  it("decodes entities in titles, uses a permalink guid as the link and the name from an RSS author", async () => {
    const [, item] = (await parse(rss)).items;
    expect(item).toMatchObject({ title: 'Café — "quoted"', link: "https://news.example/permalink-guid", author: "News Desk", published: null });
  });

  it("accepts RSS without a version attribute and items with no title or date", async () => {
    const feed = await parse("<rss><channel><item><description>Only a description</description></item></channel></rss>");
    expect(feed.items[0]).toMatchObject({ title: null, link: null, summaryHtml: "Only a description", published: null });
  });

  it("treats an <rss> with no channel as an empty feed", async () => {
    expect((await parse('<rss version="2.0"></rss>')).items).toEqual([]);
  });

  it("tolerates bare ampersands, HTML entities and forbidden control characters", async () => {
    const feed = await parse('<rss version="2.0"><channel><item><title>Fish & Chips &nbsp;&copy; 2024\u0001</title><link>https://x.example/?a=1&b=2</link></item></channel></rss>');
    // HTML entities stay entities in the (HTML-bearing) title; plain-text conversion decodes them later.
    expect(feed.items[0]).toMatchObject({ title: "Fish & Chips &nbsp;&copy; 2024", link: "https://x.example/?a=1&b=2" });
  });

  it("keeps unescaped HTML in a description, in order", async () => {
    const feed = await parse('<rss version="2.0"><channel><item><description>Breaking: <b>big</b> news<br> today <![CDATA[<i>more</i>]]></description></item></channel></rss>');
    expect(feed.items[0]!.summaryHtml).toBe("Breaking: <b>big</b> news<br> today <i>more</i>");
  });

  it("recovers from mismatched tags instead of refusing the whole feed", async () => {
    const feed = await parse('<rss version="2.0"><channel><item><title>First</title><logo>x</link></item><item><title>Second</title></item></channel></rss>');
    expect(feed.items.map((i) => i.title)).toEqual(["First", "Second"]);
  });

  it("reads namespaced elements under whatever prefix the feed declared", async () => {
    const feed = await parse('<rss version="2.0" xmlns:mrss="http://search.yahoo.com/mrss/" xmlns:purl="http://purl.org/dc/elements/1.1/"><channel><item><title>t</title><mrss:thumbnail url="https://img.example/t.jpg"/><purl:creator>Ann</purl:creator></item></channel></rss>');
    expect(feed.items[0]).toMatchObject({ imageUrls: ["https://img.example/t.jpg"], author: "Ann" });
  });

  it("reads media:group and images nested in media:content", async () => {
    const feed = await parse(`<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item><title>t</title>
      <media:group><media:content url="https://v.example/clip.mp4" medium="video"><media:thumbnail url="https://img.example/poster.jpg"/></media:content></media:group>
      <enclosure url="https://v.example/audio.mp3" type="audio/mpeg"/></item></channel></rss>`);
    expect(feed.items[0]!.imageUrls).toEqual(["https://img.example/poster.jpg"]);
  });

  it("falls back to Dublin Core fields", async () => {
    const feed = await parse('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><dc:title>DC title</dc:title><dc:description>DC text</dc:description><dc:date>2024-02-03T04:05:06Z</dc:date></item></channel></rss>');
    expect(feed.items[0]).toMatchObject({ title: "DC title", summaryHtml: "DC text", published: "2024-02-03T04:05:06Z" });
  });

  it("reports links as written with the xml:base in scope at every level; normalize makes them absolute", async () => {
    const feed = await parse(`<rss version="2.0" xml:base="https://base.example/root/"><channel xml:base="section/"><link>home</link>
      <item xml:base="item/"><title>a</title><link>post.html</link></item>
      <item><title>b</title><link xml:base="https://other.example/x/">post.html</link></item>
    </channel></rss>`);
    expect(feed.siteUrl).toBe("https://base.example/root/section/home");
    expect(feed.items[0]).toMatchObject({ link: "post.html", baseUrl: "https://base.example/root/section/item/", linkBaseUrl: null });
    expect(feed.items[1]).toMatchObject({ link: "post.html", baseUrl: "https://base.example/root/section/", linkBaseUrl: "https://other.example/x/" });
    const [first, second] = normalizeItems(feed, { feedUrl: FEED_URL, fetchedAt: new Date("2030-01-01T00:00:00Z") });
    expect(first!.url).toBe("https://base.example/root/section/item/post.html");
    expect(second!.url).toBe("https://other.example/x/post.html");
  });

  it("leaves relative links alone when no xml:base applies, for normalize to resolve against the site", async () => {
    const feed = await parse('<rss version="2.0"><channel><link>https://site.example/</link><item><title>a</title><link>/posts/1</link></item></channel></rss>');
    expect(feed.siteUrl).toBe("https://site.example/");
    expect(feed.items[0]).toMatchObject({ link: "/posts/1", baseUrl: null });
  });
});

describe("parseFeed: older RSS", () => {
  it("reads RSS 0.91", async () => {
    const feed = await parse('<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title><link>http://old.example/</link><item><title>Item 1</title><link>http://old.example/1</link><description>One</description></item></channel></rss>');
    expect(feed).toMatchObject({ format: "rss", title: "Old", siteUrl: "http://old.example/" });
    expect(feed.items[0]).toMatchObject({ title: "Item 1", link: "http://old.example/1", summaryHtml: "One" });
  });

  it("reads RSS 0.92", async () => {
    const feed = await parse('<rss version="0.92"><channel><title>t</title><item><description>Only text &lt;b&gt;bold&lt;/b&gt;</description><enclosure url="http://old.example/a.jpg" length="1" type="image/jpeg"/></item></channel></rss>');
    expect(feed.items[0]).toMatchObject({ summaryHtml: "Only text <b>bold</b>", imageUrls: ["http://old.example/a.jpg"] });
  });

  it("reads RSS 1.0 (RDF)", async () => {
    const feed = await parse(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF site</title><link>https://rdf.example/</link><items><rdf:Seq><rdf:li resource="https://rdf.example/1"/></rdf:Seq></items></channel>
  <item rdf:about="https://rdf.example/1"><title>First</title><link>https://rdf.example/1</link><description>Desc</description><dc:date>2024-03-04T05:06:07+02:00</dc:date><dc:creator>Ann</dc:creator><dc:subject>Science</dc:subject></item>
</rdf:RDF>`);
    expect(feed).toMatchObject({ format: "rdf", title: "RDF site", siteUrl: "https://rdf.example/" });
    expect(feed.items).toEqual([
      expect.objectContaining({ title: "First", link: "https://rdf.example/1", summaryHtml: "Desc", published: "2024-03-04T05:06:07+02:00", author: "Ann", categories: ["Science"], guid: null }),
    ]);
  });
});

describe("parseFeed: RSS 1.0 with another prefix", () => {
  it("reads an RDF root bound to a prefix other than rdf:", async () => {
    const feed = await parse('<R:RDF xmlns:R="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel><item><title>x</title><link>https://r.example/1</link></item></R:RDF>');
    expect(feed).toMatchObject({ format: "rdf", title: "t" });
    expect(feed.items[0]!.link).toBe("https://r.example/1");
  });
});
