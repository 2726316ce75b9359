// Prometheus metrics for GET /metrics, served by server.ts (one registry per process).
import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "newswire_" });
  const feedChecks = new Counter({ name: "newswire_feed_checks_total", help: "Feed checks by outcome", labelNames: ["outcome"], registers: [registry] });
  const checkDuration = new Histogram({ name: "newswire_feed_check_seconds", help: "Duration of one feed check", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20], registers: [registry] });
  const storeDuration = new Histogram({
    name: "newswire_feed_store_seconds",
    help: "From a fetched feed body to its new articles committed: parse, normalize, sanitize, dedupe, insert",
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const articlesIngested = new Counter({ name: "newswire_articles_ingested_total", help: "New articles stored", registers: [registry] });
  const articlesDelivered = new Counter({ name: "newswire_articles_delivered_total", help: "Articles delivered to this instance's live readers (stored by any instance)", registers: [registry] });
  const liveClients = new Gauge({ name: "newswire_live_clients", help: "Connected live clients", labelNames: ["transport"], registers: [registry] });
  return { registry, feedChecks, checkDuration, storeDuration, articlesIngested, articlesDelivered, liveClients };
}

