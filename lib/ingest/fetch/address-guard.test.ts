import { describe, expect, it, vi } from "vitest";
import { fetchFeed, assertFetchableUrl, startServer, fetchError, sendFeed } from "./test-kit";

describe("fetchFeed: address policy at connect time", () => {
  it("refuses loopback without allowPrivate, before any connection", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(server.origin, { allowPrivate: false });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it.each([
    "http://2130706433:PORT/",
    "http://0177.0.0.1:PORT/",
    "http://0x7f.0.0.1:PORT/",
    "http://127.1:PORT/",
    "http://127.0.0.1.:PORT/",
    "http://[::1]:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[::ffff:7f00:1]:PORT/",
    "http://localhost:PORT/",
    "http://LOCALHOST.:PORT/",
    "http://feeds.localhost:PORT/",
    "http://0.0.0.0:PORT/",
    "http://0:PORT/",
  ])("refuses the loopback spelling %s", async (spelling) => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(spelling.replace("PORT", String(server.port)), { allowPrivate: false });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("refuses a name that resolves to loopback", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const error = await fetchError(`http://feeds.example:${server.port}/`, {
      allowPrivate: false,
      lookup: async () => ["127.0.0.1"],
    });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("refuses a name when any of its addresses is private", async () => {
    const error = await fetchError("http://mixed.example/", {
      allowPrivate: false,
      lookup: async () => ["93.184.216.34", "192.168.0.10"],
    });
    expect(error.code).toBe("blocked_address");
  });

  it("connects to the address the guarded lookup returned", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const result = await fetchFeed(`http://feeds.example:${server.port}/rss`, {
      allowPrivate: true,
      lookup: async (hostname) => (hostname === "feeds.example" ? ["127.0.0.1"] : []),
    });
    expect(result.status).toBe("ok");
    expect(server.requests[0].headers.host).toBe(`feeds.example:${server.port}`);
  });

  it("defeats DNS rebinding: a public answer at check time does not carry over to the connection", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const answers = [["93.184.216.34"], ["127.0.0.1"]];
    const lookup = async () => answers.shift() ?? ["127.0.0.1"];
    const url = `http://rebind.example:${server.port}/`;

    await expect(assertFetchableUrl(url, false, { lookup })).resolves.toBeUndefined();
    const error = await fetchError(url, { allowPrivate: false, lookup });
    expect(error.code).toBe("blocked_address");
    expect(server.connections()).toBe(0);
  });

  it("still refuses cloud metadata with allowPrivate", async () => {
    const error = await fetchError("http://169.254.169.254/latest/meta-data/", { allowPrivate: true });
    expect(error.code).toBe("blocked_address");
    const viaDns = await fetchError("http://metadata.example/", { allowPrivate: true, lookup: async () => ["169.254.169.254"] });
    expect(viaDns.code).toBe("blocked_address");
  });
});

describe("assertFetchableUrl", () => {
  it("accepts a public host", async () => {
    await expect(assertFetchableUrl("https://news.example/feed", false, { lookup: async () => ["93.184.216.34"] })).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://8.8.8.8/feed", false)).resolves.toBeUndefined();
  });

  it.each(["http://127.0.0.1/", "http://[::1]/", "http://2130706433/", "http://localhost/", "http://169.254.169.254/"])(
    "refuses %s",
    async (url) => {
      await expect(assertFetchableUrl(url, false)).rejects.toMatchObject({ code: "blocked_address" });
    },
  );

  it("refuses a name resolving to a private address", async () => {
    await expect(assertFetchableUrl("http://intranet.example/", false, { lookup: async () => ["10.1.2.3"] })).rejects.toMatchObject({
      code: "blocked_address",
    });
  });

  it("gives up on a DNS lookup that hangs", async () => {
    vi.useFakeTimers();
    try {
      const pending = assertFetchableUrl("http://slow-dns.example/", false, { lookup: () => new Promise(() => undefined) });
      const assertion = expect(pending).rejects.toMatchObject({ code: "timeout" });
      await vi.advanceTimersByTimeAsync(5_000);
      await assertion;
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses non-http schemes", async () => {
    await expect(assertFetchableUrl("file:///etc/passwd", true)).rejects.toMatchObject({ code: "invalid_url" });
    await expect(assertFetchableUrl("nonsense", true)).rejects.toMatchObject({ code: "invalid_url" });
  });

  it("lets loopback through with allowPrivate, but never metadata", async () => {
    await expect(assertFetchableUrl("http://127.0.0.1:8080/feed", true)).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://localhost:8080/feed", true, { lookup: async () => ["127.0.0.1", "::1"] })).resolves.toBeUndefined();
    await expect(assertFetchableUrl("http://169.254.169.254/", true)).rejects.toMatchObject({ code: "blocked_address" });
  });
});

describe("fetchFeed: trusted origins (the server's own feeds)", () => {
  it("fetches exactly a trusted loopback origin without allowPrivate", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const result = await fetchFeed(`${server.origin}/demo/feed.xml`, { allowPrivate: false, trustedOrigins: new Set([server.origin]) });
    expect(result.status).toBe("ok");
  });

  it("refuses another port, another spelling of the host, and a redirect away from the trusted origin", async () => {
    const trusted = await startServer((_req, res) => sendFeed(res));
    const other = await startServer((_req, res) => sendFeed(res));
    const trustedOrigins = new Set([trusted.origin]);
    expect((await fetchError(`${other.origin}/feed.xml`, { allowPrivate: false, trustedOrigins })).code).toBe("blocked_address");
    expect((await fetchError(`http://localhost:${trusted.port}/feed.xml`, { allowPrivate: false, trustedOrigins })).code).toBe("blocked_address");
    expect((await fetchError(`https://127.0.0.1:${trusted.port}/feed.xml`, { allowPrivate: false, trustedOrigins })).code).toBe("blocked_address");
    expect(other.connections()).toBe(0);

    const redirecting = await startServer((_req, res) => res.writeHead(302, { location: `${other.origin}/feed.xml` }).end());
    const error = await fetchError(`${redirecting.origin}/feed.xml`, { allowPrivate: false, trustedOrigins: new Set([redirecting.origin]) });
    expect(error.code).toBe("blocked_address");
    expect(redirecting.requests).toHaveLength(1);
    expect(other.connections()).toBe(0);
  });

  it("counts an origin added after the first fetch (the demo registers its own once the port is known)", async () => {
    const server = await startServer((_req, res) => sendFeed(res));
    const trustedOrigins = new Set<string>();
    expect((await fetchError(`${server.origin}/feed.xml`, { allowPrivate: false, trustedOrigins })).code).toBe("blocked_address");
    trustedOrigins.add(server.origin);
    await expect(fetchFeed(`${server.origin}/feed.xml`, { allowPrivate: false, trustedOrigins })).resolves.toMatchObject({ status: "ok" });
  });
});
