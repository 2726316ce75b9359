// Scenarios 1 and 2: live fan-out over Socket.IO and over SSE.
//
// For each size (1k, 5k, 10k connected clients, held by two load processes) an article is published on the
// loopback fixture feed and POST /api/sources/:id/refresh is called; every client records when the article
// reached it. Latency is measured from the moment the refresh is requested (what a reader waits for after a
// publisher publishes and the source is checked), and separately from the server's emit, taken from the
// server's own "feed refreshed" log line (written right before the articles are handed to the bus).
// The floor, in the same run: a bare Node server (bench/baselines/bare-*.ts) that does nothing but emit the
// same payload to the same number of clients, triggered by an HTTP POST.
// Heap per idle client: heapUsed after a forced full GC with N clients, minus the same with none, over N.
import { startFixtureFeedServer, type FixtureFeedServer } from "../../tests/helpers/fixture-feed-server";
import { BaselineServer } from "../lib/baseline";
import { headlineGenerator, summaryFor } from "../lib/headlines";
import { LiveFleet, type Transport } from "../lib/live-fleet";
import { NewswireServer } from "../lib/newswire";
import { onCleanup } from "../lib/procs";
import { promValue } from "../lib/prom";
import type { Row } from "../lib/results";
import { cpuMsOf, kb, type Scenario, type ScenarioContext, type ScenarioOutput } from "../lib/scenario";
import { roundSummary, summarize, type Summary } from "../lib/stats";
import { round, sleep, waitUntil, wallNow } from "../lib/util";

export type Target = {
  label: string;
  url: string;
  /** Publishes one article titled `title`; resolves with the request time (t0) and, when known, the emit time. */
  publish(title: string): Promise<{ t0: number; emittedAt?: number; stages?: Record<string, number> }>;
  heap(): Promise<{ bytes: number; method: string }>;
  pid(): number | undefined;
  /** The cursor new clients connect with (the homepage's newest article; "0" for the baselines). */
  cursor(): Promise<string>;
  serverEventLoop?(): Promise<{ p99: number; max: number }>;
  /** --profile: start a new CPU profile phase. */
  profilePhase?(label: string): Promise<void>;
};

export type SizeResult = {
  clients: number;
  connected: number;
  connectMs: number;
  connectErrors: number;
  heapBytes: number;
  heapPerClientBytes: number;
  heapMethod: string;
  articles: number;
  delivered: number;
  expected: number;
  /** Per client and article: ms from the refresh (or emit) request to receipt. */
  fromRequest: Summary;
  /** Per client and article: ms from the server's emit to receipt. */
  fromEmit: Summary | null;
  /** Per article: ms from the request to the server's emit (ingestion). */
  requestToEmit: Summary | null;
  /** Per article: ms from the request until the last client had it. */
  lastClient: Summary;
  perArticleLastClientMs: number[];
  /** The slowest articles by request→last client, with where the server's check spent its time. */
  slowest: { lastClientMs: number; requestToEmitMs?: number; stages?: Record<string, number> }[];
  loadEventLoop: { p50: number; p99: number; max: number };
  serverEventLoop?: { p99: number; max: number };
  serverCpuMsPerArticle: number;
  loadRssMiB: number;
};

type Trial = { title: string; t0: number; emittedAt?: number; stages?: Record<string, number> };

type Side = { target: Target; heap0: { bytes: number; method: string }; trials: Trial[]; results: SizeResult[]; cpuBefore: number; connect?: { ms: number; connectErrors: number; lastError: string }; heap?: { bytes: number; method: string } };

/**
 * Measures Newswire and its floor side by side: both servers stay up with the same number of clients, and
 * their articles alternate (A B, B A, …), so drift in the machine's background load hits both alike.
 */
