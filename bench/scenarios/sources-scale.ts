// Scenario: 10,000 sources must not stall the site. A database with 10k sources (a share failing, a share
// never checked, names with XML special characters) and 50k articles, seeded with one better-sqlite3
// transaction. Measured one request at a time (/sources is never in the page cache: it shows live health):
//   /sources (first page, and the page its "Next" link leads to): HTML size and render time;
//   /api/sources (default page and limit=1000), and walking every page of it by cursor;
//   /api/opml: size, time to first byte, total time; the server's peak RSS afterwards.
// Then the stall itself: 4 connections render /sources back to back (closed loop, from a separate load
// process) while this process probes /api/health one request after another; a probe is timed from send to
// last byte, and a probe still in flight when the window closes is waited for and counted.
// Baseline in the same run: the same stall with /search (no query: the lightest page the server renders on
// every request, never cached either) in place of /sources.
// The scenario copes with servers from before paging (one /sources page, no nextCursor), so it measures
// "before" and "after" alike.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { HttpLoader } from "../lib/http-load";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import type { Row } from "../lib/results";
import { cpuMsOf, type Scenario, type ScenarioContext, type ScenarioOutput } from "../lib/scenario";
import { summarize, roundSummary, type Summary } from "../lib/stats";
import { articleRows, createMigratedDatabase, insertArticles, insertSources, isoDb, openDb } from "../lib/seed";
import { ensureDir, prng, removeSqlite, round, sleep, WORK_DIR } from "../lib/util";


type Timed = { status: number; bytes: number; ms: number; ttfbMs: number; body: string; chunked: boolean };

/** One GET, no Accept-Encoding (bytes are the uncompressed size), timed from send to the last byte. */
function timedGet(url: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers, agent: false }, (response) => {
      const ttfbMs = performance.now() - started;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, bytes: body.length, ms: performance.now() - started, ttfbMs, body: body.toString("utf8"), chunked: response.headers["transfer-encoding"] === "chunked" });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/**
 * The same request `samples` times in a row: latency summary, the last response, and the server's CPU time
 * per request (user + system, from /proc; steadier than wall time on a busy machine).
 */
async function sample(url: string, samples: number, serverPid?: number): Promise<{ latency: Summary; last: Timed; cpuMs: number }> {
  const times: number[] = [];
  let last: Timed | undefined;
  const cpuBefore = cpuMsOf(serverPid);
  for (let i = 0; i < samples; i++) {
    last = await timedGet(url);
    if (last.status !== 200) throw new Error(`GET ${url} → ${last.status}: ${last.body.slice(0, 200)}`);
    times.push(last.ms);
  }
  return { latency: summarize(times), last: last!, cpuMs: (cpuMsOf(serverPid) - cpuBefore) / samples };
}

/** The href of the page's rel="next" link (paged /sources), if any. */
function nextLink(html: string): string | null {
  const match = html.match(/<a\b[^>]*\brel="next"[^>]*>/) ?? null;
  const href = match?.[0].match(/\bhref="([^"]+)"/)?.[1];
  return href ? href.replace(/&amp;/g, "&") : null;
}

function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(status.match(/^VmHWM:\s+(\d+)/m)?.[1]);
    return round(kib / 1024, 1);
  } catch {
    return NaN;
  }
}

