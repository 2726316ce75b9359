// When the polling loop looks at the queue next (findNextCheckAt), on both engines. A claim leases a source
// without moving its nextCheckAt (lib/db/source-checks.ts), so a source under way still looks due by that
// column alone: the answer must come from the lease then, or a loop with nothing left to claim would look
// again at once, over and over, for as long as any check runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothEngines, restoreDatabaseUrlAfterAll } from "../../tests/helpers/both-engines";
import { getDb } from "./client";
import { claimDueSources, claimSource, findNextCheckAt, recordCheckSuccesses, renewClaims } from "./source-checks";
import { insertSource } from "./sources";

restoreDatabaseUrlAfterAll();
const engines = bothEngines("next_check");

describe.each(engines)("findNextCheckAt ($name)", ({ open }) => {
  let database: { cleanup: () => Promise<void> };
  const ids: number[] = [];
  const base = new Date(Date.UTC(2026, 11, 2, 10, 0, 0));
  const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);
  const setNextCheck = (id: number, when: Date) => getDb().source.update({ where: { id }, data: { nextCheckAt: when, checkLeaseUntil: null } });

  beforeAll(async () => {
    database = await open();
    for (const slug of ["a", "b", "c"]) ids.push((await insertSource({ slug, name: slug, feedUrl: `https://${slug}.example/feed`, category: "world", pollIntervalSeconds: 300 })).id);
  });
  afterAll(async () => database.cleanup());

  it("is the earliest nextCheckAt when nothing is leased", async () => {
    await getDb().source.updateMany({ data: { nextCheckAt: at(1000) } });
    await setNextCheck(ids[0], at(30));
    await setNextCheck(ids[1], at(10));
    await setNextCheck(ids[2], at(20));
    expect(await findNextCheckAt(at(0))).toEqual(at(10));
  });

  it("passes over sources being checked: the next one not leased, or a lease's end when that comes sooner", async () => {
    // All three due at 10, 20, 30; the loop claims the first two at 40 for 60 s (leases end at 100).
    const claimed = await claimDueSources(at(40), 2, 60);
    expect(claimed.map((source) => source.id)).toEqual([ids[1], ids[2]]);
    // Their nextCheckAt stays 10 and 20; the next due source not leased is at 30.
    expect(await findNextCheckAt(at(40))).toEqual(at(30));
    // With that one under way too (claimed at 41: its lease ends at 101), the soonest is the first lease's end.
    expect((await claimDueSources(at(41), 5, 60)).map((source) => source.id)).toEqual([ids[0]]);
    expect(await findNextCheckAt(at(41))).toEqual(at(100));
    // A renewed lease moves that answer; nothing else does.
    expect(await renewClaims([ids[1], ids[2]], at(70), 60)).toHaveLength(2);
    expect(await findNextCheckAt(at(70))).toEqual(at(101));
  });

  it("a recorded outcome ends the lease and its schedule counts again; a refresh's claim makes its source due when the lease ends", async () => {
    await recordCheckSuccesses([{ sourceId: ids[0], fetchedAt: at(80), nextCheckAt: at(500), pollIntervalSeconds: 300 }]);
    // ids[1] and ids[2] are still leased until 130; ids[0] is due at 500.
    expect(await findNextCheckAt(at(80))).toEqual(at(130));
    await recordCheckSuccesses([
      { sourceId: ids[1], fetchedAt: at(90), nextCheckAt: at(400), pollIntervalSeconds: 300 },
      { sourceId: ids[2], fetchedAt: at(90), nextCheckAt: at(600), pollIntervalSeconds: 300 },
    ]);
    expect(await findNextCheckAt(at(90))).toEqual(at(400));
    // A refresh claims ids[2] (due at 600) at 95 for 60 s. Should that check die, the refresh is still owed:
    // the source is due when the lease ends, at 155, not at 600.
    expect(await claimSource(ids[2], at(95), 60)).toMatchObject({ id: ids[2] });
    expect(await findNextCheckAt(at(95))).toEqual(at(155));
    expect((await claimDueSources(at(150), 5, 60)).map((source) => source.id)).toEqual([]);
    // The lease ran out (the check crashed): due since the refresh.
    expect(await findNextCheckAt(at(200))).toEqual(at(95));
    expect((await claimDueSources(at(200), 1, 60)).map((source) => source.id)).toEqual([ids[2]]);
    expect((await claimDueSources(at(650), 5, 60)).map((source) => source.id).sort()).toEqual([...ids].sort());
  });
});
