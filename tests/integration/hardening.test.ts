// The server against strangers, from outside: the real server.ts (production build, its own SQLite database)
// driven over HTTP. TRUST_PROXY=127.0.0.1 lets the tests speak for several client addresses through
// X-Forwarded-For, as a reverse proxy on loopback would.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { computeCacheBustingSearchParam } from "next/dist/shared/lib/router/utils/cache-busting-search-param";
import { startFixtureFeedServer, type FixtureFeedServer } from "../helpers/fixture-feed-server";
import { NewswireExitedError, startNewswire, tempDatabaseUrl, type RunningServer } from "../helpers/newswire-server";
import { FixtureSource, NewswireClient, removeDatabase, startTestServer, type HttpResult } from "../helpers/newswire-client";
import { RSC_KEY_HEADERS } from "../../lib/http/page-cache";

let server: RunningServer;
let feeds: FixtureFeedServer;
let api: NewswireClient;
let source: FixtureSource;

beforeAll(async () => {
  [server, feeds] = await Promise.all([startTestServer({ env: { TRUST_PROXY: "127.0.0.1, ::1" } }), startFixtureFeedServer()]);
  api = new NewswireClient(server.url);
  source = await FixtureSource.create(api, feeds, { prefix: "hardening", items: [{ title: "Hardening story one" }] });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await feeds?.close();
});

