import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPageCache } from "./page-cache";

let server: http.Server | undefined;
afterEach(() => server?.close());

const pages = [
  { pattern: /^\/$/, file: "app/page.tsx", params: ["before"] },
  { pattern: /^\/articles\/[^/]+$/, file: "app/articles/[slug]/page.tsx", params: [] },
];

async function serve(render: (res: http.ServerResponse, url: string, req: http.IncomingMessage) => void) {
  let renders = 0;
  const seen: http.IncomingMessage[] = [];
  const cache = createPageCache({ findPage: (path) => pages.find((page) => page.pattern.test(path)), publicHost: "news.example.com" });
  server = http.createServer((req, res) => {
    if (cache.handle(req, res)) return;
    renders += 1;
    seen.push(req);
    render(res, req.url ?? "/", req);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { cache, base, renders: () => renders, seen };
}

/** Waits (without a fixed sleep) until the server has reached the state a test needs. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const page = (body: string) => (res: http.ServerResponse) => {
  res.setHeader("content-type", "text/html");
  // What Next sends for every dynamic page.
  res.setHeader("cache-control", "private, no-cache, no-store, max-age=0, must-revalidate");
  res.write("<html>");
  res.end(`${body}</html>`);
};

describe("page cache", () => {
  it("answers repeated anonymous requests from memory, with an ETag that revalidates to 304", async () => {
    let version = 1;
    const { base, renders } = await serve((res) => page(`v${version}`)(res));
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>v1</html>");
    const second = await fetch(`${base}/`);
    expect(await second.text()).toBe("<html>v1</html>");
    expect(second.headers.get("x-page-cache")).toBe("hit");
    expect(second.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(renders()).toBe(1);
    const etag = second.headers.get("etag")!;
    expect((await fetch(`${base}/`, { headers: { "if-none-match": etag } })).status).toBe(304);
    version = 2;
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>v1</html>");
  });

  it("keeps bytes for one Accept-Encoding from answering another", async () => {
    const { base, renders } = await serve((res) => page("x")(res));
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip" } });
    await fetch(`${base}/`, { headers: { "accept-encoding": "identity" } });
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip" } });
    expect(renders()).toBe(2);
  });

  it("renders afresh after invalidation", async () => {
    let version = 1;
    const { cache, base, renders } = await serve((res) => page(`v${version}`)(res));
    await fetch(`${base}/`);
    version = 2;
    cache.invalidate();
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>v2</html>");
    expect(renders()).toBe(2);
  });

  it("never caches writes, uncacheable paths, errors, responses that set cookies, or other content types", async () => {
    const { base, renders } = await serve((res, url) => {
      if (url === "/articles/missing") res.statusCode = 404;
      if (url === "/articles/cookie") res.setHeader("set-cookie", "a=b");
      if (url === "/articles/json") {
        res.setHeader("content-type", "application/json");
        return res.end("{}");
      }
      if (url === "/articles/empty") {
        res.setHeader("content-type", "text/html");
        return res.end();
      }
      page("x")(res);
    });
    for (let i = 0; i < 2; i++) {
      await fetch(`${base}/`, { method: "POST", body: "x" });
      await fetch(`${base}/`, { headers: { "next-action": "abc" } });
      await fetch(`${base}/admin`);
      await fetch(`${base}/articles/missing`);
      await fetch(`${base}/articles/cookie`);
      await fetch(`${base}/articles/json`);
      await fetch(`${base}/articles/empty`);
    }
    expect(renders()).toBe(14);
  });

  it("renders from a cleaned request: Next-internal headers never reach a render it stores", async () => {
    // What Next did: a prefetch header from outside made it answer `{}`, which was then served to everyone.
    const { base, renders, seen } = await serve((res, _url, req) => {
      if (req.headers["x-middleware-prefetch"]) {
        res.setHeader("content-type", "application/json");
        return res.end("{}");
      }
      page("home")(res);
    });
    const poisoned = await fetch(`${base}/`, { headers: { "x-middleware-prefetch": "1", "x-nextjs-data": "1", "x-invoke-path": "/admin" } });
    expect(await poisoned.text()).toBe("<html>home</html>");
    const plain = await fetch(`${base}/`);
    expect(await plain.text()).toBe("<html>home</html>");
    expect(plain.headers.get("x-page-cache")).toBe("hit");
    expect(renders()).toBe(1);
    expect(Object.keys(seen[0].headers).sort()).toEqual(["accept-encoding", "host", "user-agent"]);
    expect(seen[0].headers.host).toBe("news.example.com");
  });

  it("ignores cookies, tracking and unknown query parameters, and keeps the ones the page reads", async () => {
    const { base, renders, seen } = await serve((res, url) => page(url)(res));
    await fetch(`${base}/?utm_source=a&fbclid=1`, { headers: { cookie: "_ga=GA1.2.3; lb=sticky" } });
    const second = await fetch(`${base}/?gclid=2&utm_source=b`, { headers: { cookie: "other=1", authorization: "Bearer x" } });
    expect(await second.text()).toBe("<html>/</html>");
    expect(second.headers.get("x-page-cache")).toBe("hit");
    expect(seen[0].headers.cookie).toBeUndefined();
    expect(seen[0].url).toBe("/");
    // `before` is read by the homepage: its own entry, rendered with it.
    expect(await (await fetch(`${base}/?utm_medium=x&before=abc&before=def`)).text()).toBe("<html>/?before=abc</html>");
    expect(await (await fetch(`${base}/?before=abc`)).text()).toBe("<html>/?before=abc</html>");
    // The article page reads no parameter at all.
    await fetch(`${base}/articles/a?before=abc`);
    expect(seen.at(-1)!.url).toBe("/articles/a");
    expect(renders()).toBe(3);
  });

  it("shares one entry between Accept-Encodings that get the same coding, and one per bot class", async () => {
    const { base, renders, seen } = await serve((res) => page("x")(res));
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    await fetch(`${base}/`, { headers: { "accept-encoding": "br;q=1, gzip;q=0.8" } });
    expect(renders()).toBe(1);
    expect(seen[0].headers["accept-encoding"]).toBe("gzip");
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip", "user-agent": "Mozilla/5.0 (compatible; bingbot/2.0)" } });
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip", "user-agent": "Mozilla/5.0 (compatible; Twitterbot/1.0)" } });
    expect(renders()).toBe(2);
    await fetch(`${base}/`, { headers: { "accept-encoding": "gzip", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0" } });
    expect(renders()).toBe(2);
  });

  it("caches client-side navigations (RSC) apart from HTML, keyed by the router headers", async () => {
    const { base, renders, seen } = await serve((res, url, req) => {
      if (req.headers.rsc === "1" && url.startsWith("/?")) {
        res.setHeader("content-type", "text/x-component");
        return res.end(`flight ${url} ${req.headers["next-router-state-tree"] ?? ""}`);
      }
      page("html")(res);
    });
    const from = (tree: string) => ({ rsc: "1", "next-router-state-tree": tree, cookie: "a=1" });
    expect(await (await fetch(`${base}/?_rsc=h1&utm_source=x`, { headers: from("tree-a") })).text()).toBe("flight /?_rsc=h1 tree-a");
    const again = await fetch(`${base}/?_rsc=h1`, { headers: from("tree-a") });
    expect(again.headers.get("x-page-cache")).toBe("hit");
    expect(await (await fetch(`${base}/?_rsc=h2`, { headers: from("tree-b") })).text()).toBe("flight /?_rsc=h2 tree-b");
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>html</html>");
    expect(renders()).toBe(3);
    expect(seen[0].headers.cookie).toBeUndefined();
    expect(seen[0].headers["next-router-state-tree"]).toBe("tree-a");
    // An RSC request answered with HTML (or anything but a flight payload) is not kept.
    await fetch(`${base}/articles/x?_rsc=1`, { headers: { rsc: "1" } });
    await fetch(`${base}/articles/x?_rsc=1`, { headers: { rsc: "1" } });
    expect(renders()).toBe(5);
  });

  it("keeps no page larger than its body bound, and keeps one at the bound", async () => {
    const cache = createPageCache({ findPage: () => pages[1], maxBodyBytes: 1_000 });
    let renders = 0;
    const server2 = http.createServer((req, res) => {
      if (cache.handle(req, res)) return;
      renders += 1;
      // "<html>" and "</html>" are 13 bytes of each page.
      page("z".repeat(req.url === "/articles/big" ? 988 : 987))(res);
    });
    await new Promise<void>((resolve) => server2.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server2.address() as AddressInfo).port}`;
    const get = (slug: string) => fetch(`${base}/articles/${slug}`, { headers: { "accept-encoding": "identity" } }).then((response) => response.text());
    try {
      for (const slug of ["big", "big", "fits", "fits"]) await get(slug);
      expect((await get("big")).length).toBe(1_001);
      // big (1,001 bytes) rendered every time; fits (1,000) once.
      expect(renders).toBe(4);
    } finally {
      server2.close();
    }
  });

  it("bounds what it holds: oldest entries go first", async () => {
    const cache = createPageCache({ findPage: () => pages[1], maxTotalBytes: 1_000 });
    let renders = 0;
    const server2 = http.createServer((req, res) => {
      if (cache.handle(req, res)) return;
      renders += 1;
      page("y".repeat(400))(res);
    });
    await new Promise<void>((resolve) => server2.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server2.address() as AddressInfo).port}`;
    try {
      for (const slug of ["a", "b", "c", "a"]) await fetch(`${base}/articles/${slug}`, { headers: { "accept-encoding": "identity" } });
      expect(renders).toBe(4);
      // Two 400-byte pages fit in 1,000 bytes: the two most recent (c, a) are served from the cache, b was evicted.
      for (const slug of ["c", "a"]) await fetch(`${base}/articles/${slug}`, { headers: { "accept-encoding": "identity" } });
      expect(renders).toBe(4);
      await fetch(`${base}/articles/b`, { headers: { "accept-encoding": "identity" } });
      expect(renders).toBe(5);
    } finally {
      server2.close();
    }
  });

  it("while one request renders a changed page afresh, others get the previous page instead of rendering too", async () => {
    let version = 1;
    const pending: (() => void)[] = [];
    const { cache, base, renders } = await serve((res) => {
      const body = `v${version}`;
      if (version === 1) return page(body)(res);
      res.setHeader("content-type", "text/html");
      res.write("<html>");
      pending.push(() => res.end(`${body}</html>`));
    });
    await fetch(`${base}/`);
    version = 2;
    cache.invalidate();
    const fresh = fetch(`${base}/`).then((r) => r.text());
    await until(() => pending.length === 1);
    const during = await fetch(`${base}/`);
    expect(during.headers.get("x-page-cache")).toBe("stale");
    expect(await during.text()).toBe("<html>v1</html>");
    pending.shift()!();
    expect(await fresh).toBe("<html>v2</html>");
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>v2</html>");
    expect(renders()).toBe(2);
  });

  it("renders again a page whose render overlapped a change", async () => {
    const pending: (() => void)[] = [];
    const { cache, base, renders } = await serve((res) => {
      res.setHeader("content-type", "text/html");
      res.write("<html>");
      pending.push(() => res.end("old</html>"));
    });
    const first = fetch(`${base}/`).then((r) => r.text());
    await until(() => pending.length === 1);
    cache.invalidate();
    pending.shift()!();
    expect(await first).toBe("<html>old</html>");
    // Stored, but as stale: the next request renders again.
    const second = fetch(`${base}/`).then((r) => r.text());
    await until(() => pending.length === 1);
    pending.shift()!();
    await second;
    expect(renders()).toBe(2);
  });
});
