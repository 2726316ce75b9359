import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPageCache } from "./page-cache";

let server: http.Server | undefined;
afterEach(() => server?.close());

async function serve(render: (res: http.ServerResponse, url: string) => void) {
  let renders = 0;
  const cache = createPageCache({ isCacheablePath: (path) => path === "/" || path.startsWith("/articles/") });
  server = http.createServer((req, res) => {
    if (cache.handle(req, res)) return;
    renders += 1;
    render(res, req.url ?? "/");
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { cache, base, renders: () => renders };
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

  it("never caches personal requests, uncacheable paths, errors or responses that set cookies", async () => {
    const { base, renders } = await serve((res, url) => {
      if (url === "/articles/missing") res.statusCode = 404;
      if (url === "/articles/cookie") res.setHeader("set-cookie", "a=b");
      page("x")(res);
    });
    for (let i = 0; i < 2; i++) {
      await fetch(`${base}/`, { headers: { cookie: "session=1" } });
      await fetch(`${base}/`, { headers: { rsc: "1" } });
      await fetch(`${base}/admin`);
      await fetch(`${base}/articles/missing`);
      await fetch(`${base}/articles/cookie`);
    }
    expect(renders()).toBe(10);
  });

  it("while one request renders a changed page afresh, others get the previous page instead of rendering too", async () => {
    let version = 1;
    let release: () => void = () => {};
    const { cache, base, renders } = await serve((res) => {
      const body = `v${version}`;
      if (version === 1) return page(body)(res);
      res.write("<html>");
      release = () => res.end(`${body}</html>`);
    });
    await fetch(`${base}/`);
    version = 2;
    cache.invalidate();
    const fresh = fetch(`${base}/`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = await fetch(`${base}/`);
    expect(during.headers.get("x-page-cache")).toBe("stale");
    expect(await during.text()).toBe("<html>v1</html>");
    release();
    expect(await fresh).toBe("<html>v2</html>");
    expect(await (await fetch(`${base}/`)).text()).toBe("<html>v2</html>");
    expect(renders()).toBe(2);
  });

  it("renders again a page whose render overlapped a change", async () => {
    let release: () => void = () => {};
    const { cache, base, renders } = await serve((res) => {
      res.write("<html>");
      release = () => res.end("old</html>");
    });
    const pending = fetch(`${base}/`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    cache.invalidate();
    release();
    expect(await pending).toBe("<html>old</html>");
    const next = fetch(`${base}/`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await next;
    expect(renders()).toBe(2);
  });
});
