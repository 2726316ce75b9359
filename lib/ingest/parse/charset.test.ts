import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { canonicalCharset, decodeBody } from "./charset";

// Only characters every Cyrillic charset below can encode (KOI8-R and ISO-8859-5 have no em dash).
const CYRILLIC = "Новости: Привет, мир - ёжик";
const rss = (title: string, prolog = "") => `${prolog}<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

describe("decodeBody", () => {
  it("decodes plain UTF-8 by default", () => {
    const out = decodeBody(Buffer.from(rss("café ☕"), "utf8"));
    expect(out).toMatchObject({ charset: "utf-8", source: "default" });
    expect(out.text).toContain("café ☕");
  });

  it("honours and strips a UTF-8 BOM", () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss("é"))]);
    const out = decodeBody(body, "text/xml; charset=iso-8859-1");
    expect(out.source).toBe("bom");
    expect(out.text.startsWith("<rss")).toBe(true);
    expect(out.text).toContain("é");
  });

  it("decodes UTF-16 LE and BE with a BOM", () => {
    for (const charset of ["utf-16le", "utf-16be"]) {
      const body = iconv.encode(rss(CYRILLIC, '<?xml version="1.0" encoding="UTF-16"?>'), charset, { addBOM: true });
      const out = decodeBody(body);
      expect(out).toMatchObject({ charset, source: "bom" });
      expect(out.text).toContain(CYRILLIC);
      expect(out.text.startsWith("<?xml")).toBe(true);
    }
  });

  it("recognises UTF-16 without a BOM from its zero bytes", () => {
    const le = decodeBody(iconv.encode(rss(CYRILLIC, '<?xml version="1.0"?>'), "utf-16le"));
    expect(le).toMatchObject({ charset: "utf-16le", source: "document" });
    expect(le.text).toContain(CYRILLIC);
    const be = decodeBody(iconv.encode(rss(CYRILLIC), "utf-16be"));
    expect(be.charset).toBe("utf-16be");
    expect(be.text).toContain(CYRILLIC);
  });

  it("uses the Content-Type charset before the document's declaration", () => {
    const body = iconv.encode(rss(CYRILLIC, '<?xml version="1.0" encoding="koi8-r"?>'), "windows-1251");
    const out = decodeBody(body, 'application/rss+xml; charset="windows-1251"');
    expect(out).toMatchObject({ charset: "windows-1251", source: "header" });
    expect(out.text).toContain(CYRILLIC);
  });

  it("uses the XML prolog encoding when the header has none", () => {
    for (const charset of ["windows-1251", "koi8-r", "iso-8859-5"]) {
      const body = iconv.encode(rss(CYRILLIC, `<?xml version="1.0" encoding="${charset.toUpperCase()}"?>`), charset);
      const out = decodeBody(body, "application/xml");
      expect(out).toMatchObject({ charset, source: "document" });
      expect(out.text).toContain(CYRILLIC);
    }
  });

  it("removes the prolog's encoding so a parser cannot decode the text twice", () => {
    const body = iconv.encode(rss("x", "<?xml version='1.0' encoding='windows-1251' standalone='yes'?>"), "windows-1251");
    expect(decodeBody(body).text.startsWith("<?xml version='1.0' standalone='yes'?>")).toBe(true);
  });

  it("reads an HTML meta charset", () => {
    const html = `<!doctype html><html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>${CYRILLIC}</title></head></html>`;
    expect(decodeBody(iconv.encode(html, "windows-1251")).text).toContain(CYRILLIC);
    const html5 = `<!doctype html><meta charset=koi8-r><title>${CYRILLIC}</title>`;
    expect(decodeBody(iconv.encode(html5, "koi8-r")).text).toContain(CYRILLIC);
  });

  it("decodes East Asian legacy charsets", () => {
    const cases: [string, string, string][] = [
      ["shift_jis", "ニュース速報：東京", "cp932"],
      ["gb2312", "新闻：北京天气", "gbk"],
      ["gbk", "新聞：臺北", "gbk"],
      ["big5", "新聞：臺北天氣", "big5hkscs"],
      ["euc-kr", "뉴스: 서울", "cp949"],
    ];
    for (const [label, text, decoder] of cases) {
      const body = iconv.encode(rss(text, `<?xml version="1.0" encoding="${label}"?>`), label);
      const out = decodeBody(body);
      expect(out.charset).toBe(decoder);
      expect(out.text).toContain(text);
    }
  });

  it("treats ISO-8859-1 as windows-1252, as browsers do (curly quotes in 0x80-0x9F)", () => {
    const body = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>'), Buffer.from([0x93, 0x71, 0x94, 0x20, 0xe9]), Buffer.from("</title></channel></rss>")]);
    expect(decodeBody(body).text).toContain("\u201Cq\u201D é");
  });

  it("falls back to windows-1252 when undeclared bytes are not valid UTF-8", () => {
    const body = Buffer.concat([Buffer.from("<rss><channel><title>"), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from("</title></channel></rss>")]);
    const out = decodeBody(body);
    expect(out).toMatchObject({ charset: "windows-1252", source: "fallback" });
    expect(out.text).toContain("Café");
  });

  it("ignores a document claiming UTF-16 that is plainly ASCII-compatible", () => {
    const out = decodeBody(Buffer.from(rss("é", '<?xml version="1.0" encoding="UTF-16"?>'), "utf8"));
    expect(out.charset).toBe("utf-8");
    expect(out.text).toContain("é");
  });

  it("ignores unknown labels and moves down the precedence", () => {
    const out = decodeBody(Buffer.from(rss("é", '<?xml version="1.0" encoding="x-made-up"?>')), "text/xml; charset=bogus");
    expect(out).toMatchObject({ charset: "utf-8", source: "default" });
  });

  it("handles an empty body", () => {
    expect(decodeBody(Buffer.alloc(0)).text).toBe("");
  });
});

describe("canonicalCharset", () => {
  it("maps labels to decoders", () => {
    expect(canonicalCharset("UTF8")).toBe("utf-8");
    expect(canonicalCharset('"Windows-1251"')).toBe("windows-1251");
    expect(canonicalCharset("latin1")).toBe("windows-1252");
    expect(canonicalCharset("Shift_JIS")).toBe("cp932");
    expect(canonicalCharset("nope")).toBeNull();
    expect(canonicalCharset(null)).toBeNull();
  });
});
