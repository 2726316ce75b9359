import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FeedParseError } from "../domain/errors";
import { discoverFeedLinks, MAX_FEED_ITEMS, parseFeed, sniffFeedFormat } from "./parse-feed";

const URL = "https://feeds.example/news.xml";
const parse = (body: string | Buffer, contentType?: string) => parseFeed(typeof body === "string" ? Buffer.from(body, "utf8") : body, { url: URL, contentType });

async function parseError(body: string | Buffer): Promise<unknown> {
  try {
    await parse(body);
  } catch (error) {
    return error;
  }
  throw new Error("expected parseFeed to throw");
}

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

  it("resolves relative links with xml:base at every level", async () => {
    const feed = await parse(`<rss version="2.0" xml:base="https://base.example/root/"><channel xml:base="section/"><link>home</link>
      <item xml:base="item/"><title>a</title><link>post.html</link></item>
      <item><title>b</title><link xml:base="https://other.example/x/">post.html</link></item>
    </channel></rss>`);
    expect(feed.siteUrl).toBe("https://base.example/root/section/home");
    expect(feed.items[0]).toMatchObject({ link: "https://base.example/root/section/item/post.html", baseUrl: "https://base.example/root/section/item/" });
    expect(feed.items[1]!.link).toBe("https://other.example/x/post.html");
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

  it("picks the alternate link over enclosure and replies, and resolves it against xml:base", async () => {
    const [first] = (await parse(atom)).items;
    expect(first!.link).toBe("https://atom.example/blog/posts/1");
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
    expect(second).toMatchObject({ link: "https://elsewhere.example/two", baseUrl: "https://elsewhere.example/", contentBaseUrl: "https://content.example/" });
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

describe("parseFeed: encodings", () => {
  const cyrillic = "Новости дня: Привет, мир";
  const rss1251 = `<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>${cyrillic}</title><item><title>${cyrillic}</title></item></channel></rss>`;

  it("decodes a windows-1251 feed from its prolog", async () => {
    const feed = await parse(iconv.encode(rss1251, "windows-1251"));
    expect(feed.title).toBe(cyrillic);
    expect(feed.items[0]!.title).toBe(cyrillic);
  });

  it("decodes a windows-1251 feed from the Content-Type header", async () => {
    const body = iconv.encode(rss1251.replace(' encoding="windows-1251"', ""), "windows-1251");
    expect((await parse(body, "application/rss+xml; charset=windows-1251")).items[0]!.title).toBe(cyrillic);
  });

  it("decodes UTF-16 feeds with and without a BOM", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item><title>${cyrillic}</title></item></channel></rss>`;
    expect((await parse(iconv.encode(xml, "utf-16le", { addBOM: true }))).items[0]!.title).toBe(cyrillic);
    expect((await parse(iconv.encode(xml, "utf-16be", { addBOM: true }))).items[0]!.title).toBe(cyrillic);
    expect((await parse(iconv.encode(xml, "utf-16le"))).items[0]!.title).toBe(cyrillic);
  });

  it("accepts a UTF-8 BOM and leading whitespace and comments", async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n  <!-- generated -->\n<rss version="2.0"><channel><item><title>é</title></item></channel></rss>')]);
    expect((await parse(body)).items[0]!.title).toBe("é");
  });
});

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

describe("parseFeed: not feeds", () => {
  it.each([
    ["an HTML page", "<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>"],
    ["an HTML fragment", "<html><body>Object moved</body></html>"],
    ["an empty body", ""],
    ["whitespace", "   \n  "],
    ["plain text", "Service temporarily unavailable"],
    ["another XML vocabulary", '<?xml version="1.0"?><note><to>Tove</to></note>'],
    ["truncated XML", '<rss version="2.0"><channel><item><title>x'],
    ["binary garbage", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
  ])("refuses %s with FeedParseError", async (_, body) => {
    const error = await parseError(body);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).code).toBe("not_a_feed");
  });
});

describe("sniffFeedFormat", () => {
  it.each([
    ['<?xml version="1.0"?><rss version="2.0">', "rss"],
    ["<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'>", "atom"],
    ['<rdf:RDF xmlns:rdf="x">', "rdf"],
    ['  {"version": "https://jsonfeed.org/version/1"}', "json"],
    ["<!doctype html><html>", "html"],
    ["<HTML><BODY>", "html"],
    ["<note/>", "unknown"],
  ])("%s → %s", (text, format) => {
    expect(sniffFeedFormat(text)).toBe(format);
  });
});

describe("discoverFeedLinks", () => {
  it("finds advertised feeds, resolved against the page (and its <base>)", () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://news.example/atom.xml">
      <LINK REL="Alternate" TYPE="application/feed+json" HREF="feed.json?a=1&amp;b=2">
      <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
      <script>document.write('<link rel="alternate" type="application/rss+xml" href="/scripted.xml">')</script>
    </head><body></body></html>`;
    expect(discoverFeedLinks(html, "https://news.example/section/")).toEqual([
      "https://news.example/feed.xml",
      "https://news.example/atom.xml",
      "https://news.example/section/feed.json?a=1&b=2",
    ]);
    expect(discoverFeedLinks('<base href="https://cdn.example/x/"><link rel="alternate" type="application/json" href="f.json">', "https://news.example/")).toEqual(["https://cdn.example/x/f.json"]);
    expect(discoverFeedLinks("<p>no feeds</p>", "https://news.example/")).toEqual([]);
  });
});
