import { describe, expect, it } from "vitest";
import { discoverFeedLinks } from "./discover";

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
