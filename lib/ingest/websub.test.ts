import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// Before anything opens the database: every lib/db call in this file goes to its own SQLite file.
const DATABASE_URL = vi.hoisted(() => {
  const url = `file:./tests/.tmp/websub-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = url;
  return url;
});

import { applyMigrations } from "../boot/migrate";
import { disconnectDb, getDb } from "../db/client";
import { insertSource } from "../db/sources";
import { findSourceById, type SourceForFetch } from "../db/source-checks";
import { findWebSubSubscription } from "../db/websub";
import { FeedFetchError } from "../domain/errors";
import { registerRuntime, type Runtime } from "../runtime";
import { postForm } from "./fetch";
import type { RefreshResult } from "./refresh-source";
import { ingestFeedBody } from "./refresh-source";
import { canReceiveCallbacks, createWebSubManager, DEFAULT_LEASE_SECONDS, signatureMatches, type WebSubManager } from "./websub";
import { GET, POST } from "../../app/api/websub/[id]/route";

const PUBLIC_URL = "https://news.example.com";
const T0 = new Date("2026-01-10T12:00:00Z");
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------------
// Fixtures: a hub on loopback, a clock, a log that can be read back, sources in the database

type Hub = { url: string; requests: { form: URLSearchParams; contentType: string | undefined }[]; status: number; close(): Promise<void> };
const hubs: Hub[] = [];

async function startHub(status = 202): Promise<Hub> {
  const server = http.createServer();
  const hub: Hub = {
    url: "",
    requests: [],
    status,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      hub.requests.push({ form: new URLSearchParams(Buffer.concat(chunks).toString()), contentType: req.headers["content-type"] });
      res.writeHead(hub.status, { "content-type": "text/plain" }).end(hub.status >= 400 ? "hub is unwell" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  hubs.push(hub);
  return hub;
}

type Harness = { manager: WebSubManager; clock: { now: Date }; logs: Record<string, unknown>[] };

function createHarness(overrides: { publicUrl?: string; allowPrivate?: boolean } = {}): Harness {
  const clock = { now: T0 };
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const manager = createWebSubManager({
    publicUrl: overrides.publicUrl ?? PUBLIC_URL,
    allowPrivate: overrides.allowPrivate ?? true,
    logger,
    now: () => clock.now,
  });
  managers.push(manager);
  return { manager, clock, logs };
}
const managers: WebSubManager[] = [];

let sourceCounter = 0;
async function createSource(): Promise<SourceForFetch> {
  sourceCounter += 1;
  const created = await insertSource({
    slug: `source-${sourceCounter}`,
    name: `Source ${sourceCounter}`,
    feedUrl: `https://publisher-${sourceCounter}.example/feed.xml`,
    category: "general",
    pollIntervalSeconds: 300,
  });
  return snapshot(created.id);
}

/** The source as the scheduler would hand it to onChecked: read before the check. */
async function snapshot(id: number): Promise<SourceForFetch> {
  const source = await findSourceById(id);
  if (!source) throw new Error(`no source ${id}`);
  return source;
}

const updated = (hubUrl: string | null, selfUrl: string | null = null): RefreshResult => ({ status: "updated", inserted: [], updated: 0, hubUrl, selfUrl, bodyToStoredMs: 1 });
const notModified: RefreshResult = { status: "not-modified" };

async function check(harness: Harness, source: SourceForFetch, result: RefreshResult): Promise<void> {
  harness.manager.onChecked(source, result);
  await harness.manager.idle();
}

/** What the hub would send to the callback to verify the subscription it was last asked for. */
function verificationParams(hub: Hub, extra: Record<string, string>): { sourceId: number; params: URLSearchParams } {
  const last = hub.requests.at(-1);
  if (!last) throw new Error("the hub was never asked");
  const callback = new URL(last.form.get("hub.callback") ?? "");
  const params = new URLSearchParams(callback.search);
  params.set("hub.topic", last.form.get("hub.topic") ?? "");
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return { sourceId: Number(callback.pathname.split("/").at(-1)), params };
}

