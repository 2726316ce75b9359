import { describe, expect, it } from "vitest";
import { isAbsoluteHttpUrl, normalizeArticleUrl, resolveHttpUrl } from "./url";

describe("normalizeArticleUrl", () => {
  it.each([
    ["https://www.Example.COM/Path/To/Story", "example.com/Path/To/Story"],
    ["http://example.com/story", "example.com/story"],
    ["https://example.com/story/", "example.com/story"],
    ["https://example.com/", "example.com/"],
    ["https://example.com", "example.com/"],
    ["https://example.com:443/a", "example.com/a"],
    ["http://example.com:80/a", "example.com/a"],
    ["https://example.com:8443/a", "example.com:8443/a"],
    ["https://example.com/a#comments", "example.com/a"],
    ["https://example.com/#!/story/1", "example.com/#!/story/1"],
    ["https://user:pw@example.com/a", "example.com/a"],
    ["https://example.com/a?b=2&a=1", "example.com/a?a=1&b=2"],
    ["https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "example.com/a?id=7"],
    ["https://example.com/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2&ref=tw&ref_src=a&cmpid=c&ocid=o", "example.com/a"],
    ["https://example.com/a?at_medium=x&at_campaign=y&_ga=1&igshid=2&spm=3&UTM_Campaign=z&wt_mc=rss", "example.com/a"],
    ["https://example.com/a?", "example.com/a"],
    ["https://example.com/index.html", "example.com/index.html"],
    ["https://EXAMPLE.com./a", "example.com/a"],
    ["https://bücher.example/a", "xn--bcher-kva.example/a"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeArticleUrl(input)).toBe(expected);
  });

  it("gives the same key to the same article reached different ways", () => {
    const keys = new Set(
      [
        "https://www.example.com/news/1?utm_source=twitter",
        "http://example.com/news/1/",
        "https://example.com/news/1#top",
        "https://EXAMPLE.com/news/1?fbclid=abc",
      ].map(normalizeArticleUrl),
    );
    expect(keys.size).toBe(1);
  });

  it("keeps parameters that select content", () => {
    expect(normalizeArticleUrl("https://example.com/watch?v=abc&t=10")).toBe("example.com/watch?t=10&v=abc");
    expect(normalizeArticleUrl("https://example.com/watch?v=abc")).not.toBe(normalizeArticleUrl("https://example.com/watch?v=abd"));
  });

  it("refuses anything that is not an absolute http(s) URL", () => {
    for (const input of ["", "not a url", "/relative/path", "javascript:alert(1)", "mailto:a@b.c", "ftp://example.com/a", "data:text/html,x"]) {
      expect(normalizeArticleUrl(input)).toBeNull();
    }
  });
});

describe("resolveHttpUrl", () => {
  it("resolves relative references against a base", () => {
    expect(resolveHttpUrl("b/c", "https://example.com/a/")).toBe("https://example.com/a/b/c");
    expect(resolveHttpUrl("/x", "https://example.com/a/b")).toBe("https://example.com/x");
    expect(resolveHttpUrl("//cdn.example.com/i.png", "https://example.com/")).toBe("https://cdn.example.com/i.png");
  });

  it("refuses script and data schemes however they are disguised", () => {
    for (const input of ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "jav\tascript:alert(1)", "java\nscript:alert(1)", "\u0001javascript:x", "vbscript:msgbox", "data:text/html;base64,PHNjcmlwdD4="]) {
      expect(resolveHttpUrl(input, "https://example.com/")).toBeNull();
    }
  });

  it("returns null for empty input or no usable base", () => {
    expect(resolveHttpUrl(null)).toBeNull();
    expect(resolveHttpUrl("   ", "https://example.com/")).toBeNull();
    expect(resolveHttpUrl("relative")).toBeNull();
  });

  it("recognises guids that are URLs", () => {
    expect(isAbsoluteHttpUrl("https://example.com/p/1")).toBe(true);
    expect(isAbsoluteHttpUrl("tag:example.com,2024:1")).toBe(false);
    expect(isAbsoluteHttpUrl("12345")).toBe(false);
  });
});