function expectJsonError(response: HttpResult, status: number, code: string): { code: string; message: string } {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type") ?? "").toMatch(/application\/json/);
  const body = response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

/** Publishes one more story through the scheduler, which drops the page cache (as every publish does). */
async function publishSomething(label: string): Promise<void> {
  await source.publish({ title: `${label} ${Date.now()}` });
}

describe("page cache", () => {
  it("never stores what a Next-internal request header makes Next answer: the homepage stays a page", async () => {
    await publishSomething("Before the prefetch trick");
    // Right after a publish, the first request renders; this one asks Next for a middleware prefetch.
    const trick = await api.request("GET", "/", { headers: { "x-middleware-prefetch": "1", "x-nextjs-data": "1" } });
    expect(trick.status).toBe(200);
    const plain = await api.request("GET", "/");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/^text\/html/);
    expect(plain.text).toContain("<html");
    expect(plain.text).toContain("Hardening story one");
  });

  it("answers readers with cookies and tracking parameters from the cache", async () => {
    await publishSomething("Cookies and tracking");
    await api.request("GET", "/");
    for (const [query, cookie] of [
      ["?utm_source=newsletter&utm_medium=email", "_ga=GA1.2.345; AWSALB=sticky-1"],
      ["?fbclid=IwAR0abc", "theme=dark"],
      [`?gclid=${Date.now()}`, "lb=2"],
    ]) {
      const response = await api.request("GET", `/${query}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-page-cache"), query).toBe("hit");
    }
  });

  it("caches client-side navigations (RSC payloads) apart from pages, keyed by the headers Next varies them on", async () => {
    await publishSomething("Navigations");
    // What Chromium sends when a reader on /articles/x clicks a link to /about (recorded from a real navigation).
    const stateTree = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}, null, "refetch", 0] }, null, null, 16]));
    const rscHash = await computeCacheBustingSearchParam(undefined, undefined, stateTree, "/articles/x");
    const navigation = { rsc: "1", "next-router-state-tree": stateTree, "next-url": "/articles/x", cookie: "_ga=1" };
    const first = await api.request("GET", `/about?_rsc=${rscHash}&utm_source=x`, { headers: navigation });
    expect(first.status, first.text.slice(0, 300)).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/x-component/);
    // What Next varies an RSC payload on must all be in the key.
    const vary = (first.headers.get("vary") ?? "").split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== "accept-encoding" && name !== "");
    expect(vary.length).toBeGreaterThan(0);
    for (const name of vary) expect(RSC_KEY_HEADERS as readonly string[]).toContain(name);

    const second = await api.request("GET", `/about?_rsc=${rscHash}`, { headers: { ...navigation, cookie: "other=2" } });
    expect(second.headers.get("x-page-cache")).toBe("hit");
    expect(second.text).toBe(first.text);
    // The HTML page is another entry: it is not answered with the payload.
    const html = await api.request("GET", "/about");
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("answers a navigation with an unreadable router state with 400, not a 500", async () => {
    const response = await api.request("GET", "/about?_rsc=x", { headers: { rsc: "1", "next-router-state-tree": "not-a-tree" } });
    expectJsonError(response, 400, "invalid_router_state");
  });
});

describe("request ids", () => {
  it("gives every response a fresh id and never echoes one a client chose", async () => {
    const ids = new Set<string>();
    for (const path of ["/", "/api/articles", "/api/nope", "/search?q=x"]) {
      const response = await api.request("GET", path, { headers: { "x-request-id": "chosen-by-client" } });
      const id = response.headers.get("x-request-id") ?? "";
      expect(id, path).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(4);
  });
});

describe("security headers", () => {
  const pages = () => ["/", "/about", `/sources/${source.slug}`, "/search?q=hardening", "/admin", "/sources", "/categories/general"];

  it("send a strict Content-Security-Policy whose nonce is on every inline script, plus nosniff and a Referrer-Policy", async () => {
    for (const path of pages()) {
      const response = await api.request("GET", path);
      expect(response.status, path).toBe(200);
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy, path).toMatch(/object-src 'none'/);
      expect(policy, path).toMatch(/base-uri /);
      expect(policy, path).toMatch(/frame-ancestors 'none'/);
      expect(policy, path).not.toMatch(/unsafe-eval/);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce, path).toBeDefined();
      for (const [tag] of response.text.matchAll(/<script\b[^>]*>/g)) {
        if (/type="application\/ld\+json"/.test(tag)) continue; // data, not code
        // Next's scripts carry the nonce; the one fixed inline script (the theme) is allowed by its hash.
        if (!tag.includes(`nonce="${nonce}"`)) expect(tag, `${path}: ${tag}`).toBe("<script>");
      }
    }
  });

  it("adds Strict-Transport-Security, and secure websockets in the policy, when PUBLIC_URL is https", async () => {
    const databaseUrl = tempDatabaseUrl("https");
    const secure = await startNewswire({ env: { DATABASE_URL: databaseUrl, PUBLIC_URL: "https://news.example.com" } });
    try {
      const client = new NewswireClient(secure.url);
      for (const path of ["/", "/about", "/about"]) {
        const response = await client.request("GET", path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{8,}/);
        const policy = response.headers.get("content-security-policy") ?? "";
        expect(policy, path).toContain("connect-src 'self' wss://news.example.com");
        expect(policy, path).toContain("upgrade-insecure-requests");
        expect(policy, path).not.toMatch(/unsafe-eval/);
      }
    } finally {
      await secure.stop();
      removeDatabase(databaseUrl);
    }
  }, 120_000);

  it("serves a cached page with the policy it was rendered with", async () => {
    await api.request("GET", "/about");
    const cached = await api.request("GET", "/about");
    expect(cached.headers.get("x-page-cache")).toBe("hit");
    const nonce = /'nonce-([^']+)'/.exec(cached.headers.get("content-security-policy") ?? "")?.[1];
    expect(cached.text).toContain(`nonce="${nonce}"`);
  });
});

describe("admin guessing", () => {
  const asClient = (address: string, token: string) => ({ admin: `Bearer ${token}`, headers: { "x-forwarded-for": address } });

  it("answers repeated wrong tokens from one address with 429 and Retry-After, right token or not, and leaves other addresses alone", async () => {
    const attacker = "198.51.100.23";
    const statuses: number[] = [];
    let last: HttpResult | undefined;
    for (let i = 0; i < 12; i++) {
      last = await api.request("POST", "/api/sources/999999/refresh", asClient(attacker, `guess-${i}-000000000000000000`));
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expectJsonError(last!, 429, "too_many_attempts");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Blocked means blocked: the right token from that address is refused too (or guessing would go on).
    expectJsonError(await api.request("POST", "/api/sources/999999/refresh", { admin: true, headers: { "x-forwarded-for": attacker } }), 429, "too_many_attempts");
    // Another reader behind the same proxy is not.
    expectJsonError(await api.request("POST", "/api/sources/999999/refresh", { admin: true, headers: { "x-forwarded-for": "198.51.100.24" } }), 404, "not_found");
  });

  it("counts wrong tokens on the /admin sign-in form too, per address", async () => {
    // The form as a browser without JavaScript posts it: multipart, with the action's id in a hidden field.
    const actionField = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec((await api.request("GET", "/admin")).text)?.[1];
    expect(actionField).toBeDefined();
    const signIn = async (address: string, token: string) => {
      const form = new FormData();
      form.set(actionField!, "");
      form.set("token", token);
      const response = await fetch(`${server.url}/admin`, { method: "POST", body: form, redirect: "manual", headers: { origin: server.url, "x-forwarded-for": address } });
      return response.headers.get("location") ?? `(status ${response.status})`;
    };
    const outcomes: string[] = [];
    for (let i = 0; i < 11; i++) outcomes.push(await signIn("198.51.100.41", `wrong-token-number-${i}-of-eleven`));
    expect(outcomes.slice(0, 10).every((location) => location.endsWith("/admin?error=wrong_token"))).toBe(true);
    expect(outcomes[10]).toMatch(/\/admin\?error=too_many_attempts&retry=\d+$/);
    expect(await signIn("198.51.100.42", "wrong-token-from-elsewhere-000")).toMatch(/error=wrong_token$/);
  });

  it("answers a server action posted from another origin with 403, not 500", async () => {
    const response = await api.request("POST", "/admin", {
      body: "1_token=x",
      headers: { "content-type": "multipart/form-data; boundary=x", origin: "https://evil.example", "next-action": "0000000000000000000000000000000000000000" },
    });
    expectJsonError(response, 403, "foreign_origin");
  });

  it("shows only its own notices: /admin?error=<any text> puts no text on the page", async () => {
    const spoof = "Your account is suspended. Call +1 555 0100 now.";
    const page = await api.request("GET", `/admin?error=${encodeURIComponent(spoof)}&notice=${encodeURIComponent(spoof)}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("Call +1 555 0100");
    expect(page.text).not.toContain('data-testid="admin-flash"');
    const known = await api.request("GET", "/admin?error=wrong_token");
    expect(known.text).toContain("That token is not right.");
  });
});

describe("bodies and slow clients", () => {
  it("refuses a body over its route's cap with 413 from the declared length, before reading it", async () => {
    const response = await rawRequest(server.port, "POST", "/api/sources", { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) }, null);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it.each([
    ["POST", "/api/sources", 16 * 1024],
    ["POST", "/api/opml", 2 * 1024 * 1024],
    ["POST", "/api/websub/1", 2 * 1024 * 1024],
    ["POST", "/admin", 2 * 1024 * 1024 + 64 * 1024],
    ["POST", "/api/sources/1/refresh", 1024],
    ["DELETE", "/api/sources/1", 1024],
    ["POST", "/about", 1024],
  ])("caps %s %s at %i bytes: one byte more is 413", async (method, path, cap) => {
    const over = await rawRequest(server.port, method, path, { "content-type": "application/octet-stream", "content-length": String(cap + 1) }, null);
    expect(over.status, path).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: "payload_too_large", message: expect.stringContaining(String(cap)) } });
  });

  it("reads a body of exactly its route's cap", async () => {
    const padding = 16 * 1024 - JSON.stringify({ url: "not a url", pad: "" }).length;
    const body = JSON.stringify({ url: "not a url", pad: "p".repeat(padding) });
    expect(Buffer.byteLength(body)).toBe(16 * 1024);
    expectJsonError(await api.request("POST", "/api/sources", { admin: true, body }), 400, "invalid_body");
  });

  it("refuses a body without a length as soon as it passes the cap", async () => {
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x20));
    const response = await rawRequest(server.port, "POST", "/api/opml", { "content-type": "text/xml", "transfer-encoding": "chunked", authorization: "Bearer test-admin-token-0123456789" }, chunks);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers a WebSub push for a source with no subscription before reading its body", async () => {
    // Sends 1 MiB of a declared 2 MiB and stalls: the 410 must come without the rest.
    const response = await rawRequest(server.port, "POST", `/api/websub/${source.id}`, { "content-type": "application/rss+xml", "content-length": String(2 * 1024 * 1024) }, [Buffer.alloc(1024 * 1024, 0x20)], { stall: true });
    expect(response.status).toBe(410);
  });

  it("answers a request target over 8 KiB with 414", async () => {
    expectJsonError(await api.request("GET", `/?q=${"a".repeat(9000)}`), 414, "uri_too_long");
  });

  it("refuses request headers over 16 KiB with 431, and takes them just under it", async () => {
    expect((await rawRequest(server.port, "GET", "/about", { "x-padding": "a".repeat(17 * 1024) }, null)).status).toBe(431);
    expect((await api.request("GET", "/about", { headers: { "x-padding": "a".repeat(15 * 1024) } })).status).toBe(200);
  });

  it("cuts off a client that never finishes its headers", async () => {
    const closedAfter = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "));
      let answer = "";
      socket.on("data", (chunk) => (answer += chunk));
      socket.on("close", () => resolve(answer));
      socket.on("error", reject);
      setTimeout(() => reject(new Error("the server kept a stalled request open for 20 s")), 20_000).unref();
    });
    expect(closedAfter).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});

