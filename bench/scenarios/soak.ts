// Scenario: a long run of ordinary traffic, looking for what only time shows — memory that grows, errors that
// accumulate, readers who silently stop getting articles. Not part of the default full run (it takes 30
// minutes): `npm run bench -- --only soak [--duration 10m]` (or BENCH_SOAK_SECONDS). `--quick` runs ~20 s.
//   - readers: N Socket.IO clients that come and go (every few seconds some leave and as many new ones arrive,
//     each with the newest cursor, as a page load gives it);
//   - one new article a second (published on a fixture feed, then POST refresh);
//   - the homepage and an article page read all along (closed loop, a few connections each);
//   - a slow feed host (answers after 8 s) and a dripping one (headers at once, then the body a few bytes at a
//     time, forever), both polled on their schedule (POLL_INTERVAL_SECONDS=30);
//   - every few seconds the server's RSS (/proc) and heapUsed (/metrics, no forced GC) are sampled.
// Reported: growth per hour after warm-up (least-squares line through the samples), errors, and for every
// reader whether it got every article published while it was connected, exactly once and in order.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startFixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { headlineGenerator, summaryFor } from "../lib/headlines";
import { HttpLoader, type LoadReport } from "../lib/http-load";
import { LiveFleet, type PerClient } from "../lib/live-fleet";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import { promValue } from "../lib/prom";
import type { Row } from "../lib/results";
import { waitForIdle, type Scenario, type ScenarioContext, type ScenarioOutput } from "../lib/scenario";
import { articleRows, createMigratedDatabase, insertArticles, insertSources, openDb } from "../lib/seed";
import { articleIdsByTitle, BENCH_LIVE_ENV, rssBytes } from "../lib/site";
import { roundSummary, summarize } from "../lib/stats";
import { ensureDir, parseDuration, removeSqlite, round, sleep, WORK_DIR, wallNow } from "../lib/util";
import path from "node:path";

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

type Published = { title: string; t0: number };

/**
 * Each reader against the articles published while it was connected (from its first connect until
 * `graceMs` before it left, or the end): each received exactly once, and ids arriving in increasing order.
 */
export function checkReaders(clients: PerClient[], published: (Published & { id: number })[], endedAt: number, graceMs: number) {
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let expectedTotal = 0;
  let readersMissing = 0;
  for (const client of clients) {
    if (client.connects.length === 0) continue;
    const from = client.connects[0];
    const until = (client.closed ? client.disconnects[client.disconnects.length - 1] ?? endedAt : endedAt) - graceMs;
    const counts = new Map(client.received);
    let missing = 0;
    for (const article of published) {
      if (article.t0 < from || article.t0 > until) continue;
      expectedTotal += 1;
      if (!counts.get(article.id)) missing += 1;
    }
    lost += missing;
    if (missing > 0) readersMissing += 1;
    let previous = -Infinity;
    for (const [id, times] of client.received) {
      if (times > 1) duplicated += times - 1;
      if (id <= previous) outOfOrder += 1;
      previous = id;
    }
  }
  return { readers: clients.length, expected: expectedTotal, lost, readersMissing, duplicated, outOfOrder };
}

/**
 * A feed host that, once dripping, sends its headers at once and then the body a few bytes every `intervalMs`,
 * forever. Until then it answers a valid empty feed (adding a source fetches it once to check it).
 */
