// WebSub (W3C, formerly PubSubHubbub) subscriber. When a polled feed advertises a hub, ask the hub to push
// updates to /api/websub/<sourceId>; the hub confirms by GETting that callback with a challenge, then POSTs
// each new version of the feed, signed with the secret we gave it. Polling carries on regardless (at its
// adaptive pace), so a hub that never calls back costs nothing but a request now and then.
//
// State lives in the Source row (lib/db/websub.ts), not in memory: the callback is answered by a Next route
// handler, which does not share module instances with server.ts (docs/decisions/0002). Hence the exported
// functions below take everything they need; createWebSubManager only adds the polling-side upkeep.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { SourceForFetch } from "../db/source-checks";
import {
  clearWebSubSubscription,
  confirmWebSubLease,
  findWebSubSubscription,
  saveWebSubRequest,
  type WebSubSubscription,
} from "../db/websub";
import { hostnameToIpLiteral, isBlockedAddress, isReservedHostname } from "./fetch/address-policy";
import { postForm } from "./fetch";
import type { RefreshResult } from "./refresh-source";

/** What we ask hubs for; they may grant less (or more), and say so in the verification. */
export const DEFAULT_LEASE_SECONDS = 10 * 24 * 60 * 60;
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
const MAX_LEASE_SECONDS = 366 * 24 * 60 * 60;
const MIN_LEASE_SECONDS = 60;
/** First wait after a subscription attempt that was not (yet) confirmed; doubles per further attempt. */
const RETRY_AFTER_MS = 10 * 60 * 1000;
const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;
const SUBSCRIBE_TIMEOUT_MS = 15_000;
const SIGNATURE = /^\s*(sha1|sha256|sha384|sha512)=([0-9a-f]+)\s*$/i;

export type WebSubManagerOptions = {
  /** PUBLIC_URL: hubs call back `<publicUrl>/api/websub/<sourceId>`. */
  publicUrl: string;
  /** FEED_ALLOW_PRIVATE: hubs on private addresses may be asked, and a private PUBLIC_URL is accepted. */
  allowPrivate: boolean;
  logger: Logger;
  leaseSeconds?: number;
  now?: () => Date;
};

export type VerificationAnswer = { status: number; body: string };
export type PushOutcome = "ok" | "unknown-source" | "bad-signature";
/** A push's verdict; when ok, `topic` is the URL to resolve the pushed document's relative links against. */
export type PushCheck = { outcome: "ok"; topic: string } | { outcome: "unknown-source" } | { outcome: "bad-signature" };

export type WebSubManager = {
  /** False when hubs could not reach PUBLIC_URL (loopback/private without FEED_ALLOW_PRIVATE): no requests are sent. */
  readonly enabled: boolean;
  /** The scheduler's onChecked hook: subscribes or renews in the background, never throws, never waits. */
  onChecked(source: SourceForFetch, result: RefreshResult): void;
  verify(sourceId: number, params: URLSearchParams): Promise<VerificationAnswer>;
  verifyPush(sourceId: number, body: Buffer, signatureHeader: string | null): Promise<PushOutcome>;
  /** Resolves when no subscription request is in flight (tests). */
  idle(): Promise<void>;
  /** Cancels requests in flight and stops sending new ones. */
  close(): Promise<void>;
};