describe("search", () => {
  it("bounds the query wherever the page echoes it", async () => {
    // About 7 KB: as long as a request target may be (8 KiB), far longer than a title should be.
    const q = "quokka".repeat(1150);
    const response = await api.request("GET", `/search?q=${q}`);
    expect(response.status).toBe(200);
    const title = /<title>([^<]*)<\/title>/.exec(response.text)?.[1] ?? "";
    expect(title.length).toBeLessThan(100);
    expect(title).toMatch(/^Search: quokka/);
    // Heading, search box, links: at most the 200 characters searched for. (Next's own router data in the
    // inline scripts carries the URL, which the 8 KiB request-target cap bounds.)
    const visible = response.text.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
    expect(visible).toContain("quokka".repeat(33));
    expect(visible).not.toContain("quokka".repeat(34));
  });
});

describe("failures in handlers", () => {
  it("logs every 500 once, with the request id it answered with", async () => {
    const databaseUrl = tempDatabaseUrl("broken");
    // LOG_LEVEL unset, as an operator runs it: Next's bundled copy of the logger once stayed silent then.
    const broken = await startNewswire({ env: { DATABASE_URL: databaseUrl, LOG_LEVEL: undefined } });
    try {
      const client = new NewswireClient(broken.url);
      // The articles table disappears under the running server: the API route and the page both fail.
      const db = new Database(databaseUrl.replace(/^file:/, ""));
      db.exec('DROP TABLE "Article"');
      db.close();
      const apiFailure = await client.request("GET", "/api/articles");
      const pageFailure = await client.request("GET", "/");
      for (const failure of [apiFailure, pageFailure]) {
        expect(failure.status).toBe(500);
        const requestId = failure.headers.get("x-request-id")!;
        const lines = broken.output().split("\n").filter((line) => line.includes(requestId));
        expect(lines, broken.output().slice(-2000)).toHaveLength(1);
        expect(JSON.parse(lines[0])).toMatchObject({ level: 50, requestId });
      }
      expectJsonError(apiFailure, 500, "internal");
    } finally {
      await broken.stop();
      removeDatabase(databaseUrl);
    }
    // A server of its own: starting one on a loaded machine takes a while.
  }, 120_000);
});