async function startDrippingHost(intervalMs: number) {
  let open = 0;
  let maxOpen = 0;
  let requests = 0;
  let dripping = false;
  const server = http.createServer((req, res) => {
    requests += 1;
    if (!dripping) {
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title><link>http://example.com/</link><description>soon</description></channel></rss>`);
      return;
    }
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.write(`<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title><description>`);
    const timer = setInterval(() => res.write("drip "), intervalMs);
    res.once("close", () => {
      clearInterval(timer);
      open -= 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    feedUrl: `${origin}/feeds/drip.xml`,
    startDripping: () => void (dripping = true),
    stats: () => ({ requests, open, maxOpen }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const durationS = context.quick ? 20 : (context.durationSeconds ?? (process.env.BENCH_SOAK_SECONDS ? parseDuration(process.env.BENCH_SOAK_SECONDS) : 1800));
  const readers = context.quick ? 60 : 2000;
  const sampleEveryMs = context.quick ? 1000 : 10_000;
  const gcEveryMs = context.quick ? 3000 : 60_000;
  const churnEveryMs = context.quick ? 2000 : 10_000;
  /** Share of the readers that leave (and as many that arrive) at each churn. */
  const churnShare = 0.02;
  const warmupS = context.quick ? 5 : Math.min(300, Math.max(60, durationS * 0.2));
  const loadChunkMs = context.quick ? 3000 : 30_000;
  const graceMs = 5000;
  const headline = headlineGenerator(53);
  const dbFile = path.join(ensureDir(WORK_DIR), `soak-${process.pid}-${Date.now()}.db`);

  const fixture = await startFixtureFeedServer();
  const slowHost = await startFixtureFeedServer();
  const drip = await startDrippingHost(500);
  const closeHosts = onCleanup(async () => void (await Promise.allSettled([fixture.close(), slowHost.close(), drip.close()])));
  let server: NewswireServer | undefined;
  const stopServer = onCleanup(async () => void (await server?.stop({ removeDb: false })));
  const fleet = await LiveFleet.start(2);
  const stopFleet = onCleanup(() => fleet.stop());
  const loaders = [await HttpLoader.start(), await HttpLoader.start()];
  const stopLoaders = onCleanup(async () => void (await Promise.allSettled(loaders.map((loader) => loader.stop()))));
  try {
    await createMigratedDatabase(dbFile);
    const db = openDb(dbFile);
    const seedSources = insertSources(db, Array.from({ length: 10 }, (_, i) => ({ slug: `seed-${i}`, name: `Seed ${i}`, feedUrl: `https://feeds.example.com/seed-${i}.xml`, category: "world", nextCheckAt: new Date("2100-01-01T00:00:00Z") })));
    insertArticles(db, articleRows(context.quick ? 500 : 5000, seedSources));
    db.close();
    // The inspector lets the sampler force a full GC now and then (heapUsed after it is what is retained).
    server = await NewswireServer.start({ name: "soak", dbFile, inspect: true, env: { ...BENCH_LIVE_ENV, POLL_INTERVAL_SECONDS: "30" } });
    const pid = server.serverPid();
    const wire = await server.addSource(fixture.feedUrl("wire"), "Soak Wire");
    slowHost.publish("slow", { title: "A slow publisher's only story", description: "It takes its time." });
    await server.addSource(slowHost.feedUrl("slow"), "Soak Slow Host");
    await server.addSource(drip.feedUrl, "Soak Dripping Host");
    // Both behave once they are sources (adding one fetches it, and gives up after 15 s).
    slowHost.setDelay("slow", 8000);
    drip.startDripping();
    await waitForIdle(pid, 10_000);
    const { articles: [anArticle] } = await server.json<{ articles: { path: string }[] }>("GET", "/api/articles?limit=1");

    // ---- Readers arrive.
    const first = await fleet.connect(server.url, "socketio", readers, await server.latestCursor());
    context.log(`${first.connected} readers connected in ${Math.round(first.ms)} ms (${first.connectErrors} connect errors)`);
    server.newLogLines();

    const started = wallNow();
    const endAt = started + durationS * 1000;
    const published: Published[] = [];
    let publishErrors = 0;
    let joined = 0;
    let left = 0;
    let connectErrors = first.connectErrors;
    const samples: { t: number; rssBytes: number; heapBytes: number; liveClients: number; eventLoopP99Ms: number }[] = [];
    /** heapUsed after a forced full GC (inspector), and RSS right after it, every `gcEveryMs`. */
    const gcSamples: { t: number; rssBytes: number; heapBytes: number }[] = [];
    let lastGcAt = 0;
    const serverErrors: string[] = [];
    const pageReports: Record<"home" | "article", LoadReport[]> = { home: [], article: [] };

    const publisher = (async () => {
      for (let next = wallNow(); wallNow() < endAt; next += 1000) {
        const title = `${headline()} (soak ${published.length + 1})`;
        fixture.publish("wire", { title, description: summaryFor(title) });
        const t0 = wallNow();
        try {
          await server!.refresh(wire.id);
          published.push({ title, t0 });
        } catch {
          publishErrors += 1;
        }
        await sleep(Math.max(0, next + 1000 - wallNow()));
      }
    })();
    const churn = (async () => {
      while (wallNow() + churnEveryMs < endAt) {
        await sleep(churnEveryMs);
        const count = Math.max(1, Math.round(readers * churnShare));
        left += await fleet.closeSome(count);
        const result = await fleet.connect(server!.url, "socketio", count, await server!.latestCursor());
        joined += count;
        connectErrors += result.connectErrors;
      }
    })();
    const pages = (["home", "article"] as const).map((kind, i) =>
      (async () => {
        while (wallNow() + loadChunkMs < endAt) {
          const url = `${server!.url}${kind === "home" ? "/" : anArticle.path}`;
          pageReports[kind].push(await loaders[i].run({ url, connections: kind === "home" ? 4 : 2, durationMs: loadChunkMs, warmupMs: 0 }, true));
        }
      })(),
    );
    const sampler = (async () => {
      while (wallNow() < endAt) {
        const metrics = await server!.metrics();
        samples.push({
          t: (wallNow() - started) / 1000,
          rssBytes: rssBytes(pid),
          heapBytes: promValue(metrics, "newswire_nodejs_heap_size_used_bytes"),
          liveClients: [...metrics].filter(([key]) => key.startsWith("newswire_live_clients")).reduce((sum, [, value]) => sum + value, 0),
          eventLoopP99Ms: round(promValue(metrics, "newswire_nodejs_eventloop_lag_p99_seconds") * 1000),
        });
        if (wallNow() - lastGcAt >= gcEveryMs) {
          lastGcAt = wallNow();
          const { bytes } = await server!.heapUsed();
          gcSamples.push({ t: (wallNow() - started) / 1000, heapBytes: bytes, rssBytes: rssBytes(pid) });
        }
        for (const line of server!.newLogLines()) if ((line.level ?? 0) >= 50) serverErrors.push(String(line.msg ?? ""));
        const last = samples[samples.length - 1];
        if (samples.length % Math.max(1, Math.round(60_000 / sampleEveryMs)) === 0) context.log(`${Math.round(last.t)} s: RSS ${round(last.rssBytes / 2 ** 20)} MiB, heap ${round(last.heapBytes / 2 ** 20)} MiB, ${last.liveClients} live clients, ${published.length} articles`);
        await sleep(sampleEveryMs);
      }
    })();
    await Promise.all([publisher, churn, ...pages, sampler]);
    // Let the last articles arrive before looking at what every reader got.
    await sleep(graceMs);
    const endedAt = wallNow();
    for (const line of server.newLogLines()) if ((line.level ?? 0) >= 50) serverErrors.push(String(line.msg ?? ""));

    const ids = await articleIdsByTitle(server.url, published.length + 50);
    const withIds = published.map((article) => ({ ...article, id: ids.get(article.title) ?? -1 }));
    const notStored = withIds.filter((article) => article.id < 0).length;
    const check = checkReaders(await fleet.perClient(), withIds.filter((article) => article.id >= 0), endedAt, graceMs);
    const status = await fleet.status();

    const afterWarmup = samples.filter((sample) => sample.t >= warmupS);
    const afterWarmupGc = gcSamples.filter((sample) => sample.t >= warmupS);
    type Sampled = { t: number; rssBytes: number; heapBytes: number };
    const mibPerHour = (points: Sampled[], pick: (sample: Sampled) => number) => round(slope(points.map((sample) => ({ x: sample.t / 3600, y: pick(sample) / 2 ** 20 }))), 1);
    const rssGrowth = mibPerHour(afterWarmupGc, (sample: Sampled) => sample.rssBytes);
    const heapGrowth = mibPerHour(afterWarmupGc, (sample: Sampled) => sample.heapBytes);
    // Through every 10 s sample too (no forced GC: it saws by hundreds of MiB between collections).
    const rawGrowth = { rss: mibPerHour(afterWarmup, (sample: Sampled) => sample.rssBytes), heap: mibPerHour(afterWarmup, (sample: Sampled) => sample.heapBytes) };
    const pageSummary = (reports: LoadReport[]) => {
      const latencies = reports.flatMap((report) => report.latenciesMs ?? []);
      const statuses: Record<string, number> = {};
      for (const report of reports) for (const [key, value] of Object.entries(report.statuses)) statuses[key] = (statuses[key] ?? 0) + value;
      return { requests: latencies.length, errors: reports.reduce((sum, report) => sum + report.errors, 0), non200: Object.entries(statuses).filter(([key]) => key !== "200").reduce((sum, [, n]) => sum + n, 0), statuses, latency: roundSummary(summarize(latencies)) };
    };
    const home = pageSummary(pageReports.home);
    const articlePage = pageSummary(pageReports.article);
    const errorCount = publishErrors + connectErrors + home.errors + home.non200 + articlePage.errors + articlePage.non200 + serverErrors.length;
    context.log(`after ${durationS} s: RSS ${rssGrowth} MiB/h, heap ${heapGrowth} MiB/h after ${warmupS} s warm-up; ${errorCount} errors; readers: lost ${check.lost}, duplicated ${check.duplicated}, out of order ${check.outOfOrder} (${check.readers} readers, ${check.expected} reader × article expected)`);

    const judge = (ok: boolean) => (context.quick ? null : ok);
    const firstLast = (pick: (sample: Sampled) => number) =>
      afterWarmupGc.length ? `${round(pick(afterWarmupGc[0]) / 2 ** 20)} → ${round(pick(afterWarmupGc[afterWarmupGc.length - 1]) / 2 ** 20)}` : "n/a";
    const label = `${durationS < 120 ? `${durationS} s` : `${round(durationS / 60)} min`}, ${readers} readers`;
    const rows: Row[] = [
      { case: label, measure: `server RSS growth after ${Math.round(warmupS)} s warm-up, right after a forced GC (MiB/h; first → last MiB)`, value: `${rssGrowth} (${firstLast((sample) => sample.rssBytes)})`, target: "(context: steady)", pass: null },
      { case: label, measure: "server heapUsed growth after warm-up, after a forced GC (MiB/h; first → last MiB)", value: `${heapGrowth} (${firstLast((sample) => sample.heapBytes)})`, target: "(context: steady)", pass: null },
      { case: label, measure: "errors: publish / connect / pages / server log", value: `${publishErrors} / ${connectErrors} / ${home.errors + home.non200 + articlePage.errors + articlePage.non200} / ${serverErrors.length}`, target: "0", pass: judge(errorCount === 0) },
      { case: label, measure: "readers × articles while connected: lost / duplicated / out of order", value: `${check.lost} / ${check.duplicated} / ${check.outOfOrder} of ${check.expected}`, target: "0 / 0 / 0", pass: judge(check.lost === 0 && check.duplicated === 0 && check.outOfOrder === 0 && notStored === 0) },
      { case: label, measure: "homepage / article page p50 / p99 (ms)", value: `${home.latency.p50} / ${home.latency.p99}; ${articlePage.latency.p50} / ${articlePage.latency.p99}`, target: "(context)", pass: null },
      { case: label, measure: "articles published / readers joined / left", value: `${published.length} / ${joined} / ${left}`, target: "(context)", pass: null },
    ];
    return {
      method: [
        `${durationS} s against one production server (SQLite, ${context.quick ? 500 : 5000} seeded articles, POLL_INTERVAL_SECONDS=30). ${readers} Socket.IO readers in 2 load processes; every ${churnEveryMs / 1000} s ${Math.round(churnShare * 100)} % of them leave and as many new ones arrive with the newest cursor.`,
        "One article a second: published on a fixture feed, then POST /api/sources/:id/refresh. The homepage (4 connections) and an article page (2) are read in closed loops from two load processes all along.",
        "A slow host (every answer after 8 s) and a dripping host (headers at once, then 5 bytes every 0.5 s, never ending) are sources too, polled on their schedule.",
        `Every ${sampleEveryMs / 1000} s: the server process's RSS (/proc/<pid>/status VmRSS) and heapUsed (/metrics, no forced GC). Every ${gcEveryMs / 1000} s also heapUsed after a full GC forced through the inspector, and RSS right after it. Growth = least-squares slope through those after the first ${Math.round(warmupS)} s (without a forced GC heapUsed saws by hundreds of MiB between collections; that slope is in the JSON too).`,
        `Readers: each one's record against the articles whose refresh was requested between its first connect and ${graceMs / 1000} s before it left (or the end): each once, ids in increasing order of arrival. Errors: failed refreshes, connect errors, page errors and non-200 answers, server log lines at level error or above.`,
      ],
      rows,
      notes: [],
      details: { durationS, readers, warmupS, rssGrowthMiBPerHour: rssGrowth, heapGrowthMiBPerHour: heapGrowth, rawSampleGrowthMiBPerHour: rawGrowth, afterForcedGc: gcSamples.map((sample) => ({ t: round(sample.t), rssMiB: round(sample.rssBytes / 2 ** 20), heapMiB: round(sample.heapBytes / 2 ** 20) })), check, notStored, connectedAtEnd: status.connected, home, articlePage, drip: drip.stats(), slow: slowHost.stats("slow"), serverErrors: serverErrors.slice(0, 20), samples: samples.map((sample) => ({ t: round(sample.t), rssMiB: round(sample.rssBytes / 2 ** 20), heapMiB: round(sample.heapBytes / 2 ** 20), liveClients: sample.liveClients, eventLoopP99Ms: sample.eventLoopP99Ms })) },
    };
  } finally {
    await Promise.allSettled(loaders.map((loader) => loader.stop()));
    stopLoaders();
    await fleet.stop();
    stopFleet();
    await server?.stop({ removeDb: false });
    stopServer();
    removeSqlite(dbFile);
    await Promise.allSettled([fixture.close(), slowHost.close(), drip.close()]);
    closeHosts();
  }
}

export const soak: Scenario = { name: "soak", title: "Soak: memory, errors and delivery over a long run", onlyWhenNamed: true, run };
