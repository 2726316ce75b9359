import sanitizeHtml from "sanitize-html";
import { describe, expect, it } from "vitest";
import { escapeHtml, firstImageSrc, htmlToPlainText, sanitizeContentHtml } from "./sanitize";

const BASE = "https://news.example/2024/story.html";

type Element = { name: string; attribs: Record<string, string> };

/**
 * Re-parses sanitized output with an HTML parser (htmlparser2, through sanitize-html's onOpenTag hook,
 * which sees every tag before any filtering) so assertions look at elements and decoded attribute
 * values, not at substrings.
 */
function parseElements(html: string): Element[] {
  const elements: Element[] = [];
  sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, onOpenTag: (name, attribs) => elements.push({ name, attribs: { ...attribs } }) });
  return elements;
}

const FORBIDDEN_ELEMENTS = new Set(["script", "style", "svg", "math", "object", "embed", "applet", "form", "input", "button", "select", "textarea", "base", "meta", "link", "frame", "frameset", "template", "noscript", "xmp", "keygen", "marquee", "body", "html", "head"]);
const URL_ATTRIBUTES = ["href", "src", "poster", "cite", "action", "formaction", "xlink:href", "data", "background", "dynsrc", "lowsrc"];

function assertSafe(output: string, payload: string): void {
  const context = `payload ${JSON.stringify(payload)} → ${JSON.stringify(output)}`;
  // Raw `<` only ever opens a real tag in serialized HTML (text has it escaped), so these are exact.
  expect(output, context).not.toMatch(/<script/i);
  expect(output, context).not.toMatch(/<[^>]*\son\w+\s*=/i);
  for (const element of parseElements(output)) {
    expect(FORBIDDEN_ELEMENTS.has(element.name), `${context}: <${element.name}>`).toBe(false);
    for (const [name, value] of Object.entries(element.attribs)) {
      expect(name.startsWith("on"), `${context}: ${name}`).toBe(false);
      expect(["style", "srcdoc", "formaction", "action", "xlink:href", "background", "id", "class", "name"].includes(name), `${context}: ${name}`).toBe(false);
      if (URL_ATTRIBUTES.includes(name)) {
        expect(value, `${context}: ${name}`).toMatch(/^(https?:\/\/|mailto:)/);
        expect(["http:", "https:", "mailto:"], `${context}: ${name}`).toContain(new URL(value).protocol);
      }
      if (name === "srcset") {
        for (const candidate of value.split(/,\s+/)) expect(candidate, context).toMatch(/^https?:\/\//);
      }
      // Whatever the attribute, it must not *be* a script-capable URL once browsers' stripping of
      // whitespace and control characters is applied. ("javascript:" inside the path of an https URL,
      // as `<img src=\`javascript:…\`>` resolves to, is inert text.)
      expect(value.replace(/[\s\u0000-\u001F]/g, "").toLowerCase(), `${context}: ${name}`).not.toMatch(/^(javascript|vbscript|data|livescript):/);
    }
    if (element.name === "iframe") {
      expect(new URL(element.attribs.src!).hostname, context).toMatch(/^(www\.)?(youtube\.com|youtube-nocookie\.com)$|^player\.vimeo\.com$|^www\.dailymotion\.com$/);
      expect(element.attribs.sandbox, context).toBe("allow-scripts allow-same-origin allow-presentation");
    }
    if (element.name === "a" && element.attribs.href) {
      expect(element.attribs.rel, context).toBe("noopener noreferrer");
      expect(element.attribs.target, context).toBe("_blank");
    }
  }
}

// OWASP XSS filter evasion cheat sheet and HTML5 Security Cheatsheet style payloads.
const XSS_PAYLOADS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
  "<img src=x onerror=alert(1)>",
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="jav&#x0D;ascript:alert(1)">x</a>',
  '<a href="&#14;javascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  "<svg/onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<svg><a xlink:href=\"javascript:alert(1)\"><text y=20>x</text></a></svg>",
  "<iframe src=javascript:alert(1)></iframe>",
  '<iframe src="https://evil.example/frame"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe src="http://www.youtube.com/embed/x"></iframe>',
  '<iframe src="https://www.youtube.com/embed/x" onload="alert(1)" allow="camera; microphone" sandbox="allow-top-navigation"></iframe>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<scr<script>ipt>alert(1)</script>",
  "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<a href="vbscript:msgbox(1)">x</a>',
  "<IMG SRC=\"javascript:alert('XSS');\">",
  "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
  "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
  "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
  "<img src=x:alert(alt) onerror=eval(src) alt=0>",
  '<img srcset="javascript:alert(1) 1x, https://ok.example/a.png 2x">',
  "<style>@import 'https://evil.example/x.css';</style><p>text</p>",
  '<div style="background:url(javascript:alert(1))">x</div>',
  "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
  '<base href="javascript:alert(1)//"><a href="/x">x</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
  '<form action="javascript:alert(1)"><input type="submit" value="go"></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<form><button formaction="https://evil.example/">x</button></form>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  "<body onload=alert(1)>",
  "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
  "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
  '<img src="x" onerror="alert(1)"//',
  "<details open ontoggle=alert(1)>",
  '<video><source onerror="alert(1)"></video>',
  "<video poster=javascript:alert(1) src=x></video>",
  "<audio src=x onerror=alert(1)>",
  "<input autofocus onfocus=alert(1)>",
  "<select onfocus=alert(1) autofocus><option>x</option></select>",
  "<textarea onfocus=alert(1) autofocus>x</textarea>",
  "<keygen autofocus onfocus=alert(1)>",
  "<marquee onstart=alert(1)>x</marquee>",
  '<a href="#" onclick="alert(1)">x</a>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  "<svg><style><img src=x onerror=alert(1)></style></svg>",
  "<template><script>alert(1)</script></template>",
  "<xmp><script>alert(1)</script></xmp>",
  '<a href="https://ok.example/" target="_self" rel="opener">x</a>',
  '<blockquote cite="javascript:alert(1)">q</blockquote>',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">x</a>',
  '<a href="\\u006A\\u0061vascript:alert(1)">x</a>',
  "<img src=`javascript:alert(1)`>",
  '<a href="javas&#99;ript:alert(1)">x</a>',
  '<img src="https://ok.example/a.png" style="x" id="x" class="y" name="z" data-x="1">',
];