/** Subscribes `source` through `hub` and has the hub confirm with `leaseSeconds`. */
async function subscribe(harness: Harness, source: SourceForFetch, hub: Hub, leaseSeconds = DEFAULT_LEASE_SECONDS): Promise<string> {
  await check(harness, source, updated(hub.url));
  const { params } = verificationParams(hub, { "hub.mode": "subscribe", "hub.challenge": "c", "hub.lease_seconds": String(leaseSeconds) });
  expect((await harness.manager.verify(source.id, params)).status).toBe(200);
  return hub.requests.at(-1)?.form.get("hub.secret") ?? "";
}

const sign = (algorithm: string, secret: string, body: Buffer) => `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;

beforeAll(async () => {
  fs.mkdirSync(path.join(process.cwd(), "tests", ".tmp"), { recursive: true });
  await applyMigrations(DATABASE_URL);
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
  registerRuntime(undefined);
});

afterAll(async () => {
  await disconnectDb();
  const file = path.join(process.cwd(), DATABASE_URL.slice("file:".length));
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${file}${suffix}`, { force: true });
});

// ---------------------------------------------------------------------------------------------------------

describe("WebSub: subscribing", () => {
  it("asks the advertised hub with the WebSub form and stores hub, topic and secret (lease pending)", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    await check(harness, source, updated(hub.url, "https://publisher.example/self.xml"));

    expect(hub.requests).toHaveLength(1);
    const { form, contentType } = hub.requests[0];
    expect(contentType).toBe("application/x-www-form-urlencoded");
    expect(form.get("hub.mode")).toBe("subscribe");
    expect(form.get("hub.topic")).toBe("https://publisher.example/self.xml");
    expect(form.get("hub.callback")).toMatch(new RegExp(`^${PUBLIC_URL}/api/websub/${source.id}\\?token=[0-9a-f]{32}$`));
    expect(form.get("hub.secret")).toMatch(/^[0-9a-f]{64}$/);
    expect(form.get("hub.lease_seconds")).toBe(String(10 * 24 * 60 * 60));

    expect(await findWebSubSubscription(source.id)).toMatchObject({
      hub: hub.url,
      topic: "https://publisher.example/self.xml",
      secret: form.get("hub.secret"),
      leaseUntil: null,
    });
    expect(harness.logs.some((line) => line.msg === "WebSub subscription requested" && line.sourceId === source.id && line.url === source.feedUrl)).toBe(true);
  });

  it("uses the feed URL as the topic when the feed states no self link, and a fresh secret per source", async () => {
    const harness = createHarness();
    const hub = await startHub(204);
    const first = await createSource();
    const second = await createSource();
    await check(harness, first, updated(hub.url));
    await check(harness, second, updated(hub.url));
    expect(hub.requests.map((request) => request.form.get("hub.topic"))).toEqual([first.feedUrl, second.feedUrl]);
    expect(hub.requests[0].form.get("hub.secret")).not.toBe(hub.requests[1].form.get("hub.secret"));
  });

  it("does nothing for feeds without a hub, failed checks, or when hubs could not reach PUBLIC_URL", async () => {
    const hub = await startHub();
    const source = await createSource();
    const harness = createHarness();
    await check(harness, source, updated(null, "https://publisher.example/self.xml"));
    await check(harness, source, { status: "failed", error: "boom", code: "network" });
    await check(harness, source, notModified);

    const offline = createHarness({ publicUrl: "http://localhost:3000", allowPrivate: false });
    expect(offline.manager.enabled).toBe(false);
    await check(offline, source, updated(hub.url));
    expect(hub.requests).toHaveLength(0);
    expect((await findWebSubSubscription(source.id))?.topic).toBeNull();

    expect(canReceiveCallbacks("https://news.example.com", false)).toBe(true);
    expect(canReceiveCallbacks("http://192.168.1.5:3000", false)).toBe(false);
    expect(canReceiveCallbacks("http://127.0.0.1:3000", true)).toBe(true);
  });

  it("never throws when the hub fails, logs it with sourceId and url, and backs off", async () => {
    const harness = createHarness();
    const hub = await startHub(500);
    const source = await createSource();
    await check(harness, source, updated(hub.url));
    expect(hub.requests).toHaveLength(1);
    const warning = harness.logs.find((line) => line.msg === "WebSub hub refused the subscription");
    expect(warning).toMatchObject({ sourceId: source.id, url: source.feedUrl, hub: hub.url, status: 500 });

    const again = async () => check(harness, await snapshot(source.id), updated(hub.url));
    await again();
    expect(hub.requests).toHaveLength(1); // within 10 minutes: not asked again
    harness.clock.now = new Date(T0.getTime() + 11 * 60 * 1000);
    await again();
    expect(hub.requests).toHaveLength(2);
    harness.clock.now = new Date(T0.getTime() + 22 * 60 * 1000);
    await again();
    expect(hub.requests).toHaveLength(2); // the second failure doubled the wait to 20 minutes
    harness.clock.now = new Date(T0.getTime() + 32 * 60 * 1000);
    await again();
    expect(hub.requests).toHaveLength(3);

    // A hub that does not answer at all: logged, not thrown.
    const gone = await startHub();
    const goneUrl = gone.url;
    await gone.close();
    const other = await createSource();
    await check(harness, other, updated(goneUrl));
    expect(harness.logs.find((line) => line.msg === "WebSub subscription request failed")).toMatchObject({ sourceId: other.id, url: other.feedUrl, code: "network" });
  });

  it("renews only when the lease ends within a day, keeping the secret; a 304 renews too", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    const secret = await subscribe(harness, source, hub, 10 * 24 * 60 * 60);
    expect(hub.requests).toHaveLength(1);

    harness.clock.now = new Date(T0.getTime() + 8 * DAY);
    await check(harness, await snapshot(source.id), updated(hub.url));
    expect(hub.requests).toHaveLength(1); // two days left: nothing to do

    harness.clock.now = new Date(T0.getTime() + 9 * DAY + 12 * HOUR);
    await check(harness, await snapshot(source.id), updated(hub.url));
    expect(hub.requests).toHaveLength(2);
    expect(hub.requests[1].form.get("hub.secret")).toBe(secret);
    const stored = await findWebSubSubscription(source.id);
    expect(stored?.leaseUntil?.getTime()).toBe(T0.getTime() + 10 * DAY); // the old lease holds until confirmed

    // The hub confirms; ten days later a 304 (nothing new to parse) still renews from the stored hub and topic.
    const { params } = verificationParams(hub, { "hub.mode": "subscribe", "hub.challenge": "r", "hub.lease_seconds": "864000" });
    expect(await harness.manager.verify(source.id, params)).toEqual({ status: 200, body: "r" });
    harness.clock.now = new Date(T0.getTime() + 19 * DAY + 6 * HOUR);
    await check(harness, await snapshot(source.id), notModified);
    expect(hub.requests).toHaveLength(3);
    expect(hub.requests[2].form.get("hub.topic")).toBe(source.feedUrl);
  });

  it("subscribes afresh, with a new secret, when the feed moves to another hub", async () => {
    const harness = createHarness();
    const oldHub = await startHub();
    const newHub = await startHub();
    const source = await createSource();
    const oldSecret = await subscribe(harness, source, oldHub);

    await check(harness, await snapshot(source.id), updated(newHub.url));
    expect(newHub.requests).toHaveLength(1);
    const newSecret = newHub.requests[0].form.get("hub.secret");
    expect(newSecret).not.toBe(oldSecret);
    expect(await findWebSubSubscription(source.id)).toMatchObject({ hub: newHub.url, secret: newSecret, leaseUntil: null });
  });
});