const kib = (bytes: number) => round(bytes / 1024, 1);
const ms = (value: number) => round(value, 1);

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const sourceCount = context.quick ? 500 : 10_000;
  const articleCount = context.quick ? 2_000 : 50_000;
  const samples = context.quick ? 2 : 5;
  const stallWindowMs = context.quick ? 3_000 : 20_000;
  const dbFile = path.join(ensureDir(WORK_DIR), `sources-scale-${process.pid}-${Date.now()}.db`);
  let server: NewswireServer | undefined;
  const stopServer = onCleanup(async () => void (await server?.stop({ removeDb: false })));
  const loader = await HttpLoader.start();
  const stopLoader = onCleanup(() => loader.stop());
  try {
    // ---- Seed.
    const started = performance.now();
    await createMigratedDatabase(dbFile);
    const db = openDb(dbFile);
    const random = prng(11);
    const categories = ["world", "business", "technology", "science", "sport", "culture", "health", "politics"];
    const words = ["Daily", "Evening", "Morning", "Global", "Local", "Herald", "Times", "Post", "Wire", "Gazette", "Courier", "Tribune"];
    const sourceIds = insertSources(
      db,
      Array.from({ length: sourceCount }, (_, i) => ({
        slug: `scale-source-${i}`,
        // Varied, unordered names (paging is by name); every 97th has the characters XML must escape.
        name: `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]} ${i}${i % 97 === 0 ? ` & Sons <"Scoop"> 'Extra'` : ""}`,
        feedUrl: `https://feeds${i % 50}.example.com/feeds/${i}.xml?a=1&b=2`,
        category: categories[i % categories.length],
        // Never due: the seeded sources are not real feeds.
        nextCheckAt: new Date("2100-01-01T00:00:00Z"),
      })),
    );
    // Health as a real site would show it: most checked fine, 4 % failing, 2 % never checked.
    const checkedAt = isoDb(new Date(Date.now() - 5 * 60_000));
    db.prepare(`UPDATE "Source" SET "lastFetchedAt" = ?, "lastSuccessAt" = ? WHERE id % 50 <> 0`).run(checkedAt, checkedAt);
    db.prepare(`UPDATE "Source" SET "lastError" = 'HTTP 503 Service Unavailable', "errorCount" = 3 WHERE id % 25 = 1`).run();
    const seedMs = insertArticles(db, articleRows(articleCount, sourceIds, { seed: 13 }));
    db.close();
    context.log(`seeded ${sourceCount} sources, ${articleCount} articles in ${Math.round(performance.now() - started)} ms (articles ${Math.round(seedMs)} ms)`);

    server = await NewswireServer.start({ name: "sources-scale", dbFile, cpuProfDir: context.profileDir });
    const base = server.url;
    // First renders compile and warm Prisma; not measured.
    await timedGet(`${base}/sources`);
    await timedGet(`${base}/api/sources`);

    // ---- One request at a time.
    await server.profilePhase("single");
    const pid = server.serverPid();
    const idleHealth = await sample(`${base}/api/health`, context.quick ? 10 : 50);
    const firstPage = await sample(`${base}/sources`, samples, pid);
    const secondHref = nextLink(firstPage.last.body);
    const secondPage = secondHref ? await sample(new URL(secondHref, base).toString(), samples, pid) : null;
    const lightPage = await sample(`${base}/search`, samples, pid);
    const rowsOnFirstPage = (firstPage.last.body.match(/data-testid="source-row"/g) ?? []).length;
    context.log(`/sources: ${kib(firstPage.last.bytes)} KiB, ${rowsOnFirstPage} rows, p50 ${ms(firstPage.latency.p50)} ms, server CPU ${ms(firstPage.cpuMs)} ms (/search ${ms(lightPage.cpuMs)} ms); next page: ${secondPage ? `${kib(secondPage.last.bytes)} KiB, p50 ${ms(secondPage.latency.p50)} ms` : "none"}`);

    const apiDefault = await sample(`${base}/api/sources`, samples, pid);
    const apiMax = await sample(`${base}/api/sources?limit=1000`, samples, pid);
    // Every page of the API by cursor: how long a client takes to read all sources, and whether it sees each once.
    const walkStarted = performance.now();
    const seen = new Set<number>();
    let pages = 0;
    let duplicates = 0;
    for (let cursor: string | null = null; ; ) {
      const page = await timedGet(`${base}/api/sources?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      const body = JSON.parse(page.body) as { sources: { id: number }[]; nextCursor?: string | null };
      pages += 1;
      for (const source of body.sources) {
        if (seen.has(source.id)) duplicates += 1;
        else seen.add(source.id);
      }
      cursor = body.nextCursor ?? null;
      if (!cursor || pages > sourceCount) break;
    }
    const walkMs = performance.now() - walkStarted;
    context.log(`/api/sources: default ${kib(apiDefault.last.bytes)} KiB p50 ${ms(apiDefault.latency.p50)} ms; limit=1000 ${kib(apiMax.last.bytes)} KiB p50 ${ms(apiMax.latency.p50)} ms; all ${seen.size} in ${pages} pages, ${ms(walkMs)} ms, ${duplicates} duplicates`);

    const rssBeforeOpml = peakRssMiB(server.serverPid());
    const opml = await sample(`${base}/api/opml`, samples, pid);
    const opmlOutlines = (opml.last.body.match(/xmlUrl="/g) ?? []).length;
    const rssAfterOpml = peakRssMiB(server.serverPid());
    context.log(`/api/opml: ${kib(opml.last.bytes)} KiB, ${opmlOutlines} feeds, ttfb ${ms(opml.last.ttfbMs)} ms, p50 ${ms(opml.latency.p50)} ms, chunked ${opml.last.chunked}; server peak RSS ${rssBeforeOpml} → ${rssAfterOpml} MiB`);

    // ---- The stall: 4 uncached renders in a loop, /api/health probed meanwhile; /sources, then the same
    // with /search (no query) as the baseline: how much longer health waits behind /sources than behind
    // the lightest page the server renders.
    const stall = async (pathname: string) => {
      await server!.profilePhase(`stall${pathname.replace(/\//g, "-")}`);
      const renders = loader.run({ url: `${base}${pathname}`, connections: 4, durationMs: stallWindowMs, warmupMs: 0 });
      // Let the four renders start before the first probe.
      await sleep(200);
      const times: number[] = [];
      const statuses: Record<string, number> = {};
      const windowEnds = performance.now() + stallWindowMs - 200;
      while (performance.now() < windowEnds) {
        const probe = await timedGet(`${base}/api/health`, {});
        times.push(probe.ms);
        statuses[probe.status] = (statuses[probe.status] ?? 0) + 1;
        await sleep(50);
      }
      const report = await renders;
      const health = summarize(times);
      context.log(`stall behind ${pathname}: /api/health p50 ${ms(health.p50)} / p99 ${ms(health.p99)} / max ${ms(health.max)} ms over ${health.n} probes; renders ${report.requests}, p50 ${ms(report.latency.p50)} ms`);
      return { health, statuses, report };
    };
    const sourcesStall = await stall("/sources");
    const lightStall = await stall("/search");
    const health = sourcesStall.health;
    const renderReport = sourcesStall.report;
    const healthRatio = health.p99 / lightStall.health.p99;

    const judge = (ok: boolean) => (context.quick ? null : ok);
    const rows: Row[] = [
      { case: `/sources, ${sourceCount} sources`, measure: "HTML size (KiB, uncompressed)", value: kib(firstPage.last.bytes), target: "≤ 512 KiB", pass: judge(firstPage.last.bytes <= 512 * 1024) },
      { case: `/sources, ${sourceCount} sources`, measure: "render p50 / max (ms), one at a time", value: `${ms(firstPage.latency.p50)} / ${ms(firstPage.latency.max)}`, target: "p50 ≤ 250 ms", pass: judge(firstPage.latency.p50 <= 250) },
      { case: `/sources, ${sourceCount} sources`, measure: "server CPU per render (ms; baseline: /search)", value: ms(firstPage.cpuMs), baseline: ms(lightPage.cpuMs), ratio: round(firstPage.cpuMs / lightPage.cpuMs, 1), target: "(context)", pass: null },
      { case: "/sources, the page after (its Next link)", measure: "HTML KiB; render p50 (ms)", value: secondPage ? `${kib(secondPage.last.bytes)}; ${ms(secondPage.latency.p50)}` : "no Next link", target: "(context)", pass: null },
      { case: "GET /api/sources (default)", measure: "size (KiB); p50 (ms); server CPU (ms)", value: `${kib(apiDefault.last.bytes)}; ${ms(apiDefault.latency.p50)}; ${ms(apiDefault.cpuMs)}`, target: "(context)", pass: null },
      { case: "GET /api/sources?limit=1000", measure: "size (KiB); p50 (ms); server CPU (ms)", value: `${kib(apiMax.last.bytes)}; ${ms(apiMax.latency.p50)}; ${ms(apiMax.cpuMs)}`, target: "(context)", pass: null },
      { case: "every source by cursor, limit=1000", measure: "pages; ms; seen / duplicates", value: `${pages}; ${ms(walkMs)}; ${seen.size} / ${duplicates}`, target: `${sourceCount} / 0`, pass: judge(seen.size === sourceCount && duplicates === 0) },
      { case: "GET /api/opml", measure: "KiB; ttfb / total p50 (ms)", value: `${kib(opml.last.bytes)}; ${ms(opml.last.ttfbMs)} / ${ms(opml.latency.p50)}`, target: `${sourceCount} feeds`, pass: judge(opmlOutlines === sourceCount) },
      { case: "server peak RSS", measure: "before / after the OPML exports (MiB)", value: `${rssBeforeOpml} / ${rssAfterOpml}`, target: "(context)", pass: null },
      {
        case: "GET /api/health during 4 parallel uncached renders",
        measure: "p50 / p99 / max (ms); baseline: behind /search",
        value: `${ms(health.p50)} / ${ms(health.p99)} / ${ms(health.max)}`,
        baseline: `${ms(lightStall.health.p50)} / ${ms(lightStall.health.p99)} / ${ms(lightStall.health.max)}`,
        ratio: round(healthRatio, 2),
        target: "p99 ≤ 2× behind /search",
        pass: judge(healthRatio <= 2),
      },
      { case: "GET /api/health, idle server", measure: "p50 / p99 / max (ms)", value: `${ms(idleHealth.latency.p50)} / ${ms(idleHealth.latency.p99)} / ${ms(idleHealth.latency.max)}`, target: "(context)", pass: null },
      { case: "4 parallel uncached renders", measure: "renders done; p50 / max (ms); baseline: /search", value: `${renderReport.requests}; ${ms(renderReport.latency.p50)} / ${ms(renderReport.latency.max)}`, baseline: `${lightStall.report.requests}; ${ms(lightStall.report.latency.p50)} / ${ms(lightStall.report.latency.max)}`, target: "(context)", pass: null },
    ];
    return {
      method: [
        `${sourceCount} sources (4 % failing, 2 % never checked, every 97th name with & < > " ') and ${articleCount} articles, seeded with one better-sqlite3 transaction into a database migrated by Prisma; the production server started on it.`,
        `One request at a time from the runner (no Accept-Encoding, so sizes are uncompressed; /sources is never in the page cache): ${samples} samples each of /sources, the page its rel="next" link leads to, /api/sources, /api/sources?limit=1000, /api/opml; then every /api/sources page by cursor.`,
        `The stall: bench/lib/http-load-worker.ts renders /sources on 4 keep-alive connections back to back for ${stallWindowMs / 1000} s, while the runner sends /api/health one request after another (50 ms apart), each timed send → last byte, the last one waited for.`,
        "Baseline: the same stall with /search (no query; never cached) rendered instead, right after, same server; /api/health on the idle server for context. Peak RSS is VmHWM of the server process.",
      ],
      rows,
      notes: [],
      details: {
        sourceCount,
        articleCount,
        rowsOnFirstPage,
        sourcesPage: { bytes: firstPage.last.bytes, latency: roundSummary(firstPage.latency), serverCpuMs: ms(firstPage.cpuMs) },
        nextPage: secondPage ? { href: secondHref, bytes: secondPage.last.bytes, latency: roundSummary(secondPage.latency), serverCpuMs: ms(secondPage.cpuMs) } : null,
        lightPage: { path: "/search", bytes: lightPage.last.bytes, latency: roundSummary(lightPage.latency), serverCpuMs: ms(lightPage.cpuMs) },
        apiDefault: { bytes: apiDefault.last.bytes, latency: roundSummary(apiDefault.latency), serverCpuMs: ms(apiDefault.cpuMs) },
        apiLimit1000: { bytes: apiMax.last.bytes, latency: roundSummary(apiMax.latency), serverCpuMs: ms(apiMax.cpuMs) },
        walk: { pages, ms: ms(walkMs), seen: seen.size, duplicates },
        opml: { bytes: opml.last.bytes, outlines: opmlOutlines, ttfbMs: ms(opml.last.ttfbMs), chunked: opml.last.chunked, latency: roundSummary(opml.latency), serverCpuMs: ms(opml.cpuMs) },
        peakRssMiB: { beforeOpml: rssBeforeOpml, afterOpml: rssAfterOpml },
        healthIdle: roundSummary(idleHealth.latency),
        healthDuringRenders: { ...roundSummary(health), statuses: sourcesStall.statuses },
        healthDuringLightRenders: { ...roundSummary(lightStall.health), statuses: lightStall.statuses },
        rendersDuringStall: { requests: renderReport.requests, errors: renderReport.errors, statuses: renderReport.statuses, latency: roundSummary(renderReport.latency), kibOnTheWirePerResponse: kib(renderReport.bytes / Math.max(1, renderReport.requests)) },
        lightRendersDuringStall: { requests: lightStall.report.requests, errors: lightStall.report.errors, latency: roundSummary(lightStall.report.latency) },
      },
    };
  } finally {
    await loader.stop();
    stopLoader();
    await server?.stop({ removeDb: false });
    stopServer();
    removeSqlite(dbFile);
  }
}

export const sourcesScale: Scenario = { name: "sources-scale", title: "10,000 sources: /sources, /api/sources, OPML, and /api/health under load", run };
