// summary.csv (one row per origin x target x phase) and samples.csv (one row per cold sample).
// The contract's columns come first, in order; extra columns follow. Cells are formula-safe.
import { stringify } from 'csv-stringify/sync';
import type { RunResults, TargetResult } from '../results/types.js';
import { msFromUs } from './format.js';

export const SUMMARY_COLUMNS = [
  'origin', 'target', 'kind', 'region', 'phase', 'samples', 'errors',
  'min_ms', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'stddev_ms',
] as const;
const SUMMARY_EXTRA = [
  'status', 'verified', 'not_cold', 'unverified', 'strategy', 'model', 'requests', 'throughput_rps', 'errors_by_kind',
  'rate', 'scheduled', 'sent', 'late', 'dropped',
  'cost_per_1m_requests_estimate', 'cost_per_cold_start_estimate', 'cost_currency', 'cost_prices_date',
] as const;

export const SAMPLE_COLUMNS = [
  'origin', 'target', 'kind', 'region', 'phase', 'seq', 'started_at', 'latency_ms', 'status', 'error', 'cold', 'init_ms',
] as const;
const SAMPLE_EXTRA = ['strategy', 'instance', 'control_plane_ms', 'dns_ms', 'connect_ms', 'tls_ms', 'ttfb_ms'] as const;

const CSV_OPTIONS = {
  header: true,
  escape_formulas: true,
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
} as const;

function errorsText(byKind: Record<string, number | undefined>): string {
  return Object.entries(byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([kind, n]) => `${kind}:${n}`)
    .join(' ');
}

export function summaryRows(results: RunResults): Record<string, string | number | boolean | null>[] {
  const rows: Record<string, string | number | boolean | null>[] = [];
  for (const t of results.targets) {
    for (const phase of ['cold', 'warm'] as const) {
      const p = t.phases[phase];
      if (!p) continue;
      const s = p.summary;
      // A phase with no sample in its histogram has no latencies: empty cells, not zeros.
      const ms = (us: number) => (s.count > 0 ? msFromUs(us) : '');
      rows.push({
        origin: t.origin, target: t.name, kind: t.kind, region: t.region, phase,
        samples: s.count, errors: s.errors,
        min_ms: ms(s.minUs), p50_ms: ms(s.p50Us), p90_ms: ms(s.p90Us), p95_ms: ms(s.p95Us),
        p99_ms: ms(s.p99Us), p999_ms: ms(s.p999Us), max_ms: ms(s.maxUs), mean_ms: ms(s.meanUs), stddev_ms: ms(s.stddevUs),
        status: t.status,
        verified: 'verified' in p ? p.verified : null,
        not_cold: 'notCold' in p ? p.notCold : null,
        unverified: 'unverified' in p ? p.unverified : null,
        strategy: 'strategy' in p ? p.strategy : null,
        model: 'model' in p ? p.model : null,
        requests: 'requests' in p ? p.requests : s.count + s.errors,
        throughput_rps: 'throughputRps' in p ? p.throughputRps : null,
        errors_by_kind: errorsText(p.errorsByKind),
        // Open model only: the schedule's accounting (scheduled = sent + dropped).
        rate: 'rate' in p ? (p.rate ?? null) : null,
        scheduled: 'scheduled' in p ? (p.scheduled ?? null) : null,
        sent: 'sent' in p ? (p.sent ?? null) : null,
        late: 'late' in p ? (p.late ?? null) : null,
        dropped: 'dropped' in p ? (p.dropped ?? null) : null,
        // Cost is per target; it goes on the phase it describes.
        cost_per_1m_requests_estimate: phase === 'warm' ? (t.cost?.per1MRequests ?? null) : null,
        cost_per_cold_start_estimate: phase === 'cold' ? (t.cost?.perColdStart ?? null) : null,
        cost_currency: t.cost?.currency ?? null,
        cost_prices_date: t.cost?.pricesDate ?? null,
      });
    }
  }
  return rows;
}

export function renderSummaryCsv(results: RunResults): string {
  return stringify(summaryRows(results), { ...CSV_OPTIONS, columns: [...SUMMARY_COLUMNS, ...SUMMARY_EXTRA] });
}

/** Extra platform columns (extra.*) present in any sample, in a stable order. */
function extraKeys(targets: TargetResult[]): string[] {
  const keys = new Set<string>();
  for (const t of targets) for (const s of t.phases.cold?.samples ?? []) for (const k of Object.keys(s.extra)) keys.add(k);
  return [...keys].sort();
}

/** billedDurationMs -> billed_duration_ms, like the contract's columns. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function renderSamplesCsv(results: RunResults): string {
  const extras = extraKeys(results.targets);
  const rows: Record<string, string | number | boolean | null>[] = [];
  for (const t of results.targets) {
    for (const s of t.phases.cold?.samples ?? []) {
      const row: Record<string, string | number | boolean | null> = {
        origin: t.origin, target: t.name, kind: t.kind, region: t.region, phase: 'cold',
        seq: s.seq, started_at: s.startedAt, latency_ms: msFromUs(s.latencyUs), status: s.status, error: s.error,
        cold: s.cold, init_ms: msFromUs(s.initUs),
        strategy: s.strategy, instance: s.instance, control_plane_ms: msFromUs(s.controlPlaneUs),
        dns_ms: msFromUs(s.dnsUs), connect_ms: msFromUs(s.connectUs), tls_ms: msFromUs(s.tlsUs), ttfb_ms: msFromUs(s.ttfbUs),
      };
      for (const key of extras) row[snakeCase(key)] = s.extra[key] ?? null;
      rows.push(row);
    }
  }
  return stringify(rows, { ...CSV_OPTIONS, columns: [...SAMPLE_COLUMNS, ...SAMPLE_EXTRA, ...extras.map(snakeCase)] });
}
