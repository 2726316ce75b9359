// Scenario: the homepage while stories change. Every second an article arrives that joins a story already on
// the site (a second or third outlet covering an event), so the story desk (lib/ingest/story-desk.ts) updates
// a story and every page cache is dropped twice: for the article, then for the story. 50 keep-alive
// connections read `/` meanwhile (closed loop, from a separate load process).
// Baseline, same run: the same load while an article arrives every second that joins no story (an event
// nobody else covers): the article's cache drop alone. The two alternate in slices (A B, B A, …).
// Events are about invented places and things, so that an event's coverage shares its rare words with nothing
// else: whether an article joins a story is decided by the design of the input, and counted (story:update
// events received by a Socket.IO client of the runner).
import path from "node:path";
import { io } from "socket.io-client";
import { startFixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { HttpLoader, mergeReports, type LoadReport } from "../lib/http-load";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import type { Row } from "../lib/results";
import { waitForIdle, type Scenario, type ScenarioContext, type ScenarioOutput } from "../lib/scenario";
import { articleRows, createMigratedDatabase, insertArticles, insertSources, openDb } from "../lib/seed";
import { ensureDir, prng, removeSqlite, round, sleep, WORK_DIR } from "../lib/util";
import { BENCH_LIVE_ENV } from "../lib/site";

const SYLLABLES = "ka ri to mel an vos ter li na bro dex ul sa fen gor mo qua zen har pel tu vik ro lin dar cas bel ny".split(" ");

/**
 * Events in plain English about invented places and things: one event's coverage (up to three outlets, in
 * different words) shares its rare words and its figure; two events share only common words. Checked against
 * the story matcher: every second and third outlet joins the first's story, no lone event joins any.
 */
function eventWriter(seed: number) {
  const random = prng(seed);
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join("");
  return () => {
    const place = word().replace(/^./, (c) => c.toUpperCase());
    const [thing, site] = [word(), word()];
    const amount = 10 + Math.floor(random() * 80);
    const titles = [`${place} council approves ${amount} million ${thing} plan`, `Council in ${place} backs ${thing} plan worth ${amount} million`, `${place} approves ${thing} scheme costing ${amount} million`];
    const summary = `The council in ${place} said on Monday that the ${thing} plan for the ${site} would cost ${amount} million and that work would start in the spring.`;
    return {
      /** Outlet `n`'s headline and summary of the event (0, 1 or 2). */
      coverage: (n: number) => ({ title: titles[n % 3], summary }),
    };
  };
}

function cacheCell(report: LoadReport): string {
  return `${report.cacheHeaders.hit ?? 0} / ${report.cacheHeaders.stale ?? 0} / ${report.cacheHeaders.none ?? 0}`;
}

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const articleCount = context.quick ? 2_000 : 100_000;
  const CONNECTIONS = context.quick ? 5 : 50;
  const sliceMs = context.quick ? 2_500 : 8_000;
  const slices = context.quick ? 1 : 3;
  const warmupMs = context.quick ? 200 : 1_000;
  const dbFile = path.join(ensureDir(WORK_DIR), `homepage-stories-${process.pid}-${Date.now()}.db`);
  const fixture = await startFixtureFeedServer();
  const closeFixture = onCleanup(() => fixture.close());
  let server: NewswireServer | undefined;
  const stopServer = onCleanup(async () => void (await server?.stop({ removeDb: false })));
  const loader = await HttpLoader.start();
  const stopLoader = onCleanup(() => loader.stop());
  let socket: ReturnType<typeof io> | undefined;
  try {
    await createMigratedDatabase(dbFile);
    const db = openDb(dbFile);
    const sourceIds = insertSources(
      db,
      Array.from({ length: 20 }, (_, i) => ({ slug: `seed-source-${i}`, name: `Seed Source ${i}`, feedUrl: `https://feeds.example.com/seed-${i}.xml`, category: "world", nextCheckAt: new Date("2100-01-01T00:00:00Z") })),
    );
    const seedMs = insertArticles(db, articleRows(articleCount, sourceIds));
    db.close();
    context.log(`seeded ${articleCount} articles in ${Math.round(seedMs)} ms`);
    server = await NewswireServer.start({ name: "homepage-stories", dbFile, cpuProfDir: context.profileDir, env: BENCH_LIVE_ENV });

    // Three outlets for the stories, one for the articles that join none.
    const desks = [];
    for (const name of ["desk-a", "desk-b", "desk-c", "lone"]) desks.push({ id: (await server.addSource(fixture.feedUrl(name), `Bench ${name}`)).id, name });
    const [deskA, deskB, deskC, lone] = desks;
    const newEvent = eventWriter(17);
    // Enough events already covered once by desk A: each article of the story phase is their second or third.
    const perPhaseSeconds = Math.ceil((slices * (sliceMs + warmupMs)) / 1000) + 4;
    const events = Array.from({ length: Math.ceil(perPhaseSeconds / 2) + 1 }, () => newEvent());
    for (const event of events) {
      const { title, summary } = event.coverage(0);
      fixture.publish(deskA.name, { title, description: summary });
    }
    await server.refresh(deskA.id);
    await sleep(1000);

    let storyUpdates = 0;
    socket = io(server.url, { transports: ["websocket"], forceNew: true });
    socket.on("story:update", () => (storyUpdates += 1));
    await new Promise<void>((resolve, reject) => {
      socket!.once("connect", () => resolve());
      socket!.once("connect_error", reject);
    });
    await waitForIdle(server.serverPid(), context.quick ? 10_000 : 60_000);
    for (let i = 0; i < 3; i++) await server.request("GET", "/");

    let joining = 0;
    const nextJoining = () => {
      const n = joining++;
      const event = events[Math.floor(n / 2) % events.length];
      const desk = n % 2 === 0 ? deskB : deskC;
      return { desk, ...event.coverage(1 + (n % 2)) };
    };
    const publishEverySecond = (next: () => { desk: { name: string; id: number }; title: string; summary: string }) => {
      let running = true;
      let published = 0;
      const done = (async () => {
        while (running) {
          const item = next();
          fixture.publish(item.desk.name, { title: item.title, description: item.summary });
          await server!.refresh(item.desk.id);
          published += 1;
          await sleep(1000);
        }
      })();
      return async () => {
        running = false;
        await done;
        return published;
      };
    };

    const reports: Record<"stories" | "lone", LoadReport[]> = { stories: [], lone: [] };
    const published = { stories: 0, lone: 0 };
    const updates = { stories: 0, lone: 0 };
    for (let slice = 0; slice < slices; slice++) {
      const order: ("stories" | "lone")[] = slice % 2 === 0 ? ["stories", "lone"] : ["lone", "stories"];
      for (const phase of order) {
        const before = storyUpdates;
        const stop = publishEverySecond(phase === "stories" ? nextJoining : () => ({ desk: lone, ...newEvent().coverage(0) }));
        try {
          reports[phase].push(await loader.run({ url: `${server.url}/`, connections: CONNECTIONS, durationMs: sliceMs, warmupMs }, true));
        } finally {
          published[phase] += await stop();
        }
        // Story updates come from the desk a moment after the article: count them with their own phase.
        await sleep(1500);
        updates[phase] += storyUpdates - before;
      }
    }
    const stories = mergeReports(reports.stories);
    const alone = mergeReports(reports.lone);
    context.log(`stories updating: / p50 ${round(stories.latency.p50, 1)} p99 ${round(stories.latency.p99, 1)} ms, ${round(stories.rps)} req/s, cache ${cacheCell(stories)}, ${published.stories} articles, ${updates.stories} story updates`);
    context.log(`articles joining no story: / p50 ${round(alone.latency.p50, 1)} p99 ${round(alone.latency.p99, 1)} ms, ${round(alone.rps)} req/s, cache ${cacheCell(alone)}, ${published.lone} articles, ${updates.lone} story updates`);

    const judge = (ok: boolean) => (context.quick ? null : ok);
    const label = `${CONNECTIONS} conns, 1 article/s`;
    const non200 = (report: LoadReport) => Object.entries(report.statuses).filter(([status]) => status !== "200").reduce((sum, [, n]) => sum + n, 0);
    const errors = stories.errors + alone.errors + non200(stories) + non200(alone);
    const rows: Row[] = [
      { case: label, measure: "homepage p50 / p99 (ms): joining stories vs joining none", value: `${round(stories.latency.p50, 1)} / ${round(stories.latency.p99, 1)}`, baseline: `${round(alone.latency.p50, 1)} / ${round(alone.latency.p99, 1)}`, ratio: round(stories.latency.p99 / alone.latency.p99, 2), target: "p99 < 50 ms", pass: judge(stories.latency.p99 < 50) },
      { case: label, measure: "req/s", value: round(stories.rps), baseline: round(alone.rps), ratio: round(stories.rps / alone.rps, 2), target: "(context)", pass: null },
      { case: label, measure: "page cache: hit / stale / rendered", value: cacheCell(stories), baseline: cacheCell(alone), target: "served from cache", pass: judge((stories.cacheHeaders.none ?? 0) <= 0.01 * stories.requests) },
      { case: label, measure: "articles published / story updates received", value: `${published.stories} / ${updates.stories}`, baseline: `${published.lone} / ${updates.lone}`, target: "an update per article joining", pass: judge(updates.stories >= published.stories * 0.9 && updates.lone === 0) },
      { case: label, measure: "errors and non-200 answers", value: errors, target: "0", pass: judge(errors === 0) },
    ];
    const describe = (report: LoadReport) => {
      delete report.latenciesMs;
      return { rps: round(report.rps), p50: round(report.latency.p50, 2), p99: round(report.latency.p99, 2), max: round(report.latency.max, 2), requests: report.requests, errors: report.errors, statuses: report.statuses, pageCache: report.cacheHeaders };
    };
    return {
      method: [
        `${articleCount} articles from 20 sources seeded with one better-sqlite3 transaction, then the production server started on it (SQLite: the story desk runs in-process).`,
        `Stories: before the run, desk A covers ${events.length} events (one article each). During the story slices, every second desk B or C publishes the same event in other words (same invented place, thing and figure) and its source is refreshed: the article joins the event's story, the desk sends story:update and the page caches drop.`,
        "Baseline: the same, but every second a new event (another invented place and thing) that no other outlet covers (the article's cache drop, no story update).",
        `Load: bench/lib/http-load-worker.ts, ${CONNECTIONS} keep-alive connections on \`/\`, closed loop, Accept-Encoding as Chromium sends it; ${slices} slices of ${sliceMs / 1000} s per case after ${warmupMs} ms warm-up, alternating. Story updates are counted by a Socket.IO client of the runner.`,
      ],
      rows,
      notes: [],
      details: { articleCount, seedMs: round(seedMs), stories: { ...describe(stories), published: published.stories, storyUpdates: updates.stories }, noStory: { ...describe(alone), published: published.lone, storyUpdates: updates.lone } },
    };
  } finally {
    socket?.disconnect();
    await loader.stop();
    stopLoader();
    await server?.stop({ removeDb: false });
    stopServer();
    removeSqlite(dbFile);
    await fixture.close();
    closeFixture();
  }
}

export const homepageStories: Scenario = { name: "homepage-stories", title: "Homepage while stories update", run };
