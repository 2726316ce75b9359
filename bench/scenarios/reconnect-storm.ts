// Scenario 3: reconnect storm. 5k Socket.IO clients (two load processes) are connected when the server is
// restarted: SIGTERM, then started again on the same port with the same database. Articles are published
// just before the restart, while it is down, and during and after the reconnect storm. Every client behaves
// like the homepage: it reconnects after "io server disconnect", its handshake carries the newest cursor it
// has, and it sends `resume {cursor}` on every connect.
// Reported: how many clients are back within 10 s (from the moment the new server listens, and from the
// SIGTERM), the reconnect-time distribution, and for every client whether it received every article
// published after it first connected at least once and exactly once.
import path from "node:path";
import { startFixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { freePort } from "../../tests/helpers/newswire-server";
import { BaselineServer } from "../lib/baseline";
import { headlineGenerator, summaryFor } from "../lib/headlines";
import { LiveFleet } from "../lib/live-fleet";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import type { Row } from "../lib/results";
import type { Scenario, ScenarioContext, ScenarioOutput } from "../lib/scenario";
import { roundSummary, summarize } from "../lib/stats";
import { ensureDir, removeSqlite, round, sleep, waitUntil, wallNow, WORK_DIR } from "../lib/util";

/**
 * The floor: the same clients against a bare Socket.IO server (bench/baselines/bare-socketio.ts) restarted
 * the same way. No resume, no database: how fast clients can come back at all with Socket.IO's back-off.
 */
async function baselineStorm(context: ScenarioContext, fleet: LiveFleet, clients: number) {
  const port = await freePort();
  let baseline = await BaselineServer.start("bare-socketio", undefined, port);
  const stop = onCleanup(() => baseline.stop());
  try {
    await fleet.connect(baseline.url, "socketio", clients, "0");
    await waitUntil(async () => (await fleet.status()).connected >= clients, 30_000, 200);
    const sigterm = wallNow();
    await baseline.stop();
    baseline = await BaselineServer.start("bare-socketio", undefined, port);
    const listening = wallNow();
    await waitUntil(async () => (await fleet.status()).connected >= clients, context.quick ? 15_000 : 30_000, 100);
    const perClient = await fleet.perClient();
    const fromListen: number[] = [];
    const fromSigterm: number[] = [];
    for (const client of perClient) {
      const back = client.connects.find((time) => time > sigterm);
      if (back !== undefined) {
        fromListen.push(back - listening);
        fromSigterm.push(back - sigterm);
      }
    }
    return {
      downtimeMs: round(listening - sigterm),
      backIn10sFromListen: fromListen.filter((value) => value <= 10_000).length,
      backIn10sFromSigterm: fromSigterm.filter((value) => value <= 10_000).length,
      fromListen: roundSummary(summarize(fromListen)),
    };
  } finally {
    await fleet.closeClients();
    await baseline.stop();
    stop();
  }
}

async function run(context: ScenarioContext): Promise<ScenarioOutput> {
  const clients = context.quick ? 100 : 5000;
  const headline = headlineGenerator(3);
  const fixture = await startFixtureFeedServer();
  const closeFixture = onCleanup(() => fixture.close());
  const dbFile = path.join(ensureDir(WORK_DIR), `storm-${process.pid}-${Date.now()}.db`);
  const port = await freePort();
  const start = (label: string) => NewswireServer.start({ name: `storm-${label}`, dbFile, port, cpuProfDir: context.profileDir });
  let server = await start("first");
  const stopCurrent = onCleanup(async () => void (await server.stop()));
  const fleet = await LiveFleet.start(2);
  const stopFleet = onCleanup(() => fleet.stop());
  const published: { title: string; phase: string; at: number }[] = [];
  const events: Record<string, number> = {};
  try {
    const source = await server.addSource(fixture.feedUrl("storm"), "Bench Storm", "world");
    await waitUntil(async () => server.newLogLines().some((line) => line.msg === "feed refreshed"), 15_000);
    const publish = (phase: string) => {
      const title = `${headline()} (storm ${phase})`;
      fixture.publish("storm", { title, description: summaryFor(title) });
      published.push({ title, phase, at: wallNow() });
      return title;
    };
    publish("warm-up");
    await server.refresh(source.id);
    await waitUntil(async () => (await server.latestCursor()) !== "0", 10_000);
    const initialCursor = await server.latestCursor();

    const connect = await fleet.connect(server.url, "socketio", clients, initialCursor);
    await waitUntil(async () => (await fleet.status()).connected >= clients, 30_000, 200);
    context.log(`${(await fleet.status()).connected}/${clients} clients connected in ${Math.round(connect.ms)} ms`);

    // Live, before the restart: everyone should get it the ordinary way.
    const before = publish("before");
    await server.refresh(source.id);
    await waitUntil(async () => (await fleet.counts([before]))[0] >= clients, 15_000, 20);

    // One refresh in flight as SIGTERM arrives, one article published while the server is down.
    publish("at-sigterm");
    await server.refresh(source.id);
    events.sigterm = wallNow();
    const stopped = server.stop({ removeDb: false });
    await sleep(200);
    publish("while-down");
    await stopped;
    events.exited = wallNow();
    context.log(`server stopped ${Math.round(events.exited - events.sigterm)} ms after SIGTERM; starting it again on port ${port}`);
    server = await start("second");
    events.listening = wallNow();
    await server.profilePhase("storm");
    context.log(`server listening again ${Math.round(events.listening - events.sigterm)} ms after SIGTERM`);
    // During the storm the server may be too busy to accept the admin's connection at once: retry, and
    // record how long the refresh call took.
    const refreshTimes: Record<string, number> = {};
    const refreshDuringStorm = async (phase: string) => {
      const started = wallNow();
      for (let attempt = 0; ; attempt++) {
        try {
          await server.refresh(source.id);
          refreshTimes[phase] = round(wallNow() - started);
          return;
        } catch (error) {
          if (wallNow() - started > 30_000) throw error;
          await sleep(200);
        }
      }
    };
    // Ingest what was published while it was down, while the clients are reconnecting.
    await refreshDuringStorm("while-down");
    const stormTimers = Promise.all([
      sleep(context.quick ? 300 : 1000).then(async () => {
        publish("storm+1s");
        await refreshDuringStorm("storm+1s");
      }),
      sleep(context.quick ? 800 : 3000).then(async () => {
        publish("storm+3s");
        await refreshDuringStorm("storm+3s");
      }),
    ]);
    stormTimers.catch(() => undefined); // awaited below; keep an early failure from being "unhandled"
    await waitUntil(async () => (await fleet.status()).connected >= clients, context.quick ? 15_000 : 30_000, 100);
    events.allBack = wallNow();
    await stormTimers;
    // After the storm: live again.
    await sleep(context.quick ? 300 : 1000);
    const after = publish("after");
    await server.refresh(source.id);
    await waitUntil(async () => (await fleet.counts([after]))[0] >= clients, 15_000, 20);
    await sleep(context.quick ? 300 : 1000);

    // Every article stored after the clients' starting cursor, from the server's own API.
    const { articles } = await server.json<{ articles: { id: number; title: string }[] }>("GET", "/api/articles?limit=100");
    const expected = articles.filter((article) => article.id > Number(initialCursor));
    const expectedIds = new Set(expected.map((article) => article.id));
    const perClient = await fleet.perClient();
    const finalStatus = await fleet.status();

    let allAtLeastOnce = 0;
    let allExactlyOnce = 0;
    let missingDeliveries = 0;
    let duplicateDeliveries = 0;
    const missedByArticle = new Map<number, number>();
    const duplicatedByArticle = new Map<number, number>();
    const connectsVsDuplicates: Record<string, { clients: number; withDuplicates: number }> = {};
    const reconnectFromListen: number[] = [];
    const reconnectFromSigterm: number[] = [];
    let neverBack = 0;
    for (const client of perClient) {
      const counts = new Map(client.received);
      let missing = 0;
      let duplicates = 0;
      for (const id of expectedIds) {
        const count = counts.get(id) ?? 0;
        if (count === 0) {
          missing += 1;
          missedByArticle.set(id, (missedByArticle.get(id) ?? 0) + 1);
        }
        if (count > 1) {
          duplicates += count - 1;
          duplicatedByArticle.set(id, (duplicatedByArticle.get(id) ?? 0) + count - 1);
        }
      }
      missingDeliveries += missing;
      duplicateDeliveries += duplicates;
      if (missing === 0) allAtLeastOnce += 1;
      if (missing === 0 && duplicates === 0) allExactlyOnce += 1;
      const reconnects = client.connects.filter((time) => time > events.sigterm).length;
      const bucket = reconnects > 1 ? "reconnected more than once" : "reconnected once";
      const tally = (connectsVsDuplicates[bucket] ??= { clients: 0, withDuplicates: 0 });
      tally.clients += 1;
      if (duplicates > 0) tally.withDuplicates += 1;
      const back = client.connects.find((time) => time > events.sigterm);
      if (back === undefined) neverBack += 1;
      else {
        reconnectFromListen.push(back - events.listening);
        reconnectFromSigterm.push(back - events.sigterm);
      }
    }
    const within = (samples: number[], ms: number) => samples.filter((value) => value <= ms).length;
    const backIn10sFromListen = within(reconnectFromListen, 10_000);
    const backIn10sFromSigterm = within(reconnectFromSigterm, 10_000);
    const pct = (n: number) => round((100 * n) / clients, 2);
    const fromListen = roundSummary(summarize(reconnectFromListen));
    const fromSigterm = roundSummary(summarize(reconnectFromSigterm));
    const judge = (ok: boolean) => (context.quick ? null : ok);
    await fleet.closeClients();
    const floor = await baselineStorm(context, fleet, clients);
    context.log(`floor (bare Socket.IO restarted): down ${floor.downtimeMs} ms; back within 10 s of listening ${floor.backIn10sFromListen}/${clients}; reconnect p50 ${floor.fromListen.p50} p99 ${floor.fromListen.p99} ms`);
    context.log(
      `back within 10 s of listening: ${backIn10sFromListen}/${clients}; of SIGTERM: ${backIn10sFromSigterm}/${clients}; ` +
        `all articles ≥1×: ${allAtLeastOnce}/${clients}, exactly once: ${allExactlyOnce}/${clients}; missing ${missingDeliveries}, duplicates ${duplicateDeliveries}`,
    );

    const rows: Row[] = [
      { case: `${clients} clients`, measure: "downtime: SIGTERM → exited → listening again (ms)", value: `${Math.round(events.exited - events.sigterm)} → ${Math.round(events.listening - events.sigterm)}`, baseline: `→ ${floor.downtimeMs}`, target: "(context)", pass: null },
      { case: `${clients} clients`, measure: "back within 10 s of listening again", value: `${backIn10sFromListen} (${pct(backIn10sFromListen)} %)`, baseline: `${floor.backIn10sFromListen} (${pct(floor.backIn10sFromListen)} %)`, target: "≥ 99 %", pass: judge(backIn10sFromListen >= 0.99 * clients) },
      { case: `${clients} clients`, measure: "back within 10 s of SIGTERM", value: `${backIn10sFromSigterm} (${pct(backIn10sFromSigterm)} %)`, baseline: `${floor.backIn10sFromSigterm} (${pct(floor.backIn10sFromSigterm)} %)`, target: "≥ 99 % (stricter reading)", pass: judge(backIn10sFromSigterm >= 0.99 * clients) },
      { case: `${clients} clients`, measure: "reconnect after listening p50 / p99 / max (ms)", value: `${fromListen.p50} / ${fromListen.p99} / ${fromListen.max}`, baseline: `${floor.fromListen.p50} / ${floor.fromListen.p99} / ${floor.fromListen.max}`, ratio: round(fromListen.p99 / floor.fromListen.p99, 2), target: "(floor: bare Socket.IO)", pass: null },
      { case: `${clients} clients`, measure: "clients with every article ≥ 1×", value: `${allAtLeastOnce}/${clients}`, target: "all (zero missed)", pass: judge(allAtLeastOnce === clients) },
      { case: `${clients} clients`, measure: "clients with every article exactly 1×", value: `${allExactlyOnce}/${clients}`, target: "(reported)", pass: null },
      { case: `${clients} clients`, measure: "missed / duplicate deliveries", value: `${missingDeliveries} / ${duplicateDeliveries}`, target: "0 missed", pass: judge(missingDeliveries === 0) },
    ];
    return {
      method: [
        `${clients} Socket.IO clients (websocket transport) in 2 load processes, behaving like components/live/use-live-articles.ts: handshake auth {cursor: newest}, emit resume {cursor} on every connect, socket.connect() after "io server disconnect", Socket.IO's default back-off (1 s doubling to 5 s, ±50 %).`,
        "The server is stopped with SIGTERM (its graceful shutdown) and started again with the same port and database file (tests/helpers/newswire-server.ts).",
        "Articles: one live before the restart, one refreshed just before SIGTERM, one published while down (ingested by a refresh as soon as the new server listens), two during the storm (+1 s, +3 s), one after.",
        "Expected per client: every article stored after the cursor the clients started with (GET /api/articles after the run). Reconnect time: the client's first connect event after SIGTERM.",
        "Floor: the same number of clients against bench/baselines/bare-socketio.ts, restarted the same way (SIGTERM, start on the same port); no resume, no database.",
      ],
      rows,
      notes: [],
      details: {
        clients,
        events: Object.fromEntries(Object.entries(events).map(([key, value]) => [key, round(value - events.sigterm)])),
        reconnectFromListenMs: fromListen,
        reconnectFromSigtermMs: fromSigterm,
        neverBack,
        finalConnected: finalStatus.connected,
        connectErrors: finalStatus.connectErrors,
        expectedArticles: expected.map((article) => ({ id: article.id, title: article.title, missedBy: missedByArticle.get(article.id) ?? 0, extraCopies: duplicatedByArticle.get(article.id) ?? 0 })),
        published: published.map((entry) => ({ ...entry, at: round(entry.at - events.sigterm) })),
        refreshCallMs: refreshTimes,
        connectsVsDuplicates,
        floor,
        allAtLeastOnce,
        allExactlyOnce,
        missingDeliveries,
        duplicateDeliveries,
      },
    };
  } finally {
    await fleet.stop();
    stopFleet();
    await server.stop({ removeDb: false });
    stopCurrent();
    removeSqlite(dbFile);
    await fixture.close();
    closeFixture();
  }
}

export const reconnectStorm: Scenario = { name: "reconnect-storm", title: "Reconnect storm after a server restart", run };
