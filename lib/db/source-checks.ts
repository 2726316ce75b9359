// The check cycle of a source, on the Source table: claiming due sources for a check (a lease, so no two loops
// or instances check one at once), and recording what the check found. The database is the job queue
// (docs/architecture.md); lib/ingest/scheduler.ts and lib/ingest/refresh-source.ts are what run it. Adding,
// removing and listing sources is lib/db/sources.ts.
import { Prisma } from "./generated/sqlite/client";
import { dbKind, getDb, type Db } from "./client";
import { chunked } from "./chunks";
import { queryRows } from "./direct-sql";
import { findSourceIdByFeedUrl } from "./sources";

/** What the ingestion pipeline needs to fetch a source. */
export type SourceForFetch = {
  id: number;
  slug: string;
  name: string;
  feedUrl: string;
  siteUrl: string | null;
  etag: string | null;
  lastModified: string | null;
  pollIntervalSeconds: number;
  errorCount: number;
  /** The last successful check (whichever instance made it). */
  lastSuccessAt: Date | null;
  websubHub: string | null;
  websubLeaseUntil: Date | null;
};

const sourceForFetchSelect = {
  id: true,
  slug: true,
  name: true,
  feedUrl: true,
  siteUrl: true,
  etag: true,
  lastModified: true,
  pollIntervalSeconds: true,
  errorCount: true,
  lastSuccessAt: true,
  websubHub: true,
  websubLeaseUntil: true,
} satisfies Prisma.SourceSelect;

export async function findSourceById(id: number, db: Db = getDb()): Promise<SourceForFetch | null> {
  return db.source.findUnique({ where: { id }, select: sourceForFetchSelect });
}

const SOURCE_FOR_FETCH_COLUMNS = Object.keys(sourceForFetchSelect)
  .map((column) => `"${column}"`)
  .join(", ");

type SourceForFetchRow = Omit<SourceForFetch, "websubLeaseUntil" | "lastSuccessAt"> & { websubLeaseUntil: Date | string | null; lastSuccessAt: Date | string | null };

/**
 * Claims up to `limit` sources whose next check is due, by leasing them for `leaseSeconds` (no other claim
 * takes a leased source; a crashed check's source is due again when its lease ends), in one statement: one
 * round trip for a whole batch (at a thousand sources a query per claim was most of a polling round). The
 * statement is atomic, and on PostgreSQL skips rows another instance is claiming, so instances polling one
 * database never check a source twice at once.
 *
 * The claim leaves nextCheckAt as it is (the check's outcome sets it): on PostgreSQL an update that changes
 * no indexed column can stay on its page without new index entries (a HOT update), and nextCheckAt is
 * indexed. Pushing it out by the lease as well made every claim rewrite the six indexes of Source, 23 MB of
 * WAL in three rounds of 10,000 checks. So a leased source may look due by nextCheckAt alone: whoever asks
 * what is due next also looks at checkLeaseUntil (this statement, findNextCheckAt).
 */
export async function claimDueSources(now: Date, limit: number, leaseSeconds: number, db: Db = getDb()): Promise<SourceForFetch[]> {
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
  const due = Prisma.sql`SELECT "id" FROM "Source" WHERE "nextCheckAt" <= ${now} AND ("checkLeaseUntil" IS NULL OR "checkLeaseUntil" <= ${now})
    ORDER BY "nextCheckAt" LIMIT ${limit}`;
  const rows = await queryRows<SourceForFetchRow>(
    db,
    Prisma.sql`UPDATE "Source" SET "checkLeaseUntil" = ${leaseUntil}, "refreshRequestedAt" = NULL
    WHERE "id" IN (${dbKind(db) === "postgresql" ? Prisma.sql`${due} FOR UPDATE SKIP LOCKED` : due})
    RETURNING ${Prisma.raw(SOURCE_FOR_FETCH_COLUMNS)}`,
    { prepared: true },
  );
  return rows.map(toSourceForFetch);
}

function toSourceForFetch(row: SourceForFetchRow): SourceForFetch {
  return {
    ...row,
    id: Number(row.id),
    pollIntervalSeconds: Number(row.pollIntervalSeconds),
    errorCount: Number(row.errorCount),
    websubLeaseUntil: row.websubLeaseUntil === null ? null : new Date(row.websubLeaseUntil),
    lastSuccessAt: row.lastSuccessAt === null ? null : new Date(row.lastSuccessAt),
  };
}