export async function measurePair(
  context: ScenarioContext,
  targets: Target[],
  transport: Transport,
  sizes: number[],
  articlesPerSize: number,
  titles: (label: string) => string,
  settleMs: number,
  /** Articles published to each side after its readers connected and before the measured ones, not counted. */
  warmupArticles = 0,
): Promise<Record<string, SizeResult[]>> {
  const fleet = await LiveFleet.start(2);
  const stopFleet = onCleanup(() => fleet.stop());
  try {
    const sides: Side[] = [];
    for (const target of targets) {
      const heap0 = await target.heap();
      context.log(`${target.label}: heap with no clients ${kb(heap0.bytes)} KiB (${heap0.method})`);
      sides.push({ target, heap0, trials: [], results: [], cpuBefore: 0 });
    }
    let connectedSoFar = 0;
    for (const size of sizes) {
      for (const side of sides) {
        const started = wallNow();
        await side.target.profilePhase?.(`connect-${size}`);
        const connect = await fleet.connect(side.target.url, transport, size - connectedSoFar, await side.target.cursor());
        await waitUntil(async () => ((await fleet.status()).connectedByUrl[side.target.url] ?? 0) >= size, 10_000, 200);
        side.connect = { ms: wallNow() - started, connectErrors: connect.connectErrors, lastError: connect.lastError };
        context.log(`${side.target.label}: ${size} ${transport} clients, +${size - connectedSoFar} connected in ${Math.round(side.connect.ms)} ms (${connect.connectErrors} connect errors${connect.lastError ? `, last: ${connect.lastError}` : ""})`);
      }
      connectedSoFar = size;
      await sleep(settleMs);
      for (const side of sides) side.heap = await side.target.heap();
      for (let i = 0; i < warmupArticles; i++) {
        for (const side of sides) {
          const title = `${titles(side.target.label)} (warm-up)`;
          await side.target.publish(title);
          await waitUntil(async () => (await fleet.counts([title]))[0] >= size, context.quick ? 5_000 : 15_000, 10);
          await sleep(context.quick ? 100 : 250);
        }
      }
      await fleet.eventLoop();
      const serverLoops = new Map<string, { p99: number; max: number }>();
      for (const side of sides) {
        await side.target.profilePhase?.(`articles-${size}`);
        await side.target.serverEventLoop?.();
        side.cpuBefore = cpuMsOf(side.target.pid());
        side.trials = [];
      }
      for (let i = 0; i < articlesPerSize; i++) {
        const order = i % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          const title = titles(side.target.label);
          const trial = { title, ...(await side.target.publish(title)) };
          await waitUntil(async () => (await fleet.counts([title]))[0] >= size, context.quick ? 5_000 : 15_000, 10);
          side.trials.push(trial);
          // Let every event loop drain before the next article, so articles are measured one at a time.
          await sleep(context.quick ? 100 : 250);
        }
      }
      const loadEventLoop = await fleet.eventLoop();
      const fleetStatus = await fleet.status();
      for (const side of sides) {
        const cpuAfter = cpuMsOf(side.target.pid());
        const serverEventLoop = await side.target.serverEventLoop?.();
        if (serverEventLoop) serverLoops.set(side.target.label, serverEventLoop);
        const receipts = await fleet.receipts(side.trials.map((trial) => trial.title));
        const fromRequest: number[] = [];
        const fromEmit: number[] = [];
        const requestToEmit: number[] = [];
        const lastClient: number[] = [];
        const perTrial: SizeResult["slowest"] = [];
        let delivered = 0;
        for (const trial of side.trials) {
          const times = receipts.get(trial.title) ?? [];
          delivered += times.length;
          let last = 0;
          for (const time of times) {
            fromRequest.push(time - trial.t0);
            if (trial.emittedAt !== undefined) fromEmit.push(time - trial.emittedAt);
            last = Math.max(last, time);
          }
          if (trial.emittedAt !== undefined) requestToEmit.push(trial.emittedAt - trial.t0);
          if (times.length > 0) lastClient.push(last - trial.t0);
          if (times.length > 0) perTrial.push({ lastClientMs: round(last - trial.t0), requestToEmitMs: trial.emittedAt === undefined ? undefined : round(trial.emittedAt - trial.t0), stages: trial.stages });
        }
        const slowest = perTrial.sort((a, b) => b.lastClientMs - a.lastClientMs).slice(0, 3);
        const result: SizeResult = {
          clients: size,
          connected: fleetStatus.connectedByUrl[side.target.url] ?? 0,
          connectMs: round(side.connect?.ms ?? NaN),
          connectErrors: side.connect?.connectErrors ?? 0,
          heapBytes: side.heap!.bytes,
          heapPerClientBytes: (side.heap!.bytes - side.heap0.bytes) / size,
          heapMethod: side.heap!.method,
          articles: side.trials.length,
          delivered,
          expected: size * side.trials.length,
          fromRequest: roundSummary(summarize(fromRequest)),
          fromEmit: fromEmit.length ? roundSummary(summarize(fromEmit)) : null,
          requestToEmit: requestToEmit.length ? roundSummary(summarize(requestToEmit)) : null,
          lastClient: roundSummary(summarize(lastClient)),
          perArticleLastClientMs: lastClient.map((value) => round(value)),
          slowest,
          loadEventLoop: { p50: round(loadEventLoop.p50), p99: round(loadEventLoop.p99), max: round(loadEventLoop.max) },
          serverEventLoop,
          serverCpuMsPerArticle: round((cpuAfter - side.cpuBefore) / side.trials.length),
          loadRssMiB: round(fleetStatus.rssBytes / 2 ** 20),
        };
        context.log(
          `${side.target.label} @${size}: refresh→receive p50 ${result.fromRequest.p50} p99 ${result.fromRequest.p99} max ${result.fromRequest.max} ms; ` +
            `emit→receive p99 ${result.fromEmit?.p99 ?? "n/a"} ms; delivered ${delivered}/${result.expected}; heap/client ${round(result.heapPerClientBytes / 1024, 2)} KiB; server CPU ${result.serverCpuMsPerArticle} ms/article`,
        );
        const stagesText = (stages?: Record<string, number>) => (stages ? Object.entries(stages).map(([name, ms]) => `${name.replace(/Ms$/, "")} ${ms}`).join(", ") : "n/a");
        context.log(`${side.target.label} @${size}: slowest articles (request→last client; request→emit; the check's stages in ms): ${slowest.map((trial) => `${trial.lastClientMs}; ${trial.requestToEmitMs ?? "n/a"}; ${stagesText(trial.stages)}`).join(" | ")}`);
        side.results.push(result);
      }
      await fleet.resetReceipts();
    }
    await fleet.closeClients();
    return Object.fromEntries(sides.map((side) => [side.target.label, side.results]));
  } finally {
    await fleet.stop();
    stopFleet();
  }
}