describe("WebSub: verification of intent", () => {
  it("echoes the challenge and stores the lease the hub granted", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    await check(harness, source, updated(hub.url));
    const { sourceId, params } = verificationParams(hub, { "hub.mode": "subscribe", "hub.challenge": "abc123", "hub.lease_seconds": "3600" });
    expect(sourceId).toBe(source.id);
    expect(await harness.manager.verify(source.id, params)).toEqual({ status: 200, body: "abc123" });
    expect((await findWebSubSubscription(source.id))?.leaseUntil?.getTime()).toBe(T0.getTime() + HOUR);
  });

  it("answers 404 for a wrong topic, a wrong token, no challenge, unsubscribe, or no subscription", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    await check(harness, source, updated(hub.url));
    const base = { "hub.mode": "subscribe", "hub.challenge": "x", "hub.lease_seconds": "3600" };
    const cases: Record<string, string>[] = [
      { ...base, "hub.topic": "https://elsewhere.example/feed.xml" },
      { ...base, token: "0".repeat(32) },
      { "hub.mode": "subscribe", "hub.lease_seconds": "3600" },
      { ...base, "hub.mode": "unsubscribe" },
    ];
    for (const extra of cases) {
      const { params } = verificationParams(hub, extra);
      if (!("hub.challenge" in extra)) params.delete("hub.challenge");
      expect(await harness.manager.verify(source.id, params), JSON.stringify(extra)).toEqual({ status: 404, body: "" });
    }
    const { params } = verificationParams(hub, base);
    expect((await harness.manager.verify(999_999, params)).status).toBe(404);
    const unsubscribed = await createSource();
    expect((await harness.manager.verify(unsubscribed.id, params)).status).toBe(404);
    expect((await findWebSubSubscription(source.id))?.leaseUntil).toBeNull();
  });

  it("forgets the subscription when the hub denies it (for our topic and token only)", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    const secret = await subscribe(harness, source, hub);

    const wrongTopic = verificationParams(hub, { "hub.mode": "denied", "hub.topic": "https://elsewhere.example/" });
    expect((await harness.manager.verify(source.id, wrongTopic.params)).status).toBe(404);
    // The topic is a public feed URL: without the callback's token, a stranger's "denied" changes nothing.
    const forged = verificationParams(hub, { "hub.mode": "denied" });
    forged.params.delete("token");
    expect((await harness.manager.verify(source.id, forged.params)).status).toBe(404);
    forged.params.set("token", "0".repeat(32));
    expect((await harness.manager.verify(source.id, forged.params)).status).toBe(404);
    expect(await findWebSubSubscription(source.id)).toMatchObject({ hub: hub.url, secret });
    const { params } = verificationParams(hub, { "hub.mode": "denied", "hub.reason": "not allowed" });
    expect(await harness.manager.verify(source.id, params)).toEqual({ status: 200, body: "" });
    expect(await findWebSubSubscription(source.id)).toMatchObject({ hub: hub.url, topic: null, secret: null, leaseUntil: null });
    expect(await harness.manager.verifyPush(source.id, Buffer.from("<rss/>"), "sha256=00")).toBe("unknown-source");
  });
});

