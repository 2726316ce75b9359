// Scenario 5: ingestion. 1,000 sources on loopback fixture feeds (100 fixture servers, i.e. 100 hosts with 10
// feeds each, since the scheduler allows only 2 fetches per host at a time), imported with POST /api/opml.
// A round = every source checked once: all 1,000 are made due at once (nextCheckAt = now in the database,
// then one POST refresh wakes the scheduler); 10 % of the feeds have 20 new items, the other 90 % answer
// 304 Not Modified to the conditional GET. The round ends when all 1,000 have recorded this check.
// Baseline, same run: one raw better-sqlite3 transaction inserting the same number of article rows (same
// columns, indexes and FTS triggers) into a copy of the server's database as it stood after the rounds.
import path from "node:path";
import { startFixtureFeedServer, type FixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { headlineGenerator, summaryFor } from "../lib/headlines";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import { promValue } from "../lib/prom";
import type { Row } from "../lib/results";
import { cpuMsOf, waitForIdle, type Scenario, type ScenarioContext, type ScenarioOutput } from "../lib/scenario";
import { articleRows, insertArticles, isoDb, openDb } from "../lib/seed";
import { ensureDir, prng, removeSqlite, round, waitUntil, WORK_DIR } from "../lib/util";

type Feed = { host: FixtureFeedServer; name: string; url: string; sourceId?: number };

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const sourceCount = context.quick ? 40 : 1000;
  const hostCount = context.quick ? 4 : 100;
  const changedShare = 0.1;
  const newItems = 20;
  const initialItems = 5;
  const rounds = context.quick ? 1 : 3;
  const headline = headlineGenerator(9);
  const random = prng(42);

  const hosts: FixtureFeedServer[] = [];
  const closeHosts = onCleanup(async () => void (await Promise.allSettled(hosts.map((host) => host.close()))));
  let server: NewswireServer | undefined;
  const stopServer = onCleanup(async () => void (await server?.stop()));
  const dbCopy = path.join(ensureDir(WORK_DIR), `ingestion-raw-${process.pid}-${Date.now()}.db`);
  try {
    for (let i = 0; i < hostCount; i++) hosts.push(await startFixtureFeedServer());
    const feeds: Feed[] = [];
    for (let i = 0; i < sourceCount; i++) {
      const host = hosts[i % hostCount];
      const name = `feed-${i}`;
      feeds.push({ host, name, url: host.feedUrl(name) });
    }
    const publishItems = (feed: Feed, count: number) => {
      for (let j = 0; j < count; j++) {
        const title = headline();
        feed.host.publish(feed.name, { title, description: summaryFor(title), pubDate: new Date(Date.now() - (count - j) * 1000) });
      }
    };
    for (const feed of feeds) publishItems(feed, initialItems);

    server = await NewswireServer.start({ name: "ingestion", cpuProfDir: context.profileDir });
    const db = openDb(server.dbFile);
    const fetchedSince = db.prepare(`SELECT count(*) AS n FROM "Source" WHERE "lastFetchedAt" >= ?`);
    const articleTotal = db.prepare(`SELECT count(*) AS n FROM "Article"`);
    const count = (statement: typeof fetchedSince, ...args: unknown[]) => (statement.get(...args) as { n: number }).n;

    // ---- Import the sources through the public API (OPML), which wakes the scheduler for the first import.
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head><body>${feeds
      .map((feed) => `<outline type="rss" text="Bench ${feed.name}" xmlUrl="${feed.url}" category="world"/>`)
      .join("")}</body></opml>`;
    await server.profilePhase("import");
    const started = performance.now();
    const firstRoundStart = isoDb(new Date());
    const report = await server.json<{ imported: number; skipped: number }>("POST", "/api/opml", { admin: true, body: opml, headers: { "content-type": "text/x-opml" } });
    const importMs = performance.now() - started;
    if (report.imported !== sourceCount) throw new Error(`OPML import: ${report.imported} imported, ${report.skipped} skipped`);
    const ids = db.prepare(`SELECT id, feedUrl FROM "Source"`).all() as { id: number; feedUrl: string }[];
    const idByUrl = new Map(ids.map((row) => [row.feedUrl, row.id]));
    for (const feed of feeds) feed.sourceId = idByUrl.get(feed.url);
    context.log(`OPML import of ${sourceCount} sources: ${Math.round(importMs)} ms`);
    const firstDone = await waitUntil(() => count(fetchedSince, firstRoundStart) >= sourceCount, context.quick ? 60_000 : 180_000, 100);
    const firstImportMs = performance.now() - started;
    const firstArticles = count(articleTotal);
    context.log(`first import: ${firstArticles} articles from ${sourceCount} sources in ${Math.round(firstImportMs)} ms${firstDone ? "" : " (timed out)"}`);
    // Let clustering of the first import finish before measuring rounds.
    const firstSettleMs = await waitForIdle(server.serverPid(), context.quick ? 10_000 : 60_000);
    context.log(`background work after the first import: ${Math.round(firstSettleMs)} ms until idle`);

    type RoundResult = { kind: string; sources: number; changed: number; ms: number; storeMs: number; settleMs: number; inserted: number; expectedNew: number; requests: number; notModified: number; serverCpuMs: number; eventLoopMaxMs: number; completed: boolean };
    const roundResults: RoundResult[] = [];
    const runRound = async (kind: "all" | "changed-only"): Promise<RoundResult> => {
      // Exactly 10 %, a fresh pseudo-random pick each round.
      const changed = [...feeds].map((feed) => ({ feed, key: random() })).sort((a, b) => a.key - b.key).slice(0, Math.max(1, Math.round(feeds.length * changedShare))).map((entry) => entry.feed);
      const changedSet = new Set(changed);
      for (const feed of changed) publishItems(feed, newItems);
      const statsBefore = feeds.map((feed) => feed.host.stats(feed.name));
      const due = kind === "all" ? feeds : changed;
      const articlesBefore = count(articleTotal);
      await server!.profilePhase(`round-${kind}-${roundResults.length + 1}`);
      // Also resets the server's event-loop histogram.
      const storeSecondsBefore = promValue(await server!.metrics(), "newswire_feed_store_seconds_sum");
      const cpuBefore = cpuMsOf(server!.serverPid());
      const roundStart = isoDb(new Date());
      const started = performance.now();
      // Make the round's sources due now, then wake the scheduler with one refresh.
      const markDue = db.prepare(`UPDATE "Source" SET "nextCheckAt" = ? WHERE id = ?`);
      db.transaction(() => {
        for (const feed of due) markDue.run(roundStart, feed.sourceId);
      })();
      await server!.refresh(due[0].sourceId!);
      const completed = await waitUntil(() => count(fetchedSince, roundStart) >= due.length, 120_000, 20);
      const ms = performance.now() - started;
      const cpuMs = cpuMsOf(server!.serverPid()) - cpuBefore;
      const metricsAfter = await server!.metrics();
      const eventLoopMaxMs = promValue(metricsAfter, "newswire_nodejs_eventloop_lag_max_seconds") * 1000;
      // Time inside the storing stage (body → parsed → normalized → committed), summed over the round's checks.
      const storeMs = (promValue(metricsAfter, "newswire_feed_store_seconds_sum") - storeSecondsBefore) * 1000;
      // Inserts are committed before lastFetchedAt is recorded, so the count is final here.
      const inserted = count(articleTotal) - articlesBefore;
      let requests = 0;
      let notModified = 0;
      feeds.forEach((feed, i) => {
        const after = feed.host.stats(feed.name);
        requests += after.requests - statsBefore[i].requests;
        notModified += after.conditionalHits - statsBefore[i].conditionalHits;
      });
      // Story clustering of the new articles runs after they are published, off the check path: wait for it
      // (and report how long it kept the server busy), so rounds do not overlap.
      const settleMs = await waitForIdle(server!.serverPid(), context.quick ? 10_000 : 60_000);
      const result = { kind, sources: due.length, changed: changed.length, ms: round(ms), storeMs: round(storeMs), settleMs: round(settleMs), inserted, expectedNew: changedSet.size * newItems, requests, notModified, serverCpuMs: round(cpuMs), eventLoopMaxMs: round(eventLoopMaxMs), completed };
      context.log(`${kind} round: ${due.length} sources (${changed.length} changed) in ${Math.round(ms)} ms (storing stage ${Math.round(storeMs)} ms; +${Math.round(settleMs)} ms of background work); ${inserted} new articles; ${notModified} answered 304; server CPU ${Math.round(cpuMs)} ms; event-loop max ${Math.round(eventLoopMaxMs)} ms`);
      return result;
    };
    for (let r = 0; r < rounds; r++) roundResults.push(await runRound("all"));
    roundResults.push(await runRound("changed-only"));

    // ---- Baseline: the same number of rows in one raw transaction, on a copy of the database as it is now.
    db.prepare(`VACUUM INTO ?`).run(dbCopy);
    db.close();
    const raw = openDb(dbCopy);
    const changedCount = Math.round(sourceCount * changedShare);
    const sourceIds = feeds.slice(0, changedCount).map((feed) => feed.sourceId!);
    const rawRows = articleRows(changedCount * newItems, sourceIds, { seed: 99, keyPrefix: "raw" });
    const rawInsertMs = insertArticles(raw, rawRows);
    // A fuller floor: the same inserts plus every source's bookkeeping update, in one transaction.
    const rawRows2 = articleRows(changedCount * newItems, sourceIds, { seed: 98, keyPrefix: "raw2" });
    const update = raw.prepare(`UPDATE "Source" SET "lastFetchedAt" = ?, "lastSuccessAt" = ?, "errorCount" = 0, "nextCheckAt" = ?, "pollIntervalSeconds" = 300, "updatedAt" = ? WHERE id = ?`);
    const startedRaw = performance.now();
    raw.transaction(() => {
      const insert = raw.prepare(
        `INSERT INTO "Article" (sourceId, dedupeKey, slug, title, url, normalizedUrl, summary, contentHtml, contentHash, imageUrl, publishedAt, updatedAt, ingestedAt)
         VALUES (@sourceId, @dedupeKey, @slug, @title, @url, @normalizedUrl, @summary, @contentHtml, @contentHash, @imageUrl, @publishedAt, @publishedAt, @ingestedAt)`,
      );
      for (const row of rawRows2) insert.run(row);
      const now = isoDb(new Date());
      for (const feed of feeds) update.run(now, now, now, now, feed.sourceId);
    })();
    const rawRoundMs = performance.now() - startedRaw;
    raw.close();
    context.log(`raw better-sqlite3: ${rawRows.length} rows in ${round(rawInsertMs)} ms; with ${sourceCount} source updates ${round(rawRoundMs)} ms`);

    const full = roundResults.filter((result) => result.kind === "all");
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const fullMs = median(full.map((result) => result.ms));
    const worstMs = Math.max(...full.map((result) => result.ms));
    const changedOnly = roundResults.find((result) => result.kind === "changed-only")!;
    const itemsPerSecond = (result: RoundResult) => round(result.inserted / (result.ms / 1000));
    const judge = (ok: boolean) => (context.quick ? null : ok);
    const rows: Row[] = [
      { case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`, measure: `round time, median / worst of ${full.length} (ms)`, value: `${round(fullMs)} / ${round(worstMs)}`, target: "< 5 s", pass: judge(worstMs < 5000) },
      { case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`, measure: "round vs raw insert of the same rows (ms)", value: round(fullMs), baseline: round(rawInsertMs, 2), ratio: round(fullMs / rawInsertMs, 1), target: "≤ 5×", pass: judge(fullMs / rawInsertMs <= 5) },
      { case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`, measure: "round vs raw insert + all source updates (ms)", value: round(fullMs), baseline: round(rawRoundMs, 2), ratio: round(fullMs / rawRoundMs, 1), target: "(fuller floor)", pass: null },
      { case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`, measure: "new items per second (round)", value: itemsPerSecond(full[Math.floor(full.length / 2)]), baseline: round(rawRows.length / (rawInsertMs / 1000)), target: "", pass: null },
      {
        case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`,
        measure: "new articles / 304s / requests per round",
        value: full.map((result) => `${result.inserted}/${result.notModified}/${result.requests}`).join(", "),
        target: `${changedCount * newItems}/${sourceCount - changedCount}/${sourceCount} (≈)`,
        pass: judge(full.every((result) => result.completed && result.inserted === result.expectedNew)),
      },
      {
        case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`,
        measure: "storing stage (parse → normalize → dedupe → insert), wall time summed over the round's checks (ms; overlapping checks make it an upper bound)",
        value: round(median(full.map((result) => result.storeMs))),
        baseline: round(rawInsertMs, 2),
        ratio: round(median(full.map((result) => result.storeMs)) / rawInsertMs, 1),
        target: "(where the round's time goes)",
        pass: null,
      },
      { case: `only the ${changedOnly.sources} changed sources due`, measure: "round vs raw insert of the same rows (ms)", value: round(changedOnly.ms), baseline: round(rawInsertMs, 2), ratio: round(changedOnly.ms / rawInsertMs, 1), target: "(pipeline alone)", pass: null },
      { case: `${sourceCount} sources, ${Math.round(changedShare * 100)} % changed × ${newItems}`, measure: "server still busy after the round (ms)", value: full.map((result) => round(result.settleMs)).join(", "), target: "(background)", pass: null },
      { case: `first import (${sourceCount} × ${initialItems} items)`, measure: "time (ms) / articles per second", value: `${round(firstImportMs)} / ${round(firstArticles / (firstImportMs / 1000))}`, target: "", pass: null },
      { case: `OPML import of ${sourceCount} sources`, measure: "POST /api/opml (ms)", value: round(importMs), target: "", pass: null },
    ];
    return {
      method: [
        `${sourceCount} sources on ${hostCount} loopback fixture servers (tests/helpers/fixture-feed-server.ts; distinct ports are distinct hosts to the per-host limit), imported with POST /api/opml; each feed starts with ${initialItems} items.`,
        `A round: ${Math.round(changedShare * 100)} % of the feeds (a fixed pseudo-random pick) get ${newItems} new items; every source's nextCheckAt is set to now in the database and one POST /api/sources/:id/refresh wakes the scheduler; the round ends when every source's lastFetchedAt is at or after the round's start (polled every 20 ms with better-sqlite3).`,
        "Unchanged feeds answer 304 to the conditional GET (ETag). New articles counted in the Article table; 304s and requests counted at the fixture servers.",
        "Storing stage: the server's newswire_feed_store_seconds histogram (body → parse → normalize/sanitize → dedupe → insert committed), its sum read from /metrics before and after each round.",
        "Baseline: VACUUM INTO copy of the server's database after the rounds; one better-sqlite3 transaction inserting the same number of rows with the same columns (indexes and FTS triggers fire), WAL + synchronous=NORMAL like the server.",
      ],
      rows,
      notes: [],
      details: { sourceCount, hostCount, importMs: round(importMs), firstImportMs: round(firstImportMs), firstSettleMs: round(firstSettleMs), firstArticles, rounds: roundResults, rawInsertMs: round(rawInsertMs, 2), rawRoundMs: round(rawRoundMs, 2), rawRows: rawRows.length },
    };
  } finally {
    await server?.stop();
    stopServer();
    removeSqlite(dbCopy);
    await Promise.allSettled(hosts.map((host) => host.close()));
    closeHosts();
  }
}

export const ingestion: Scenario = { name: "ingestion", title: "Ingestion rounds over 1,000 sources", run };