describe("refused at start", () => {
  it.each([
    ["DATABASE_URL", "file:/proc/kmsg", /Invalid environment variable DATABASE_URL: .*\/proc\/kmsg/],
    ["ADMIN_TOKEN", "short-but-nineteen!", /Invalid environment variable ADMIN_TOKEN: must be at least 24 characters/],
    ["TRUST_PROXY", "proxy.internal", /Invalid environment variable TRUST_PROXY: "proxy.internal" is not an IP address/],
  ])("%s=%s stops the start with one line naming the variable", async (variable, value, message) => {
    const failed = await startNewswire({ env: { [variable]: value }, timeoutMs: 60_000 }).then(
      async (running) => {
        await running.stop();
        return "started";
      },
      (error: Error) => error.message,
    );
    expect(failed).toMatch(message);
    if (variable === "ADMIN_TOKEN") expect(failed).not.toContain(value);
  });

  it.each([
    ["a port another process holds", () => ({ PORT: String(server.port), HOST: "127.0.0.1" }), /^newswire failed to start: cannot listen on HOST=127\.0\.0\.1 PORT=\d+: the port is in use/m],
    ["an address this machine does not have", () => ({ HOST: "203.0.113.250" }), /^newswire failed to start: cannot listen on HOST=203\.0\.113\.250 PORT=\d+: /m],
    ["a host name that does not resolve", () => ({ HOST: "no-such-host.invalid" }), /^newswire failed to start: cannot listen on HOST=no-such-host\.invalid PORT=\d+: /m],
  ])("%s stops the start with one line naming PORT and HOST", async (_case, env, message) => {
    const databaseUrl = tempDatabaseUrl("listen");
    const failed = await startNewswire({ env: { ...env(), DATABASE_URL: databaseUrl }, timeoutMs: 60_000 })
      .then(
        async (running) => {
          await running.stop();
          return null;
        },
        (error: unknown) => error,
      )
      .finally(() => removeDatabase(databaseUrl));
    expect(failed).toBeInstanceOf(NewswireExitedError);
    const { stderr } = failed as NewswireExitedError;
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

/** A request written by hand: a declared length without the body, chunks without a length, or a stall. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: Buffer[] | null,
  options: { stall?: boolean } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on("error", (error) => (error.message.includes("socket hang up") || (error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error)));
    if (chunks === null) req.flushHeaders();
    else for (const chunk of chunks) req.write(chunk);
    if (!options.stall && chunks !== null) req.end();
  });
}
