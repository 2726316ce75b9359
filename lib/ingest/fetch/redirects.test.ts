import { describe, expect, it } from "vitest";
import { fetchFeed, startServer, loopbackIsPublic, fetchError, sendFeed , type TestServer } from "./test-kit";

describe("fetchFeed: redirects", () => {
  /** /hop/<status>/<status>/... redirects with each status in turn, then serves the feed. */
  async function redirectServer(): Promise<TestServer> {
    return startServer((req, res) => {
      const [, , status, ...rest] = (req.url ?? "/").split("/");
      if (!status) return sendFeed(res);
      const next = rest.length > 0 ? `/hop/${rest.join("/")}` : "/final.xml";
      res.writeHead(Number(status), { location: next }).end("moved");
    });
  }

  it("follows a chain of permanent redirects and reports where it ended", async () => {
    const server = await redirectServer();
    const result = await fetchFeed(`${server.origin}/hop/301/308/301`, { allowPrivate: true });
    expect(result.status).toBe("ok");
    expect(result.finalUrl).toBe(`${server.origin}/final.xml`);
    expect(result.permanentRedirectTo).toBe(`${server.origin}/final.xml`);
    expect(server.requests.map((req) => req.url)).toEqual(["/hop/301/308/301", "/hop/308/301", "/hop/301", "/final.xml"]);
  });

  it("reports no permanent redirect when any hop is temporary", async () => {
    const server = await redirectServer();
    const result = await fetchFeed(`${server.origin}/hop/301/302/308`, { allowPrivate: true });
    expect(result.finalUrl).toBe(`${server.origin}/final.xml`);
    expect(result.permanentRedirectTo).toBeNull();
  });

  it("keeps the permanent redirect on a 304 at the end of the chain", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/old") res.writeHead(301, { location: "/new" }).end();
      else res.writeHead(304).end();
    });
    const result = await fetchFeed(`${server.origin}/old`, { allowPrivate: true, etag: '"x"' });
    expect(result).toMatchObject({ status: "not-modified", permanentRedirectTo: `${server.origin}/new` });
  });

  it("follows exactly maxRedirects hops and refuses one more", async () => {
    const server = await redirectServer();
    const five = await fetchFeed(`${server.origin}/hop/302/302/302/302/302`, { allowPrivate: true });
    expect(five.status).toBe("ok");

    const error = await fetchError(`${server.origin}/hop/302/302/302/302/302/302`, { allowPrivate: true });
    expect(error.code).toBe("too_many_redirects");
    expect(await fetchError(`${server.origin}/hop/302/302`, { allowPrivate: true, maxRedirects: 1 })).toMatchObject({
      code: "too_many_redirects",
    });
  });

  it("stops an endless redirect loop", async () => {
    const server = await startServer((_req, res) => res.writeHead(307, { location: "/loop" }).end());
    const error = await fetchError(`${server.origin}/loop`, { allowPrivate: true });
    expect(error.code).toBe("too_many_redirects");
    expect(server.requests).toHaveLength(6);
  });

  it("refuses a redirect to a non-http scheme", async () => {
    const server = await startServer((_req, res) => res.writeHead(302, { location: "file:///etc/passwd" }).end());
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "invalid_url" });
  });

  it("treats a redirect without Location as an HTTP error", async () => {
    const server = await startServer((_req, res) => res.writeHead(302).end());
    expect(await fetchError(server.origin, { allowPrivate: true })).toMatchObject({ code: "http_status", status: 302 });
  });

  describe("from an allowed host to a blocked one", () => {
    const targets = [
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://10.0.0.1/",
      "http://[::1]:PORT/",
      "http://[::ffff:127.0.0.2]:PORT/",
      "http://127.0.0.2:PORT/",
      "http://0x7f.0.0.2:PORT/",
      "http://2130706434:PORT/",
      "http://localhost:PORT/",
      "http://localhost.:PORT/",
      "http://100.100.100.200/latest/meta-data/",
    ];

    it.each(targets)("refuses %s on the redirect hop", async (target) => {
      const server = await startServer((_req, res, self) =>
        res.writeHead(302, { location: target.replace("PORT", String(self.port)) }).end(),
      );
      const error = await fetchError(`${server.origin}/feed.xml`, { allowPrivate: false, addressPolicy: loopbackIsPublic });
      expect(error.code).toBe("blocked_address");
      expect(server.requests).toHaveLength(1);
    });

    it("refuses a redirect to a name that resolves to a private address, at connect time", async () => {
      const resolved: string[] = [];
      const server = await startServer((_req, res, self) =>
        res.writeHead(301, { location: `http://intranet.example:${self.port}/` }).end(),
      );
      const error = await fetchError(`${server.origin}/`, {
        allowPrivate: false,
        addressPolicy: loopbackIsPublic,
        lookup: async (hostname) => {
          resolved.push(hostname);
          return ["10.0.0.1"];
        },
      });
      expect(error.code).toBe("blocked_address");
      expect(error.message).toContain("10.0.0.1");
      expect(resolved).toEqual(["intranet.example"]);
    });
  });
});
