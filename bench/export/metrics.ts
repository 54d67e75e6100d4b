// The metric families coldbench exports (Prometheus naming, base units: seconds, USD), built from
// the export model. Text formats, the Pushgateway and OTLP all serialise this one list.
import type { ExportModel, PhaseExport, TargetLabels } from './model.js';

/** Label name -> value, in output order. */
export type Labels = ReadonlyArray<readonly [string, string]>;

interface PointBase {
  labels: Labels;
  /** The origin the point belongs to (the Pushgateway grouping key). */
  origin: string;
  /** The run's start and end, epoch ms (OTLP start and end times). */
  startMs: number;
  endMs: number;
}

export interface SummaryPoint extends PointBase {
  /** [quantile, seconds]; NaN when the phase had no successful sample. */
  quantiles: Array<[number, number]>;
  sumSeconds: number;
  count: number;
  minSeconds: number | null;
  maxSeconds: number | null;
  /** Explicit histogram: inclusive upper bounds (seconds) and counts (bounds.length + 1 of them). */
  bounds: number[];
  bucketCounts: number[];
}

export interface ValuePoint extends PointBase {
  value: number;
}

export type MetricFamily =
  | { type: 'summary'; name: string; help: string; unit: 'seconds'; points: SummaryPoint[] }
  | { type: 'counter'; name: string; help: string; unit: ''; points: ValuePoint[] }
  | { type: 'gauge'; name: string; help: string; unit: 'seconds' | ''; points: ValuePoint[] };

export const QUANTILES: ReadonlyArray<[number, keyof PhaseExport['summary']]> = [
  [0.5, 'p50Us'],
  [0.9, 'p90Us'],
  [0.95, 'p95Us'],
  [0.99, 'p99Us'],
  [0.999, 'p999Us'],
];

const seconds = (us: number) => us / 1e6;

function targetLabels(t: TargetLabels): Array<[string, string]> {
  return [['origin', t.origin], ['target', t.target], ['kind', t.kind], ['region', t.region]];
}

/** Explicit bounds from HDR buckets: each recorded bucket [low, high] becomes its own bucket
 *  (low - 1, high] (integers in µs), so every count sits in a bucket no wider than the HDR
 *  resolution and any quantile read from it is as exact as the histogram itself. */
export function explicitBuckets(buckets: Array<[number, number, number]>): { bounds: number[]; counts: number[] } {
  const bounds: number[] = [];
  const counts: number[] = [];
  let last = -Infinity;
  for (const [low, high, count] of buckets) {
    if (low - 1 > last && low > 0) {
      bounds.push(low - 1);
      counts.push(0);
    }
    bounds.push(high);
    counts.push(count);
    last = high;
  }
  counts.push(0); // above the last bound
  return { bounds: bounds.map(seconds), counts };
}

function summaryPoint(p: PhaseExport, times: { startMs: number; endMs: number }): SummaryPoint {
  const s = p.summary;
  const empty = s.count === 0;
  const { bounds, counts } = explicitBuckets(p.buckets);
  return {
    labels: [...targetLabels(p), ['phase', p.phase]],
    origin: p.origin,
    ...times,
    quantiles: QUANTILES.map(([q, key]) => [q, empty ? NaN : seconds(s[key])]),
    sumSeconds: seconds(s.meanUs * s.count),
    count: s.count,
    minSeconds: empty ? null : seconds(s.minUs),
    maxSeconds: empty ? null : seconds(s.maxUs),
    bounds,
    bucketCounts: counts,
  };
}

export function metricFamilies(model: ExportModel): MetricFamily[] {
  const times = new Map(model.origins.map((o) => [o.origin, { startMs: o.startedAtMs, endMs: o.endedAtMs }]));
  const at = (origin: string) => times.get(origin) ?? { startMs: 0, endMs: 0 };
  const point = (t: TargetLabels, value: number, extra: Array<[string, string]> = []): ValuePoint => ({ labels: [...targetLabels(t), ...extra], origin: t.origin, ...at(t.origin), value });

  const latency: SummaryPoint[] = model.phases.map((p) => summaryPoint(p, at(p.origin)));
  const errors = model.phases.flatMap((p) => p.errors.map(([kind, n]) => point(p, n, [['phase', p.phase], ['error_kind', kind]])));
  const verified = model.phases.filter((p) => p.phase === 'cold' && p.verified !== null).map((p) => point(p, p.verified ?? 0));
  const penalty = model.targets.flatMap((t) => (t.coldPenaltyUs === null ? [] : [point(t, seconds(t.coldPenaltyUs))]));
  const rtt = model.targets.flatMap((t) => (t.rttUs === null ? [] : [point(t, seconds(t.rttUs))]));
  const cost = model.targets.flatMap((t) => (t.costUsdPer1M === null ? [] : [point(t, t.costUsdPer1M)]));
  const runs = model.origins.map((o): ValuePoint => ({ labels: [['origin', o.origin]], origin: o.origin, startMs: o.startedAtMs, endMs: o.endedAtMs, value: o.startedAtMs / 1000 }));

  return [
    { type: 'summary', name: 'coldbench_latency_seconds', unit: 'seconds', help: 'Latency of successful calls per origin, target and phase (cold: one sample per forced cold start; warm: every request under load).', points: latency },
    { type: 'counter', name: 'coldbench_errors_total', unit: '', help: 'Failed calls per origin, target, phase and error kind.', points: errors },
    { type: 'counter', name: 'coldbench_cold_verified_total', unit: '', help: 'Cold samples verified cold (platform init report or an instance never seen before).', points: verified },
    { type: 'gauge', name: 'coldbench_cold_penalty_seconds', unit: 'seconds', help: 'Cold p50 minus warm p50: what a cold start adds to a call.', points: penalty },
    { type: 'gauge', name: 'coldbench_rtt_seconds', unit: 'seconds', help: 'Round-trip time to the data-plane host (minimum TCP connect time).', points: rtt },
    { type: 'gauge', name: 'coldbench_cost_usd_per_million_requests', unit: '', help: 'Estimated cost of one million warm requests in USD (list prices, an estimate).', points: cost },
    { type: 'gauge', name: 'coldbench_run_timestamp_seconds', unit: 'seconds', help: 'Start of the exported run, Unix time.', points: runs },
  ];
}