describe("WebSub: pushes", () => {
  it("accepts a body signed with the stored secret (sha1/256/384/512) and refuses anything else", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    const secret = await subscribe(harness, source, hub);
    const body = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>');

    for (const algorithm of ["sha1", "sha256", "sha384", "sha512"]) {
      expect(await harness.manager.verifyPush(source.id, body, sign(algorithm, secret, body))).toBe("ok");
    }
    expect(await harness.manager.verifyPush(source.id, body, sign("sha256", secret, body).toUpperCase().replace("SHA256", "sha256"))).toBe("ok");
    expect(await harness.manager.verifyPush(source.id, body, null)).toBe("bad-signature");
    expect(await harness.manager.verifyPush(source.id, body, sign("sha256", "another secret", body))).toBe("bad-signature");
    expect(await harness.manager.verifyPush(source.id, Buffer.concat([body, Buffer.from(" ")]), sign("sha256", secret, body))).toBe("bad-signature");
    expect(await harness.manager.verifyPush(source.id, body, sign("sha256", secret, body).slice(0, -2))).toBe("bad-signature");
    expect(await harness.manager.verifyPush(source.id, body, sign("md5", secret, body))).toBe("bad-signature");
    expect(await harness.manager.verifyPush(source.id, body, "garbage")).toBe("bad-signature");

    const unsubscribed = await createSource();
    expect(await harness.manager.verifyPush(unsubscribed.id, body, sign("sha256", secret, body))).toBe("unknown-source");
    expect(await harness.manager.verifyPush(999_999, body, sign("sha256", secret, body))).toBe("unknown-source");
    expect(signatureMatches(secret, body, "")).toBe(false);
  });
});