/**
 * Claims one source now, whatever its schedule (a refresh request), for `leaseSeconds`. "busy" when a check
 * of it is under way (here or on another instance): then it is due again as soon as that check ends, so the
 * refresh still sees the feed as it is after the request. Null when the source does not exist. The source is
 * also made due now (unlike claimDueSources' claims, whose sources are due already): should the check die
 * with its instance, the refresh is not lost but done by whoever claims the source when the lease ends.
 */
export async function claimSource(sourceId: number, now: Date, leaseSeconds: number, db: Db = getDb()): Promise<SourceForFetch | "busy" | null> {
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
  const rows = await queryRows<SourceForFetchRow>(
    db,
    Prisma.sql`UPDATE "Source" SET "nextCheckAt" = ${now}, "checkLeaseUntil" = ${leaseUntil}, "refreshRequestedAt" = NULL
    WHERE "id" = ${sourceId} AND ("checkLeaseUntil" IS NULL OR "checkLeaseUntil" <= ${now})
    RETURNING ${Prisma.raw(SOURCE_FOR_FETCH_COLUMNS)}`,
    { prepared: true },
  );
  if (rows.length > 0) return toSourceForFetch(rows[0]);
  const requested = await db.source.updateMany({ where: { id: sourceId }, data: { refreshRequestedAt: now } });
  return requested.count === 1 ? "busy" : null;
}

/**
 * Extends the leases of claimed sources still waiting for their turn in a loop's queue, so that no other loop
 * takes one meanwhile (a queue behind slow feeds can outwait a short lease). Only leases still running are
 * extended: a lease that ran out may be another loop's by now. Returns the ids extended.
 */
export async function renewClaims(sourceIds: number[], now: Date, leaseSeconds: number, db: Db = getDb()): Promise<number[]> {
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
  const renewed: number[] = [];
  for (const chunk of chunked(sourceIds)) {
    const rows = await queryRows<{ id: number | bigint }>(
      db,
      Prisma.sql`UPDATE "Source" SET "checkLeaseUntil" = ${leaseUntil}
      WHERE "id" IN (${Prisma.join(chunk)}) AND "checkLeaseUntil" > ${now}
      RETURNING "id"`,
    );
    renewed.push(...rows.map((row) => Number(row.id)));
  }
  return renewed;
}

/** Gives claimed sources that were never checked (the loop is closing) back to the queue, due now. */
export async function releaseClaims(sourceIds: number[], now: Date = new Date(), db: Db = getDb()): Promise<void> {
  for (const chunk of chunked(sourceIds)) {
    await db.source.updateMany({ where: { id: { in: chunk } }, data: { nextCheckAt: now, checkLeaseUntil: null } });
  }
}

/**
 * Ends a check's lease. A refresh asked for while it ran makes the source due again now (the check may have
 * fetched the feed before the publisher changed it).
 */
async function endCheckLease(sourceId: number, now: Date, db: Db): Promise<void> {
  await db.$executeRaw`UPDATE "Source" SET "checkLeaseUntil" = NULL, "refreshRequestedAt" = NULL,
    "nextCheckAt" = CASE WHEN "refreshRequestedAt" IS NULL THEN "nextCheckAt" ELSE ${now} END
    WHERE "id" = ${sourceId}`;
}

/**
 * When the next source is due: the earliest nextCheckAt of a source not leased, or the end of a lease, if one
 * ends sooner on a source already due (a check that crashed, here or on another instance: its source is due
 * again then). Null when there are no sources.
 *
 * Sources are read in nextCheckAt order (its index), and only as far as the first one not leased: a leased
 * source due later than that one cannot be due sooner. Those passed over are the checks under way, a few
 * hundred at most.
 */
export async function findNextCheckAt(now: Date = new Date(), db: Db = getDb()): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    db,
    Prisma.sql`WITH first_free AS (
      SELECT "nextCheckAt" AS "at" FROM "Source" WHERE "checkLeaseUntil" IS NULL OR "checkLeaseUntil" <= ${now} ORDER BY "nextCheckAt" LIMIT 1
    )
    SELECT MIN("at") AS "at" FROM (
      SELECT "at" FROM first_free
      UNION ALL
      SELECT CASE WHEN "checkLeaseUntil" > "nextCheckAt" THEN "checkLeaseUntil" ELSE "nextCheckAt" END FROM "Source"
      WHERE "checkLeaseUntil" > ${now} AND ("nextCheckAt" < (SELECT "at" FROM first_free) OR NOT EXISTS (SELECT 1 FROM first_free))
    ) AS due`,
    { prepared: true },
  );
  return row?.at == null ? null : new Date(row.at);
}

