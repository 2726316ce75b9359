// Scenario 4: the homepage with 100k articles in the database, against a trivial static page (/about) served
// by the same server in the same run. 50 keep-alive connections from a separate load process
// (bench/lib/http-load-worker.ts), closed loop. The two pages alternate in short runs (A B A B) so drift
// hits both alike. Three situations:
//   cached   – what anonymous readers normally get (server.ts's page cache, dropped on every publish);
//   strangers – readers with cookies (analytics, a load balancer's sticky cookie) and a unique ?utm_source= on
//               every request: once a full render each (43–46 req/s); now the same cache entry (docs/decisions/0008);
//   navigation – client-side navigations (RSC payloads, `rsc: 1` + router headers + `_rsc=`), cached apart;
//   ingesting – a new article is published every second, so the cache is dropped every second.
import path from "node:path";
import { computeCacheBustingSearchParam } from "next/dist/shared/lib/router/utils/cache-busting-search-param";
import { startFixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { headlineGenerator, summaryFor } from "../lib/headlines";
import { HttpLoader, mergeReports, type LoadReport } from "../lib/http-load";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import type { Row } from "../lib/results";
import type { Scenario, ScenarioContext, ScenarioOutput } from "../lib/scenario";
import { articleRows, createMigratedDatabase, insertArticles, insertSources, openDb } from "../lib/seed";
import { ensureDir, removeSqlite, round, sleep, WORK_DIR } from "../lib/util";


/** x-page-cache of the responses: "hit", "stale" (the previous page while a fresh one renders), or none (rendered). */
function cacheCell(report: LoadReport): string {
  return `${report.cacheHeaders.hit ?? 0} / ${report.cacheHeaders.stale ?? 0} / ${report.cacheHeaders.none ?? 0}`;
}

function describe(report: LoadReport) {
  // The raw samples stay out of the JSON.
  delete report.latenciesMs;
  return {
    rps: round(report.rps),
    p50: round(report.latency.p50, 2),
    p99: round(report.latency.p99, 2),
    max: round(report.latency.max, 2),
    requests: report.requests,
    errors: report.errors,
    statuses: report.statuses,
    pageCache: report.cacheHeaders,
    kibOnTheWirePerResponse: round(report.bytes / Math.max(1, report.requests) / 1024, 1),
    loaderEventLoopP99: round(report.loaderEventLoop.p99),
  };
}

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const articleCount = context.quick ? 2_000 : 100_000;
  const CONNECTIONS = context.quick ? 5 : 50;
  const sliceMs = context.quick ? 700 : 4_000;
  const slices = context.quick ? 1 : 2;
  const warmupMs = context.quick ? 200 : 1_000;
  const dbFile = path.join(ensureDir(WORK_DIR), `homepage-${process.pid}-${Date.now()}.db`);
  const fixture = await startFixtureFeedServer();
  const closeFixture = onCleanup(() => fixture.close());
  let server: NewswireServer | undefined;
  const stopServer = onCleanup(async () => void (await server?.stop({ removeDb: false })));
  const loader = await HttpLoader.start();
  const stopLoader = onCleanup(() => loader.stop());
  try {
    // ---- Seed: migrated by Prisma, then one raw transaction.
    const started = performance.now();
    await createMigratedDatabase(dbFile);
    const db = openDb(dbFile);
    const categories = ["world", "business", "technology", "science", "sport"];
    const sourceIds = insertSources(
      db,
      Array.from({ length: 20 }, (_, i) => ({
        slug: `seed-source-${i}`,
        name: `Seed Source ${i}`,
        feedUrl: `https://feeds.example.com/seed-${i}.xml`,
        category: categories[i % categories.length],
        // Never due: the seeded sources are not real feeds.
        nextCheckAt: new Date("2100-01-01T00:00:00Z"),
      })),
    );
    const seedMs = insertArticles(db, articleRows(articleCount, sourceIds));
    db.close();
    context.log(`seeded ${articleCount} articles in ${Math.round(seedMs)} ms (migrate + seed ${Math.round(performance.now() - started)} ms)`);

    server = await NewswireServer.start({ name: "homepage", dbFile, cpuProfDir: context.profileDir });
    const home = `${server.url}/`;
    const about = `${server.url}/about`;
    // /about is the static page to compare with; fall back to the icon if a checkout has no /about yet.
    const aboutStatus = (await server.request("GET", "/about")).status;
    const staticUrl = aboutStatus === 200 ? about : `${server.url}/icon.svg`;
    if (aboutStatus !== 200) context.log(`/about answered ${aboutStatus}: comparing with /icon.svg instead`);
    // Warm both (first render compiles, fills the page cache).
    for (let i = 0; i < 3; i++) {
      await server.request("GET", "/");
      await server.request("GET", new URL(staticUrl).pathname);
    }

    const interleaved = async (urls: { name: string; url: string; headers?: Record<string, string>; uniqueParam?: string }[]) => {
      const collected = new Map<string, LoadReport[]>();
      for (let slice = 0; slice < slices; slice++) {
        const order = slice % 2 === 0 ? urls : [...urls].reverse();
        for (const entry of order) {
          const report = await loader.run({ url: entry.url, connections: CONNECTIONS, durationMs: sliceMs, warmupMs, headers: entry.headers, uniqueParam: entry.uniqueParam }, true);
          collected.set(entry.name, [...(collected.get(entry.name) ?? []), report]);
        }
      }
      return Object.fromEntries([...collected].map(([name, reports]) => [name, mergeReports(reports)]));
    };

    // ---- Cached (the normal case), strangers (cookies + unique tracking parameters), client-side navigations.
    await server.profilePhase("cached");
    const cached = await interleaved([
      { name: "static", url: staticUrl },
      { name: "home", url: home },
    ]);
    context.log(`cached: / ${round(cached.home.rps)} req/s p99 ${round(cached.home.latency.p99, 1)} ms; static ${round(cached.static.rps)} req/s p99 ${round(cached.static.latency.p99, 1)} ms`);
    await server.profilePhase("strangers");
    const stranger = { cookie: "_ga=GA1.2.1234567890.1700000000; AWSALB=bench-sticky" };
    const strangers = await interleaved([
      { name: "static", url: staticUrl, headers: stranger, uniqueParam: "utm_source" },
      { name: "home", url: home, headers: stranger, uniqueParam: "utm_source" },
    ]);
    context.log(`strangers (cookie + unique utm_source): / ${round(strangers.home.rps)} req/s p99 ${round(strangers.home.latency.p99, 1)} ms; static ${round(strangers.static.rps)} req/s p99 ${round(strangers.static.latency.p99, 1)} ms`);
    await server.profilePhase("navigation");
    // What Chromium sends when a reader on the static page clicks a link (recorded from a real navigation).
    const routerState = async (from: string) => {
      const tree = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}, null, "refetch", 0] }, null, null, 16]));
      const hash = await computeCacheBustingSearchParam(undefined, undefined, tree, from);
      return { hash, headers: { ...stranger, rsc: "1", "next-router-state-tree": tree, "next-url": from } };
    };
    const toHome = await routerState(new URL(staticUrl).pathname);
    const toStatic = await routerState("/");
    const navigation = await interleaved([
      { name: "static", url: `${staticUrl}?_rsc=${toStatic.hash}`, headers: toStatic.headers },
      { name: "home", url: `${home}?_rsc=${toHome.hash}`, headers: toHome.headers },
    ]);
    context.log(`navigation (RSC): / ${round(navigation.home.rps)} req/s p99 ${round(navigation.home.latency.p99, 1)} ms; static ${round(navigation.static.rps)} req/s p99 ${round(navigation.static.latency.p99, 1)} ms`);

    // ---- While ingesting: one new article a second drops the page cache each time.
    await server.profilePhase("ingesting");
    const source = await server.addSource(fixture.feedUrl("breaking"), "Bench Breaking", "world");
    await sleep(500);
    const headline = headlineGenerator(5);
    let publishing = true;
    let publishedCount = 0;
    const publisher = (async () => {
      while (publishing) {
        const title = `${headline()} (breaking ${publishedCount})`;
        fixture.publish("breaking", { title, description: summaryFor(title) });
        await server!.refresh(source.id);
        publishedCount += 1;
        await sleep(1000);
      }
    })();
    let ingesting: LoadReport;
    try {
      ingesting = mergeReports([await loader.run({ url: home, connections: CONNECTIONS, durationMs: sliceMs * slices, warmupMs }, true)]);
    } finally {
      publishing = false;
      await publisher;
    }
    context.log(`ingesting (1 article/s): / ${round(ingesting.rps)} req/s p99 ${round(ingesting.latency.p99, 1)} ms; page cache ${JSON.stringify(ingesting.cacheHeaders)}`);

    const judge = (ok: boolean) => (context.quick ? null : ok);
    const staticName = staticUrl === about ? "/about" : "/icon.svg";
    const ratio = cached.home.rps / cached.static.rps;
    const rows: Row[] = [
      { case: `cached, ${CONNECTIONS} conns`, measure: `req/s (baseline: ${staticName})`, value: round(cached.home.rps), baseline: round(cached.static.rps), ratio: round(ratio, 2), target: "≥ 0.5× static", pass: judge(ratio >= 0.5) },
      { case: `cached, ${CONNECTIONS} conns`, measure: "p50 / p99 (ms)", value: `${round(cached.home.latency.p50, 1)} / ${round(cached.home.latency.p99, 1)}`, baseline: `${round(cached.static.latency.p50, 1)} / ${round(cached.static.latency.p99, 1)}`, target: "p99 < 50 ms", pass: judge(cached.home.latency.p99 < 50) },
      { case: `cached, ${CONNECTIONS} conns`, measure: "page cache: hit / stale / rendered", value: cacheCell(cached.home), baseline: cacheCell(cached.static), target: "(context)", pass: null },
      { case: `strangers: cookie + unique utm_source, ${CONNECTIONS} conns`, measure: `req/s (baseline: ${staticName}, same headers)`, value: round(strangers.home.rps), baseline: round(strangers.static.rps), ratio: round(strangers.home.rps / strangers.static.rps, 2), target: "≥ 0.5× static", pass: judge(strangers.home.rps >= 0.5 * strangers.static.rps) },
      { case: `strangers: cookie + unique utm_source, ${CONNECTIONS} conns`, measure: "p50 / p99 (ms)", value: `${round(strangers.home.latency.p50, 1)} / ${round(strangers.home.latency.p99, 1)}`, baseline: `${round(strangers.static.latency.p50, 1)} / ${round(strangers.static.latency.p99, 1)}`, target: "p99 < 50 ms", pass: judge(strangers.home.latency.p99 < 50) },
      { case: `strangers: cookie + unique utm_source, ${CONNECTIONS} conns`, measure: "page cache: hit / stale / rendered", value: cacheCell(strangers.home), baseline: cacheCell(strangers.static), target: "(context)", pass: null },
      { case: `client navigation (RSC), ${CONNECTIONS} conns`, measure: `req/s (baseline: ${staticName} payload)`, value: round(navigation.home.rps), baseline: round(navigation.static.rps), ratio: round(navigation.home.rps / navigation.static.rps, 2), target: "≥ 0.5× static", pass: judge(navigation.home.rps >= 0.5 * navigation.static.rps) },
      { case: `client navigation (RSC), ${CONNECTIONS} conns`, measure: "p50 / p99 (ms)", value: `${round(navigation.home.latency.p50, 1)} / ${round(navigation.home.latency.p99, 1)}`, baseline: `${round(navigation.static.latency.p50, 1)} / ${round(navigation.static.latency.p99, 1)}`, target: "p99 < 50 ms", pass: judge(navigation.home.latency.p99 < 50) },
      { case: `client navigation (RSC), ${CONNECTIONS} conns`, measure: "page cache: hit / stale / rendered", value: cacheCell(navigation.home), baseline: cacheCell(navigation.static), target: "(context)", pass: null },
      { case: `ingesting 1 article/s, ${CONNECTIONS} conns`, measure: `req/s (baseline: cached ${staticName})`, value: round(ingesting.rps), baseline: round(cached.static.rps), ratio: round(ingesting.rps / cached.static.rps, 2), target: "≥ 0.5× static", pass: judge(ingesting.rps >= 0.5 * cached.static.rps) },
      { case: `ingesting 1 article/s, ${CONNECTIONS} conns`, measure: "p50 / p99 (ms)", value: `${round(ingesting.latency.p50, 1)} / ${round(ingesting.latency.p99, 1)}`, target: "p99 < 50 ms", pass: judge(ingesting.latency.p99 < 50) },
      { case: `ingesting 1 article/s, ${CONNECTIONS} conns`, measure: "page cache: hit / stale / rendered", value: cacheCell(ingesting), target: "(context)", pass: null },
    ];
    return {
      method: [
        `${articleCount} articles from 20 sources seeded with one better-sqlite3 transaction into a database migrated by Prisma (FTS triggers fire), then the production server started on it.`,
        `Load: bench/lib/http-load-worker.ts in its own process, ${CONNECTIONS} keep-alive connections, closed loop, every response read in full, Accept-Encoding as Chromium sends it; ${slices} slices of ${sliceMs / 1000} s per page after ${warmupMs} ms warm-up, pages alternating.`,
        `Baseline: ${staticName}, a static page served by the same server in the same run.`,
        "Strangers: an analytics and a load balancer cookie, and a `?utm_source=` unique to every request (the page cache ignores both: docs/decisions/0008).",
        "Navigation: client-side navigations as Chromium sends them (`rsc: 1`, router state, `next-url`, `_rsc=` hash), from the static page to the homepage and back.",
        "Ingesting: a fixture source gets a new article every second (POST refresh), which drops the page cache each time.",
      ],
      rows,
      notes: staticUrl === about ? [] : ["/about did not exist: compared with /icon.svg"],
      details: { articleCount, seedMs: round(seedMs), cached: { home: describe(cached.home), static: describe(cached.static) }, strangers: { home: describe(strangers.home), static: describe(strangers.static) }, navigation: { home: describe(navigation.home), static: describe(navigation.static) }, ingesting: { home: describe(ingesting), articlesPublished: publishedCount } },
    };
  } finally {
    await loader.stop();
    stopLoader();
    await server?.stop({ removeDb: false });
    stopServer();
    removeSqlite(dbFile);
    await fixture.close();
    closeFixture();
  }
}

export const homepage: Scenario = { name: "homepage", title: "Homepage throughput with 100k articles", run };