/**
 * A Newswire server as a fan-out target: each article is published on fixture feed `feed`, then
 * POST /api/sources/:id/refresh; the emit time is the server's "feed refreshed" log line for that source.
 */
export function newswireFanoutTarget(server: NewswireServer, fixture: FixtureFeedServer, feed: string, sourceId: number, label: string): Target {
  return {
    label,
    url: server.url,
    async publish(title) {
      fixture.publish(feed, { title, description: summaryFor(title), imageUrl: "https://img.example.com/wire.jpg" });
      server.newLogLines(); // skip earlier lines: only this refresh's "feed refreshed" counts
      const t0 = wallNow();
      await server.refresh(sourceId);
      // The emit time: the server logs "feed refreshed" (ISO time, ms) right before publishing to the bus.
      let emittedAt: number | undefined;
      let stages: Record<string, number> | undefined;
      await waitUntil(() => {
        for (const line of server.newLogLines()) {
          if (line.msg === "feed refreshed" && line.sourceId === sourceId && (line.inserted ?? 0) > 0 && line.time && Date.parse(line.time) >= t0 - 1) {
            emittedAt = Date.parse(line.time);
            stages = line.ms as Record<string, number> | undefined;
          }
        }
        return emittedAt !== undefined;
      }, 10_000, 5);
      return { t0, emittedAt, stages };
    },
    heap: () => server.heapUsed(),
    pid: () => server.serverPid(),
    cursor: () => server.latestCursor(),
    profilePhase: (label) => server.profilePhase(label),
    async serverEventLoop() {
      const samples = await server.metrics();
      return {
        p99: round(promValue(samples, "newswire_nodejs_eventloop_lag_p99_seconds") * 1000),
        max: round(promValue(samples, "newswire_nodejs_eventloop_lag_max_seconds") * 1000),
      };
    },
  };
}

