import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../domain/errors";
import { parse, parseError } from "./test-kit";

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