export type FetchOutcome = ({ kind: "success" } & Omit<CheckSuccess, "sourceId">) | { kind: "failure"; fetchedAt: Date; nextCheckAt: Date; error: string };

export async function recordFetchOutcome(sourceId: number, outcome: FetchOutcome, db: Db = getDb()): Promise<void> {
  if (outcome.kind === "failure") {
    await db.source.update({
      where: { id: sourceId },
      data: {
        lastFetchedAt: outcome.fetchedAt,
        lastError: outcome.error.slice(0, 500),
        errorCount: { increment: 1 },
        nextCheckAt: outcome.nextCheckAt,
      },
    });
    await endCheckLease(sourceId, new Date(), db);
    return;
  }
  // A permanent redirect: another source may already hold the new URL; then keep ours rather than fail the
  // whole update.
  const moved = outcome.feedUrl && (await findSourceIdByFeedUrl(outcome.feedUrl, db)) === null ? outcome.feedUrl : undefined;
  await recordCheckSuccesses([{ ...outcome, sourceId, feedUrl: moved }], db);
}

/**
 * A check that succeeded: a 304 (only the schedule and the health fields change), or a 200 whose articles are
 * stored (then also what the feed said about itself). Fields left undefined keep their stored value.
 */
export type CheckSuccess = {
  sourceId: number;
  fetchedAt: Date;
  nextCheckAt: Date;
  pollIntervalSeconds: number;
  /** The conditional GET validators of a 200 answer. */
  etag?: string | null;
  lastModified?: string | null;
  /** The site the feed links to: written when set (the caller passes it only for a source without one). */
  siteUrl?: string | null;
  /** The hub the feed advertises (null: none any more). */
  websubHub?: string | null;
  /** Where a permanent redirect moved the feed (recordFetchOutcome checks that no other source has it). */
  feedUrl?: string;
};

type TextField = "etag" | "lastModified" | "siteUrl" | "websubHub" | "feedUrl";
/** Which value of a field a success writes; undefined keeps the stored one. */
const TEXT_FIELDS: Record<TextField, (success: CheckSuccess) => string | null | undefined> = {
  etag: (success) => success.etag,
  lastModified: (success) => success.lastModified,
  siteUrl: (success) => success.siteUrl || undefined,
  websubHub: (success) => success.websubHub,
  feedUrl: (success) => success.feedUrl || undefined,
};

/**
 * Records many successful checks in one statement: every check of a large source list ends here, and one
 * statement for a batch costs about what one Prisma update costs for a single source (the scheduler gathers
 * them, lib/ingest/scheduler.ts). The lease ends with the same write; a refresh asked for while the check ran
 * makes the source due again now (the check may have fetched the feed before the publisher changed it).
 * Returns when the soonest of them is due now (null: none of them exists any more).
 */
export async function recordCheckSuccesses(batch: CheckSuccess[], db: Db = getDb()): Promise<Date | null> {
  // One outcome per source, its latest: on both engines the newest check is what the source's row says.
  const outcomes = [...new Map(batch.map((outcome) => [outcome.sourceId, outcome])).values()];
  if (outcomes.length === 0) return null;
  if (dbKind(db) === "postgresql") return recordCheckSuccessesOnPostgres(outcomes, db);
  // SQLite: CASE arms per source (SQLite has no array parameters).
  let earliest: Date | null = null;
  const now = new Date();
  // Per source: up to nine CASE arms of two parameters each, and its id in the IN list.
  for (const chunk of chunked(outcomes, 19)) {
    const caseOf = (arms: CheckSuccess[], pick: (outcome: CheckSuccess) => unknown) =>
      Prisma.join(
        arms.map((outcome) => Prisma.sql`WHEN ${outcome.sourceId} THEN ${pick(outcome)}`),
        " ",
      );
    const every = (pick: (outcome: CheckSuccess) => unknown) => Prisma.sql`CASE "id" ${caseOf(chunk, pick)} END`;
    const textAssignments = (Object.keys(TEXT_FIELDS) as TextField[]).flatMap((field) => {
      const pick = TEXT_FIELDS[field];
      const arms = chunk.filter((outcome) => pick(outcome) !== undefined);
      if (arms.length === 0) return [];
      const column = Prisma.raw(`"${field}"`);
      return [Prisma.sql`${column} = CASE "id" ${caseOf(arms, pick)} ELSE ${column} END`];
    });
    const rows = await db.$queryRaw<{ nextCheckAt: Date | string }[]>`UPDATE "Source" SET
        "lastFetchedAt" = ${every((outcome) => outcome.fetchedAt)},
        "lastSuccessAt" = ${every((outcome) => outcome.fetchedAt)},
        "nextCheckAt" = CASE WHEN "refreshRequestedAt" IS NULL THEN ${every((outcome) => outcome.nextCheckAt)} ELSE ${now} END,
        "checkLeaseUntil" = NULL, "refreshRequestedAt" = NULL,
        "pollIntervalSeconds" = ${every((outcome) => outcome.pollIntervalSeconds)},
        ${Prisma.join([...textAssignments, Prisma.sql`"lastError" = NULL`], ", ")},
        "errorCount" = 0, "updatedAt" = ${now}
      WHERE "id" IN (${Prisma.join(chunk.map((outcome) => outcome.sourceId))})
      RETURNING "nextCheckAt"`;
    for (const row of rows) {
      const due = new Date(row.nextCheckAt);
      if (earliest === null || due < earliest) earliest = due;
    }
  }
  return earliest;
}

