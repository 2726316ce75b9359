// Percentiles over raw samples (we keep every sample: at most a few hundred thousand numbers).

export type Summary = { n: number; p50: number; p90: number; p95: number; p99: number; max: number; mean: number };

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest-rank: the smallest sample with at least p% of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples as ArrayLike<number>).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

export function roundSummary(summary: Summary, digits = 1): Summary {
  const r = (value: number) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);
  return { n: summary.n, p50: r(summary.p50), p90: r(summary.p90), p95: r(summary.p95), p99: r(summary.p99), max: r(summary.max), mean: r(summary.mean) };
}