describe("WebSub: the callback route", () => {
  const FEED = (guid: string) =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Pushed</title><link>https://publisher.example/</link>` +
    `<item><guid>${guid}</guid><title>Breaking ${guid}</title><link>https://publisher.example/${guid}</link><description>Story</description></item>` +
    `</channel></rss>`;
  const context = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
  const callbackRequest = (id: number, init: RequestInit & { query?: string } = {}) =>
    new Request(`${PUBLIC_URL}/api/websub/${id}${init.query ?? ""}`, init);

  function registerPipeline(): ReturnType<typeof vi.fn> {
    // What server.ts does: run the ingest stages on the pushed body (and publish what is new).
    const ingestPushed = vi.fn(async (sourceId: number, document: { body: Buffer; contentType: string | null; url: string }) => {
      const { stored } = await ingestFeedBody(sourceId, document, new Date());
      return stored.inserted.length;
    });
    const scheduler = { wake: () => undefined, refreshNow: async () => true, idle: async () => undefined, close: async () => undefined };
    registerRuntime({ scheduler, ingestPushed } satisfies Runtime);
    return ingestPushed;
  }

  it("GET answers the hub's verification as text/plain", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    await check(harness, source, updated(hub.url));
    const { params } = verificationParams(hub, { "hub.mode": "subscribe", "hub.challenge": "route-challenge", "hub.lease_seconds": "86400" });

    const response = await GET(callbackRequest(source.id, { query: `?${params}` }), context(source.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("route-challenge");
    expect((await findWebSubSubscription(source.id))?.leaseUntil).not.toBeNull();

    params.set("hub.topic", "https://elsewhere.example/");
    expect((await GET(callbackRequest(source.id, { query: `?${params}` }), context(source.id))).status).toBe(404);
    expect((await GET(callbackRequest(source.id), context("abc"))).status).toBe(400);
  });

  it("POST ingests a signed push at once and ignores an unsigned one", async () => {
    const harness = createHarness();
    const hub = await startHub();
    const source = await createSource();
    const secret = await subscribe(harness, source, hub);
    const ingestPushed = registerPipeline();
    const body = Buffer.from(FEED("p1"));
    const post = (payload: Buffer, signature?: string) =>
      POST(
        callbackRequest(source.id, {
          method: "POST",
          body: new Uint8Array(payload),
          headers: { "content-type": "application/rss+xml", ...(signature ? { "x-hub-signature": signature } : {}) },
        }),
        context(source.id),
      );

    expect((await post(body, sign("sha256", secret, body))).status).toBe(202);
    expect(ingestPushed).toHaveBeenCalledTimes(1);
    expect(ingestPushed.mock.calls[0][1]).toMatchObject({ contentType: "application/rss+xml", url: source.feedUrl });
    expect(await ingestPushed.mock.results[0].value).toBe(1);
    expect(await getDb().article.count({ where: { sourceId: source.id } })).toBe(1);

    const forged = Buffer.from(FEED("forged"));
    expect((await post(forged)).status).toBe(202);
    expect((await post(forged, sign("sha256", "guess", forged))).status).toBe(202);
    expect(ingestPushed).toHaveBeenCalledTimes(1);
    expect(await getDb().article.count({ where: { sourceId: source.id } })).toBe(1);

    const notAFeed = Buffer.from("hello");
    expect((await post(notAFeed, sign("sha1", secret, notAFeed))).status).toBe(202); // acknowledged, not retried

    const unsubscribed = await createSource();
    const gone = await POST(callbackRequest(unsubscribed.id, { method: "POST", body: new Uint8Array(body), headers: { "x-hub-signature": sign("sha256", secret, body) } }), context(unsubscribed.id));
    expect(gone.status).toBe(410);

    const huge = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
    expect((await post(huge, sign("sha256", secret, huge))).status).toBe(413);

    registerRuntime(undefined);
    expect((await post(body, sign("sha256", secret, body))).status).toBe(503);
  });
});

describe("postForm", () => {
  it("keeps fetchFeed's address policy: loopback is refused unless private addresses are allowed", async () => {
    const hub = await startHub(204);
    const error = await postForm(hub.url, new URLSearchParams({ a: "1" }), { allowPrivate: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedFetchError);
    expect((error as FeedFetchError).code).toBe("blocked_address");
    expect(hub.requests).toHaveLength(0);
    const ok = await postForm(hub.url, new URLSearchParams({ a: "1" }), { allowPrivate: true });
    expect(ok.status).toBe(204);
    expect(hub.requests[0].form.get("a")).toBe("1");
  });
});
