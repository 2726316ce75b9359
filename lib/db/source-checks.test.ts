import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../tests/helpers/test-database";
import { findSourceHealthById, insertSource } from "./sources";
import { claimDueSources, claimSource, findSourceById, markSourceDue, recordFetchOutcome, recordCheckSuccesses, releaseClaims, renewClaims } from "./source-checks";

let database: Awaited<ReturnType<typeof useTestDatabase>>;
const ids: number[] = [];

beforeAll(async () => {
  database = await useTestDatabase("sources");
  for (const slug of ["one", "two", "three", "four"]) {
    ids.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  }
});
afterAll(async () => database.cleanup());

describe("the source queue (SQLite)", () => {
  it("claims due sources in one batch, at most `limit`, each once until the lease ends", async () => {
    const now = new Date(Date.now() + 1000);
    const first = await claimDueSources(now, 3, 60);
    expect(first).toHaveLength(3);
    expect(first[0]).toMatchObject({ pollIntervalSeconds: 300, errorCount: 0, etag: null, websubLeaseUntil: null });
    expect(typeof first[0].id).toBe("number");
    const second = await claimDueSources(now, 3, 60);
    expect(second.map((source) => source.id)).toEqual(ids.filter((id) => !first.some((source) => source.id === id)));
    expect(await claimDueSources(now, 3, 60)).toEqual([]);
    const afterLease = await claimDueSources(new Date(now.getTime() + 61_000), 10, 60);
    expect(afterLease.map((source) => source.id).sort()).toEqual([...ids].sort());
  });

  it("gives unstarted claims back, due at once", async () => {
    const now = new Date(Date.now() + 200_000);
    const claimed = await claimDueSources(now, 2, 60);
    expect(claimed).toHaveLength(2);
    await releaseClaims(claimed.map((source) => source.id), now);
    expect((await claimDueSources(now, 10, 60)).length).toBe(4);
  });

  it("claims one source directly, due or not, and says when it does not exist", async () => {
    const now = new Date(Date.now() + 400_000);
    const claimed = await claimSource(ids[3], now, 60);
    expect(claimed).toMatchObject({ id: ids[3], slug: "four", feedUrl: "https://four.example/feed" });
    expect((await claimDueSources(now, 10, 60)).map((source) => source.id)).not.toContain(ids[3]);
    expect(await claimSource(999_999, now, 60)).toBeNull();
  });

  it("never claims a source whose check is under way; a refresh asked for meanwhile makes it due when the check ends", async () => {
    const now = new Date(Date.now() + 600_000);
    const [leased] = await claimDueSources(now, 1, 60);
    // Made due by hand (as an old refresh did), it is still not claimed while its lease runs.
    await markSourceDue(leased.id);
    expect((await claimDueSources(now, 10, 60)).map((source) => source.id)).not.toContain(leased.id);
    expect(await claimSource(leased.id, now, 60)).toBe("busy");
    const nextCheckAt = new Date(now.getTime() + 3_600_000);
    await recordFetchOutcome(leased.id, { kind: "success", fetchedAt: now, nextCheckAt, pollIntervalSeconds: 3600 });
    // The refresh asked for during the check: due again at once, and claimable (the lease ended).
    expect(new Date((await findSourceHealthById(leased.id))!.nextCheckAt).getTime()).toBeLessThan(nextCheckAt.getTime());
    expect((await claimDueSources(new Date(now.getTime() + 1_000), 10, 60)).map((source) => source.id)).toContain(leased.id);
    // Without a refresh request, the check's own schedule stands.
    await recordFetchOutcome(leased.id, { kind: "success", fetchedAt: now, nextCheckAt, pollIntervalSeconds: 3600 });
    expect((await findSourceHealthById(leased.id))!.nextCheckAt).toBe(nextCheckAt.toISOString());
  });

  it("records a batch of 304 checks in one statement, touching only those sources", async () => {
    await recordFetchOutcome(ids[0], { kind: "failure", fetchedAt: new Date(), nextCheckAt: new Date(), error: "HTTP 500" });
    const before = await findSourceHealthById(ids[2]);
    const fetchedAt = new Date(Date.UTC(2026, 10, 24, 12, 0, 0, 123));
    await recordCheckSuccesses([
      { sourceId: ids[0], fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + 450_000), pollIntervalSeconds: 450 },
      { sourceId: ids[1], fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + 75_000), pollIntervalSeconds: 75 },
    ]);
    expect(await findSourceHealthById(ids[0])).toMatchObject({
      lastFetchedAt: fetchedAt.toISOString(),
      lastSuccessAt: fetchedAt.toISOString(),
      lastError: null,
      errorCount: 0,
      nextCheckAt: new Date(fetchedAt.getTime() + 450_000).toISOString(),
    });
    expect((await findSourceById(ids[1]))?.pollIntervalSeconds).toBe(75);
    expect(await findSourceHealthById(ids[2])).toEqual(before);
    // The stored dates are still comparable by the queue (same text form as Prisma's own writes).
    await markSourceDue(ids[1]);
    expect((await claimDueSources(new Date(fetchedAt.getTime() + 500_000), 10, 60)).map((source) => source.id)).toContain(ids[0]);
  });

  it("records 304s and changed feeds in one batch: each source gets its own validators, site and hub, the rest keep theirs", async () => {
    const fetchedAt = new Date(Date.UTC(2026, 10, 25, 8, 0, 0, 0));
    const later = (ms: number) => new Date(fetchedAt.getTime() + ms);
    await recordFetchOutcome(ids[1], { kind: "success", fetchedAt, nextCheckAt: later(60_000), pollIntervalSeconds: 60, etag: '"b-1"', lastModified: "Mon, 23 Nov 2026 10:00:00 GMT", siteUrl: "https://two.example/", websubHub: "https://hub.example/" });
    const soonest = await recordCheckSuccesses([
      // A 200: new validators, its site (the source had none), and a hub it no longer advertises.
      { sourceId: ids[0], fetchedAt, nextCheckAt: later(120_000), pollIntervalSeconds: 120, etag: '"a-2"', lastModified: null, siteUrl: "https://one.example/", websubHub: null },
      // A 304: validators, site and hub untouched.
      { sourceId: ids[1], fetchedAt, nextCheckAt: later(240_000), pollIntervalSeconds: 240 },
      // A 200 without a site link: the stored site stays (written only when set).
      { sourceId: ids[3], fetchedAt, nextCheckAt: later(360_000), pollIntervalSeconds: 360, etag: null, lastModified: "Tue, 24 Nov 2026 10:00:00 GMT", siteUrl: null, websubHub: "https://hub.example/four" },
    ]);
    expect(await findSourceById(ids[0])).toMatchObject({ etag: '"a-2"', lastModified: null, siteUrl: "https://one.example/", websubHub: null, pollIntervalSeconds: 120 });
    expect(await findSourceById(ids[1])).toMatchObject({ etag: '"b-1"', lastModified: "Mon, 23 Nov 2026 10:00:00 GMT", siteUrl: "https://two.example/", websubHub: "https://hub.example/", pollIntervalSeconds: 240 });
    expect(await findSourceById(ids[3])).toMatchObject({ etag: null, lastModified: "Tue, 24 Nov 2026 10:00:00 GMT", siteUrl: null, websubHub: "https://hub.example/four", pollIntervalSeconds: 360 });
    for (const id of [ids[0], ids[1], ids[3]]) expect((await findSourceById(id))?.lastSuccessAt?.toISOString()).toBe(fetchedAt.toISOString());
    // The write says when the soonest of them is due: the scheduler looks at the queue again then.
    expect(soonest?.toISOString()).toBe(later(120_000).toISOString());
  });

  it("keeps the newest of two outcomes of one source in a batch", async () => {
    const fetchedAt = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 8));
    const later = new Date(fetchedAt.getTime() + 1_000);
    await recordCheckSuccesses([
      { sourceId: ids[3], fetchedAt, nextCheckAt: new Date(fetchedAt.getTime() + 60_000), pollIntervalSeconds: 60, etag: '"older"' },
      { sourceId: ids[3], fetchedAt: later, nextCheckAt: new Date(later.getTime() + 120_000), pollIntervalSeconds: 120, etag: '"newer"' },
    ]);
    expect(await findSourceById(ids[3])).toMatchObject({ etag: '"newer"', pollIntervalSeconds: 120, lastSuccessAt: later });
  });

  it("a refresh asked for after a 304 check ended but before its outcome was written still makes the source due", async () => {
    // The scheduler writes 304 outcomes after the check has ended (in batches); a refresh that comes between
    // marks the source due, and the late write must not push it back to its ordinary schedule.
    const now = new Date();
    const [claimed] = (await claimDueSources(new Date(now.getTime() + 10_000_000), 100, 60)).filter((source) => source.id === ids[2]);
    expect(claimed).toBeDefined();
    await markSourceDue(ids[2]);
    const due = await recordCheckSuccesses([{ sourceId: ids[2], fetchedAt: now, nextCheckAt: new Date(now.getTime() + 3_600_000), pollIntervalSeconds: 3600 }]);
    // Due now, not in an hour: so the scheduler looks at once.
    expect(due!.getTime()).toBeLessThanOrEqual(Date.now());
    const health = await findSourceHealthById(ids[2]);
    expect(new Date(health!.nextCheckAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect((await claimDueSources(new Date(), 100, 60)).map((source) => source.id)).toContain(ids[2]);
  });

  it("extends the leases of claims still running, and only those", async () => {
    const now = new Date(Date.now() + 10_000_000);
    const claimed: number[] = [];
    for (const slug of ["renew-a", "renew-b"]) {
      const { id } = await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 });
      expect(await claimSource(id, now, 60)).toMatchObject({ id });
      claimed.push(id);
    }
    // 50 s later the leases run for 10 s more; renewed for 60 s, neither is claimable at 61 s.
    const later = new Date(now.getTime() + 50_000);
    expect((await renewClaims(claimed, later, 60)).sort()).toEqual([...claimed].sort());
    const claimedAt61 = (await claimDueSources(new Date(now.getTime() + 61_000), 100, 60)).map((source) => source.id);
    expect(claimedAt61.filter((id) => claimed.includes(id))).toEqual([]);
    // Past its lease a claim is not renewed (another loop may hold it by now), and it is claimable.
    const expired = new Date(later.getTime() + 61_000);
    expect(await renewClaims(claimed.slice(0, 1), expired, 60)).toEqual([]);
    expect((await claimDueSources(expired, 100, 60)).map((source) => source.id)).toEqual(expect.arrayContaining(claimed));
  });
});