export function latencyCell(summary: Summary | null): string {
  return summary ? `${summary.p50} / ${summary.p99} / ${summary.max}` : "n/a";
}

async function runFanout(context: ScenarioContext, transport: Transport): Promise<ScenarioOutput> {
  const sizes = context.quick ? [10, 30] : [1000, 5000, 10000];
  const articlesPerSize = context.quick ? 2 : 12;
  const settleMs = context.quick ? 200 : 2000;
  const heapTarget = transport === "socketio" ? 10 : 8;
  const headline = headlineGenerator(transport === "socketio" ? 11 : 12);
  let serial = 0;
  const nextTitle = (who: string) => () => `${headline()} (${who} ${transport} ${++serial})`;

  const fixture: FixtureFeedServer = await startFixtureFeedServer();
  const closeFixture = onCleanup(() => fixture.close());
  const server = await NewswireServer.start({ name: `fanout-${transport}`, inspect: true, cpuProfDir: context.profileDir });
  const stopServer = onCleanup(async () => void (await server.stop()));
  const baseline = await BaselineServer.start(transport === "socketio" ? "bare-socketio" : "bare-sse", context.profileDir);
  const stopBaseline = onCleanup(() => baseline.stop());
  let measured: Record<string, SizeResult[]>;
  let sampleArticle: Record<string, unknown>;
  try {
    const source = await server.addSource(fixture.feedUrl("wire"), "Bench Wire", "world");
    await waitUntil(async () => server.newLogLines().some((line) => line.msg === "feed refreshed" || line.msg?.startsWith("feed check failed")), 15_000);
    // Warm-up articles with nobody connected: the ingest path's first runs compile and fill caches.
    for (let i = 0; i < (context.quick ? 1 : 3); i++) {
      const title = nextTitle("warm-up")();
      fixture.publish("wire", { title, description: summaryFor(title), imageUrl: "https://img.example.com/wire.jpg" });
      await server.refresh(source.id);
      await sleep(300);
    }
    // The baseline emits exactly what Newswire emits: a real Article DTO from this server.
    sampleArticle = (await server.json<{ articles: Record<string, unknown>[] }>("GET", "/api/articles?limit=1")).articles[0];
    let baselineId = 1_000_000;
    const newswireTarget = newswireFanoutTarget(server, fixture, "wire", source.id, "newswire");
    const baselineTarget: Target = {
      label: "baseline",
      url: baseline.url,
      async publish(title) {
        baselineId += 1;
        const article = { ...sampleArticle, id: baselineId, cursor: String(baselineId), title };
        const t0 = wallNow();
        const { emittedAt } = await baseline.emit(article);
        return { t0, emittedAt };
      },
      heap: () => baseline.heapUsed(),
      pid: () => baseline.child.pid,
      cursor: async () => "0",
    };
    measured = await measurePair(context, [newswireTarget, baselineTarget], transport, sizes, articlesPerSize, (label) => nextTitle(label)(), settleMs);
  } finally {
    await Promise.allSettled([server.stop(), baseline.stop()]);
    stopServer();
    stopBaseline();
    await fixture.close();
    closeFixture();
  }
  const newswire = { sizes: measured.newswire };
  const floor = { sizes: measured.baseline };

  const rows: Row[] = [];
  const judge = (ok: boolean) => (context.quick ? null : ok);
  for (let i = 0; i < sizes.length; i++) {
    const n = newswire.sizes[i];
    const b = floor.sizes[i];
    const label = `${n.clients >= 1000 ? `${n.clients / 1000}k` : n.clients} clients`;
    const ratio = n.fromRequest.p99 / b.fromRequest.p99;
    rows.push({ case: label, measure: "refresh→receive p50 / p99 / max (ms)", value: latencyCell(n.fromRequest), baseline: latencyCell(b.fromRequest), ratio: round(ratio, 2), target: "p99 ≤ 1.5× floor", pass: judge(ratio <= 1.5) });
    const emitRatio = n.fromEmit && b.fromEmit ? n.fromEmit.p99 / b.fromEmit.p99 : NaN;
    rows.push({ case: label, measure: "emit→receive p50 / p99 / max (ms)", value: latencyCell(n.fromEmit), baseline: latencyCell(b.fromEmit), ratio: round(emitRatio, 2), target: "(fan-out alone)", pass: null });
    rows.push({ case: label, measure: "refresh→emit p50 / p99 (ms)", value: n.requestToEmit ? `${n.requestToEmit.p50} / ${n.requestToEmit.p99}` : "n/a", baseline: b.requestToEmit ? `${b.requestToEmit.p50} / ${b.requestToEmit.p99}` : "n/a", target: "(ingestion alone)", pass: null });
    rows.push({
      case: label,
      measure: "delivered (client × article)",
      value: `${n.delivered}/${n.expected}`,
      baseline: `${b.delivered}/${b.expected}`,
      target: "all",
      pass: judge(n.delivered === n.expected && n.connected === n.clients),
    });
    rows.push({
      case: label,
      measure: "heap per idle client (KiB)",
      value: round(n.heapPerClientBytes / 1024, 2),
      baseline: round(b.heapPerClientBytes / 1024, 2),
      ratio: round(n.heapPerClientBytes / b.heapPerClientBytes, 2),
      target: `< ${heapTarget} KB`,
      pass: judge(n.heapPerClientBytes < heapTarget * 1000),
    });
  }

  return {
    method: [
      `${sizes.join(", ")} ${transport === "socketio" ? "Socket.IO (websocket transport)" : "SSE (/api/live)"} clients per server in 2 load processes (bench/lib/live-client-worker.ts), connected incrementally; ${articlesPerSize} articles per size and server, one at a time.`,
      "Newswire and its floor run side by side with the same number of clients each, and their articles alternate (A B, B A, …), so the machine's background load drifts over both alike.",
      "Newswire: a real production server (tests/helpers/newswire-server.ts) with one source on the loopback fixture feed; each article is published to the feed, then POST /api/sources/:id/refresh (admin). t0 = just before that request.",
      "Receive time: wall clock (bench/lib/wall-clock.ts: the monotonic clock anchored to Date.now()) in the load process when the client has parsed the article.",
      "Emit time: the server's 'feed refreshed' log line (pino, ms), logged after the commit, immediately before the articles go to the bus.",
      `Floor: bench/baselines/${transport === "socketio" ? "bare-socketio" : "bare-sse"}.ts, the same clients and payload (an Article taken from the Newswire run), triggered by an HTTP POST (t0 = just before it).`,
      "Heap per idle client: (heapUsed with N clients − heapUsed with none) / N, each after a forced full GC (Newswire: inspector HeapProfiler.collectGarbage ×2 then GET /metrics newswire_nodejs_heap_size_used_bytes; baseline: global.gc() ×2).",
      "Event-loop delay: perf_hooks.monitorEventLoopDelay in the load processes; the server's from /metrics (prom-client, reset on each scrape).",
    ],
    rows,
    notes: [],
    details: { transport, newswire, baseline: floor, sampleArticleBytes: Buffer.byteLength(JSON.stringify(sampleArticle)) },
  };
}

export const fanoutSocketIo: Scenario = {
  name: "fanout-socketio",
  title: "Live fan-out over Socket.IO",
  run: (context) => runFanout(context, "socketio"),
};

export const fanoutSse: Scenario = {
  name: "fanout-sse",
  title: "Live fan-out over SSE",
  run: (context) => runFanout(context, "sse"),
};
