// Bencher Metric Format (BMF) JSON for `bencher run --adapter json`: one benchmark per
// origin x target x phase, named `<origin>/<target>/<phase>`; measures keyed by slug. `latency`
// is Bencher's built-in Latency measure (nanoseconds): the p50, with min and max as its lower and
// upper values. The other percentiles are measures of their own (also nanoseconds), created by
// Bencher on first use; warm phases add the built-in `throughput` (requests/s); every phase has
// `error-rate` (failed / all calls, 0..1).
import type { ExportModel, PhaseExport } from './model.js';

export interface BmfMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}
export type Bmf = Record<string, Record<string, BmfMetric>>;

const NS_PER_US = 1000;
const PERCENTILE_MEASURES: ReadonlyArray<[string, keyof PhaseExport['summary']]> = [
  ['latency-p90', 'p90Us'],
  ['latency-p95', 'p95Us'],
  ['latency-p99', 'p99Us'],
  ['latency-p999', 'p999Us'],
];

export function benchmarkName(p: Pick<PhaseExport, 'origin' | 'target' | 'phase'>): string {
  return `${p.origin}/${p.target}/${p.phase}`;
}

export function bmfOf(model: ExportModel): Bmf {
  const out: Bmf = {};
  for (const p of model.phases) {
    const s = p.summary;
    const measures: Record<string, BmfMetric> = {};
    if (s.count > 0) {
      measures.latency = { value: s.p50Us * NS_PER_US, lower_value: s.minUs * NS_PER_US, upper_value: s.maxUs * NS_PER_US };
      for (const [slug, key] of PERCENTILE_MEASURES) measures[slug] = { value: s[key] * NS_PER_US };
    }
    if (p.throughputRps !== null) measures.throughput = { value: p.throughputRps };
    if (p.errorRate !== null) measures['error-rate'] = { value: p.errorRate };
    if (Object.keys(measures).length > 0) out[benchmarkName(p)] = measures;
  }
  return out;
}

export function renderBmf(model: ExportModel): string {
  return JSON.stringify(bmfOf(model), null, 2) + '\n';
}