/**
 * recordCheckSuccesses on PostgreSQL: the whole batch in one statement of fixed text, one array parameter per
 * column (unnest), instead of CASE arms in chunks of 47 sources. A field an outcome leaves undefined keeps its
 * stored value: each text field comes with an array saying which rows set it.
 */
async function recordCheckSuccessesOnPostgres(latest: CheckSuccess[], db: Db): Promise<Date | null> {
  // `latest` has one outcome per source (UPDATE … FROM would apply an arbitrary one of several).
  const now = new Date();
  const column = (field: TextField) => latest.map((outcome) => TEXT_FIELDS[field](outcome) ?? null);
  const sets = (field: TextField) => latest.map((outcome) => TEXT_FIELDS[field](outcome) !== undefined);
  const keepUnlessSet = (field: TextField) => Prisma.raw(`"${field}" = CASE WHEN o."set_${field}" THEN o."${field}" ELSE s."${field}" END`);
  const fields = Object.keys(TEXT_FIELDS) as TextField[];
  const rows = await queryRows<{ nextCheckAt: Date | string }>(
    db,
    Prisma.sql`UPDATE "Source" AS s SET
        "lastFetchedAt" = o."fetchedAt", "lastSuccessAt" = o."fetchedAt",
        "nextCheckAt" = CASE WHEN s."refreshRequestedAt" IS NULL THEN o."nextCheckAt" ELSE CAST(${now} AS TIMESTAMP(3)) END,
        "checkLeaseUntil" = NULL, "refreshRequestedAt" = NULL,
        "pollIntervalSeconds" = o."pollIntervalSeconds",
        ${Prisma.join(fields.map(keepUnlessSet), ", ")},
        "lastError" = NULL, "errorCount" = 0, "updatedAt" = CAST(${now} AS TIMESTAMP(3))
      FROM unnest(
        CAST(${latest.map((outcome) => outcome.sourceId)} AS INTEGER[]),
        CAST(${latest.map((outcome) => outcome.fetchedAt)} AS TIMESTAMP(3)[]),
        CAST(${latest.map((outcome) => outcome.nextCheckAt)} AS TIMESTAMP(3)[]),
        CAST(${latest.map((outcome) => outcome.pollIntervalSeconds)} AS INTEGER[]),
        ${Prisma.join(fields.map((field) => Prisma.sql`CAST(${column(field)} AS TEXT[]), CAST(${sets(field)} AS BOOLEAN[])`), ", ")}
      ) AS o("id", "fetchedAt", "nextCheckAt", "pollIntervalSeconds", ${Prisma.raw(fields.map((field) => `"${field}", "set_${field}"`).join(", "))})
      WHERE s."id" = o."id"
      RETURNING s."nextCheckAt"`,
    { prepared: true },
  );
  let earliest: Date | null = null;
  for (const row of rows) {
    const due = new Date(row.nextCheckAt);
    if (earliest === null || due < earliest) earliest = due;
  }
  return earliest;
}

/**
 * Makes the source due now (for POST /api/sources/:id/refresh). Returns false when it does not exist. Also
 * records the request, so that the outcome of a check still being written (a successful check's outcome is
 * written after the check has ended, lib/ingest/scheduler.ts) keeps the source due instead of scheduling it later; the next claim
 * clears it.
 */
export async function markSourceDue(sourceId: number, db: Db = getDb()): Promise<boolean> {
  const now = new Date();
  const { count } = await db.source.updateMany({ where: { id: sourceId }, data: { nextCheckAt: now, refreshRequestedAt: now } });
  return count === 1;
}