export function createWebSubManager(options: WebSubManagerOptions): WebSubManager {
  const now = options.now ?? (() => new Date());
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const renewBeforeMs = Math.min(RENEW_BEFORE_MS, (leaseSeconds * 1000) / 2);
  const logger = options.logger;
  const enabled = canReceiveCallbacks(options.publicUrl, options.allowPrivate);
  if (!enabled) logger.info({ publicUrl: options.publicUrl }, "WebSub off: hubs cannot call back a loopback or private PUBLIC_URL");

  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const busy = new Set<number>();
  const attempts = new Map<number, Attempt>();
  let closed = false;

  async function upkeep(source: SourceForFetch, result: RefreshResult): Promise<void> {
    const log = logger.child({ sourceId: source.id, url: source.feedUrl });
    const stored = await findWebSubSubscription(source.id);
    if (stored === null) return;
    const wanted = wantedSubscription(source, result, stored);
    if (wanted === null) return;
    const nowMs = now().getTime();
    // source.websubHub is the hub as it was before this check (the poll itself overwrites the column), so a
    // difference means the feed moved to another hub and the old subscription (and secret) are void.
    const same = stored.topic === wanted.topic && stored.secret !== null && source.websubHub === wanted.hub;
    const leaseMs = stored.leaseUntil?.getTime() ?? null;
    if (same && leaseMs !== null && leaseMs - nowMs > renewBeforeMs) {
      attempts.delete(source.id);
      return;
    }
    // A renewal keeps the secret: pushes the hub signs meanwhile still verify.
    const secret = same && stored.secret !== null ? stored.secret : randomBytes(32).toString("hex");
    // Recorded even when we may not ask yet: the next check must see the new hub as not subscribed.
    if (!same && !(await saveWebSubRequest(source.id, { hub: wanted.hub, topic: wanted.topic, secret, keepLease: false }))) return;
    const next = nextAttempt(attempts.get(source.id), nowMs, wanted.hub, same ? leaseMs : null);
    if (next === null) {
      log.debug({ hub: wanted.hub }, "WebSub subscription not retried yet");
      return;
    }
    attempts.set(source.id, next);

    const form = new URLSearchParams({
      "hub.mode": "subscribe",
      "hub.topic": wanted.topic,
      "hub.callback": webSubCallbackUrl(options.publicUrl, source.id, secret),
      "hub.secret": secret,
      "hub.lease_seconds": String(leaseSeconds),
    });
    try {
      const response = await postForm(wanted.hub, form, {
        allowPrivate: options.allowPrivate,
        timeoutMs: SUBSCRIBE_TIMEOUT_MS,
        maxResponseBytes: 2048,
        signal: abort.signal,
      });
      if (response.status >= 200 && response.status < 300) {
        log.info({ hub: wanted.hub, topic: wanted.topic, status: response.status, renewal: same }, "WebSub subscription requested");
      } else {
        log.warn({ hub: wanted.hub, topic: wanted.topic, status: response.status, detail: response.body.slice(0, 300) }, "WebSub hub refused the subscription");
      }
    } catch (error) {
      if (closed) return;
      const code = (error as { code?: unknown }).code;
      log.warn({ hub: wanted.hub, code, err: error }, "WebSub subscription request failed");
    }
  }

  return {
    enabled,
    onChecked(source, result) {
      if (!enabled || closed || busy.has(source.id)) return;
      if (result.status === "failed") return;
      if (result.status === "updated" ? !result.hubUrl : !source.websubHub) return; // the common case: no hub, no query
      busy.add(source.id);
      const task = upkeep(source, result)
        .catch((error: unknown) => logger.error({ err: error, sourceId: source.id, url: source.feedUrl }, "WebSub upkeep crashed"))
        .finally(() => {
          busy.delete(source.id);
          inFlight.delete(task);
        });
      inFlight.add(task);
    },
    verify: (sourceId, params) => answerVerification(sourceId, params, { logger, now, defaultLeaseSeconds: leaseSeconds }),
    async verifyPush(sourceId, body, signatureHeader) {
      return (await checkPush(sourceId, body, signatureHeader)).outcome;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closed = true;
      abort.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

type Attempt = { hub: string; at: number; count: number; leaseMs: number | null };

/**
 * The attempt to record now, or null when it is too soon to ask this hub again: at most one attempt per
 * RETRY_AFTER_MS, and the wait doubles while attempts stay unconfirmed (a hub that errors, denies or never
 * verifies is asked ever less often, up to MAX_RETRY_AFTER_MS). A lease that grew since the last attempt
 * means the hub confirmed it, which resets the doubling.
 */
function nextAttempt(previous: Attempt | undefined, nowMs: number, hub: string, leaseMs: number | null): Attempt | null {
  if (previous === undefined || previous.hub !== hub) return { hub, at: nowMs, count: 1, leaseMs };
  const confirmed = leaseMs !== null && (previous.leaseMs === null || leaseMs > previous.leaseMs);
  const wait = confirmed ? RETRY_AFTER_MS : Math.min(RETRY_AFTER_MS * 2 ** (previous.count - 1), MAX_RETRY_AFTER_MS);
  if (nowMs - previous.at < wait) return null;
  return { hub, at: nowMs, count: confirmed ? 1 : previous.count + 1, leaseMs };
}

/** Hub and topic this source should be subscribed to after this check, or null for no upkeep. */
function wantedSubscription(source: SourceForFetch, result: RefreshResult, stored: WebSubSubscription): { hub: string; topic: string } | null {
  if (result.status === "updated") {
    if (!result.hubUrl) return null; // the feed stopped advertising a hub: let the lease run out
    return { hub: result.hubUrl, topic: result.selfUrl || source.feedUrl };
  }
  // 304: nothing new was read, but a subscription made earlier still needs renewing.
  if (result.status === "not-modified" && stored.hub && stored.topic) return { hub: stored.hub, topic: stored.topic };
  return null;
}

/**
 * The callback URL for a source. It carries a token derived from the secret so that only hubs we asked can
 * get a subscription confirmed: otherwise anyone could subscribe our callback at the hub with a secret of
 * their own, and the hub would then sign pushes with it (which we would refuse). Hubs must keep the query.
 */
export function webSubCallbackUrl(publicUrl: string, sourceId: number, secret: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/api/websub/${sourceId}?token=${callbackToken(secret, sourceId)}`;
}

function callbackToken(secret: string, sourceId: number): string {
  return createHmac("sha256", secret).update(`websub-callback:${sourceId}`).digest("hex").slice(0, 32);
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a hub on the internet could reach PUBLIC_URL at all. */
export function canReceiveCallbacks(publicUrl: string, allowPrivate: boolean): boolean {
  if (allowPrivate) return true;
  let hostname: string;
  try {
    hostname = new URL(publicUrl).hostname;
  } catch {
    return false;
  }
  const literal = hostnameToIpLiteral(hostname);
  return literal !== null ? !isBlockedAddress(literal) : !isReservedHostname(hostname);
}

const notFound: VerificationAnswer = { status: 404, body: "" };

/**
 * Answers a hub's GET on the callback (WebSub §5.3). Subscribe: confirmed only for the topic we asked for,
 * with the token of the secret we sent; echoes hub.challenge and records the granted lease. Unsubscribe: we
 * never ask for one, so it is always refused (confirming would let anyone end our subscriptions). Denied:
 * the hub refused or ended the subscription; forget it (the next poll may ask again, rate-limited). Every
 * mode must carry the callback's token.
 */
export async function answerVerification(
  sourceId: number,
  params: URLSearchParams,
  context: { logger: Logger; now?: () => Date; defaultLeaseSeconds?: number },
): Promise<VerificationAnswer> {
  const mode = params.get("hub.mode");
  const topic = params.get("hub.topic");
  if (!topic) return notFound;
  const stored = await findWebSubSubscription(sourceId);
  if (stored === null || stored.topic !== topic || stored.secret === null) return notFound;
  const log = context.logger.child({ sourceId, url: stored.feedUrl });
  // Every mode needs the callback's token: the topic is a public feed URL, so without it anyone could
  // "deny" (and so erase) a subscription.
  if (!sameText(params.get("token") ?? "", callbackToken(stored.secret, sourceId))) return notFound;

  if (mode === "denied") {
    await clearWebSubSubscription(sourceId, topic);
    log.warn({ hub: stored.hub, topic, reason: params.get("hub.reason")?.slice(0, 300) }, "WebSub hub denied the subscription");
    return { status: 200, body: "" };
  }
  if (mode !== "subscribe") return notFound;
  const challenge = params.get("hub.challenge");
  if (!challenge) return notFound;

  const leaseSeconds = parseLeaseSeconds(params.get("hub.lease_seconds"), context.defaultLeaseSeconds ?? DEFAULT_LEASE_SECONDS);
  const leaseUntil = new Date((context.now?.() ?? new Date()).getTime() + leaseSeconds * 1000);
  if (!(await confirmWebSubLease(sourceId, topic, leaseUntil))) return notFound; // changed meanwhile
  log.info({ hub: stored.hub, topic, leaseSeconds }, "WebSub subscription verified");
  return { status: 200, body: challenge };
}

function parseLeaseSeconds(raw: string | null, fallback: number): number {
  if (raw === null || !/^\d{1,12}$/.test(raw.trim())) return fallback;
  return Math.min(Math.max(Number(raw.trim()), MIN_LEASE_SECONDS), MAX_LEASE_SECONDS);
}

/**
 * Authenticates a push (WebSub §7/§8): the X-Hub-Signature HMAC of the raw body under the stored secret. A
 * source without a subscription is "unknown-source" (answer 410 so the hub drops it); a missing or wrong
 * signature is "bad-signature" (answer 2xx but ignore it, as the spec asks).
 */
export async function checkPush(sourceId: number, body: Buffer, signatureHeader: string | null): Promise<PushCheck> {
  const stored = await findWebSubSubscription(sourceId);
  if (stored === null || stored.secret === null || stored.topic === null) return { outcome: "unknown-source" };
  if (!signatureMatches(stored.secret, body, signatureHeader)) return { outcome: "bad-signature" };
  return { outcome: "ok", topic: stored.topic };
}

/** Constant-time check of `sha1=…`/`sha256=…`/`sha384=…`/`sha512=…` against the body. */
export function signatureMatches(secret: string, body: Buffer, signatureHeader: string | null): boolean {
  const match = SIGNATURE.exec(signatureHeader ?? "");
  if (!match) return false;
  const expected = createHmac(match[1].toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(match[2], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
