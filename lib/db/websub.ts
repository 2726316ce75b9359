// WebSub subscription state on the Source row. websubHub is also written by every successful poll (the hub
// the feed advertises, see recordFetchOutcome); topic, secret and lease are written only here.
import { getDb, type Db } from "./client";

export type WebSubSubscription = {
  sourceId: number;
  feedUrl: string;
  /** The hub the feed last advertised (or the one we last asked), null when none. */
  hub: string | null;
  /** The topic we asked the hub for; null when there is no pending or active subscription. */
  topic: string | null;
  /** HMAC key the hub signs pushes with; set together with topic. */
  secret: string | null;
  /** Until when the hub confirmed the subscription; null while pending (or never confirmed). */
  leaseUntil: Date | null;
};

const subscriptionSelect = {
  id: true,
  feedUrl: true,
  websubHub: true,
  websubTopic: true,
  websubSecret: true,
  websubLeaseUntil: true,
} as const;

export async function findWebSubSubscription(sourceId: number, db: Db = getDb()): Promise<WebSubSubscription | null> {
  const row = await db.source.findUnique({ where: { id: sourceId }, select: subscriptionSelect });
  if (!row) return null;
  return {
    sourceId: row.id,
    feedUrl: row.feedUrl,
    hub: row.websubHub,
    topic: row.websubTopic,
    secret: row.websubSecret,
    leaseUntil: row.websubLeaseUntil,
  };
}

/**
 * Records a subscription request about to be sent: stored before the POST because a hub may verify before it
 * answers. `keepLease` is for renewals of the same hub and topic, whose current lease stays valid meanwhile;
 * otherwise the lease is cleared so the source counts as unsubscribed until the hub confirms. False when the
 * source no longer exists.
 */
export async function saveWebSubRequest(
  sourceId: number,
  request: { hub: string; topic: string; secret: string; keepLease: boolean },
  db: Db = getDb(),
): Promise<boolean> {
  const { count } = await db.source.updateMany({
    where: { id: sourceId },
    data: {
      websubHub: request.hub,
      websubTopic: request.topic,
      websubSecret: request.secret,
      ...(request.keepLease ? {} : { websubLeaseUntil: null }),
    },
  });
  return count === 1;
}

/** The hub confirmed the subscription for `topic` until `leaseUntil`. False when no subscription has that topic. */
export async function confirmWebSubLease(sourceId: number, topic: string, leaseUntil: Date, db: Db = getDb()): Promise<boolean> {
  const { count } = await db.source.updateMany({
    where: { id: sourceId, websubTopic: topic, websubSecret: { not: null } },
    data: { websubLeaseUntil: leaseUntil },
  });
  return count === 1;
}

/**
 * Forgets the subscription for `topic` (the hub denied it). websubHub stays: it is what the feed advertises,
 * and the next poll may ask again. False when no subscription has that topic.
 */
export async function clearWebSubSubscription(sourceId: number, topic: string, db: Db = getDb()): Promise<boolean> {
  const { count } = await db.source.updateMany({
    where: { id: sourceId, websubTopic: topic },
    data: { websubTopic: null, websubSecret: null, websubLeaseUntil: null },
  });
  return count === 1;
}