describe("sanitizeContentHtml: XSS corpus", () => {
  it("has a corpus of at least 30 payloads", () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(XSS_PAYLOADS)("neutralises %s", (payload) => {
    assertSafe(sanitizeContentHtml(payload, BASE), payload);
    assertSafe(sanitizeContentHtml(payload, null), payload);
    // Wrapped in ordinary content, and twice (sanitizing sanitized output must stay safe).
    const wrapped = sanitizeContentHtml(`<p>before</p>${payload}<p>after</p>`, BASE);
    assertSafe(wrapped, payload);
    assertSafe(sanitizeContentHtml(wrapped, BASE), payload);
  });
});

describe("sanitizeContentHtml: what it keeps and rewrites", () => {
  it("keeps article formatting", () => {
    const html = "<h2>Head</h2><p>A <strong>b</strong> <em>c</em> <code>d</code></p><ul><li>x</li></ul><blockquote>q</blockquote><table><tr><td colspan=\"2\">t</td></tr></table>";
    const out = sanitizeContentHtml(html, BASE);
    for (const tag of ["h2", "p", "strong", "em", "code", "ul", "li", "blockquote", "table", "td"]) expect(out).toContain(`<${tag}`);
    expect(out).toContain('colspan="2"');
  });

  it("resolves relative links and images against the base", () => {
    const out = sanitizeContentHtml('<a href="../other.html">o</a><img src="/img/a.png" alt="A"><a href="#fn1">1</a>', BASE);
    const elements = parseElements(out);
    expect(elements.find((e) => e.name === "a")!.attribs.href).toBe("https://news.example/other.html");
    expect(elements.find((e) => e.name === "img")!.attribs.src).toBe("https://news.example/img/a.png");
    expect(elements.filter((e) => e.name === "a")[1]!.attribs.href).toBe("https://news.example/2024/story.html#fn1");
  });

  it("drops relative URLs when there is no base to resolve them", () => {
    const out = sanitizeContentHtml('<a href="/x">x</a><img src="/a.png"><img src="https://cdn.example/b.png">', null);
    const elements = parseElements(out);
    expect(elements.find((e) => e.name === "a")!.attribs.href).toBeUndefined();
    expect(elements.filter((e) => e.name === "img").map((e) => e.attribs.src)).toEqual(["https://cdn.example/b.png"]);
  });

  it("opens links in a new tab without an opener", () => {
    const [a] = parseElements(sanitizeContentHtml('<a href="https://x.example/" target="_top" rel="author">x</a>', BASE));
    expect(a!.attribs).toMatchObject({ href: "https://x.example/", target: "_blank", rel: "noopener noreferrer" });
  });

  it("keeps mailto links", () => {
    const [a] = parseElements(sanitizeContentHtml('<a href="mailto:desk@news.example">mail</a>', BASE));
    expect(a!.attribs.href).toBe("mailto:desk@news.example");
  });

  it("lazy-loads images and resolves srcset", () => {
    const [img] = parseElements(sanitizeContentHtml('<img src="a.png" srcset="a-1x.png 1x, https://cdn.example/w_100,h_50/a.png 2x" alt="">', BASE));
    expect(img!.attribs).toMatchObject({ loading: "lazy", src: "https://news.example/2024/a.png", alt: "" });
    expect(img!.attribs.srcset).toBe("https://news.example/2024/a-1x.png 1x, https://cdn.example/w_100,h_50/a.png 2x");
  });

  it("removes 1x1 tracking pixels", () => {
    expect(sanitizeContentHtml('<p>x</p><img src="https://feeds.example/~4/abc" height="1" width="1" alt="">', BASE)).toBe("<p>x</p>");
  });

  it("keeps video embeds from known hosts, sandboxed and lazy", () => {
    for (const src of ["https://www.youtube.com/embed/abc", "https://www.youtube-nocookie.com/embed/abc", "https://player.vimeo.com/video/1", "https://www.dailymotion.com/embed/video/x"]) {
      const [iframe] = parseElements(sanitizeContentHtml(`<iframe src="${src}" width="560" height="315" allowfullscreen></iframe>`, BASE));
      expect(iframe, src).toBeDefined();
      expect(iframe!.attribs).toMatchObject({ src, sandbox: "allow-scripts allow-same-origin allow-presentation", loading: "lazy", width: "560" });
    }
  });

  it("removes iframes from any other host, whole", () => {
    expect(sanitizeContentHtml('<p>a</p><iframe src="https://www.youtube.com.evil.example/embed/x">fallback</iframe><p>b</p>', BASE)).toBe("<p>a</p><p>b</p>");
  });

  it("survives very deep nesting quickly", () => {
    const out = sanitizeContentHtml(`${"<div>".repeat(20_000)}deep${"</div>".repeat(20_000)}`, BASE);
    expect(out).toContain("deep");
  });
});

describe("htmlToPlainText", () => {
  it.each([
    ["<p>Hello <b>world</b></p>", "Hello world"],
    ["<p>one</p><p>two</p>three<br>four", "one two three four"],
    ["Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39; &#x2019; &eacute;&nbsp;!", "Tom & Jerry <3 \"x\" 'y' \u2019 é !"],
    ["AT&amp;amp;T", "AT&T"],
    ["It&amp;#8217;s", "It\u2019s"],
    ["&lt;p&gt;Item Title&lt;/p&gt;", "<p>Item Title</p>"],
    ["&amp;lt;script&amp;gt;", "<script>"],
    ["  lots \n\t of   space  ", "lots of space"],
    ["<script>alert(1)</script>visible<style>p{}</style>", "visible"],
    ["?page=1&copy=2;mode=x & done", "?page=1&copy=2;mode=x & done"],
    ["Fish & Chips", "Fish & Chips"],
    ["zero\u200Bwidth", "zerowidth"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(htmlToPlainText(input)).toBe(expected);
  });

  it("never turns escaped markup into markup", () => {
    const text = htmlToPlainText("&lt;img src=x onerror=alert(1)&gt;");
    expect(text).toBe("<img src=x onerror=alert(1)>");
    // It is text: escaping it for HTML shows it literally.
    expect(escapeHtml(text)).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("firstImageSrc", () => {
  it("finds the first image of sanitized HTML", () => {
    expect(firstImageSrc(sanitizeContentHtml('<p>x</p><img src="/a.png?x=1&amp;y=2"><img src="/b.png">', BASE))).toBe("https://news.example/a.png?x=1&y=2");
    expect(firstImageSrc("<p>none</p>")).toBeNull();
  });
});
