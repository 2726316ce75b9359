// A check of a source holds a lease on it (Source.checkLeaseUntil, 2 minutes) so that no other loop or
// instance checks it at the same time. A process killed mid-check (SIGKILL, a crash, the machine) leaves
// its leases behind, and the sources they cover would wait out the lease after a restart. An instance that
// knows it is the only one on its database — SQLite, or PostgreSQL without REDIS_URL once it holds the
// exclusive instance lock — knows every lease it finds at start is a dead process's, and gives those sources
// back at once. Instances of a cluster cannot tell a dead instance's lease from a live one's: there the lease
// runs out (docs/decisions/0009).
import { getDb, type Db } from "../db/client";

/** Releases every lease and makes those sources due now; returns how many there were. */
export async function releaseStaleLeases(now: Date = new Date(), db: Db = getDb()): Promise<number> {
  const { count } = await db.source.updateMany({ where: { checkLeaseUntil: { not: null } }, data: { checkLeaseUntil: null, nextCheckAt: now } });
  return count;
}
