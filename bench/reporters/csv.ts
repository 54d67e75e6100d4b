// summary.csv (one row per origin x target x phase) and samples.csv (one row per cold sample).
// The contract's columns come first, in order; extra columns follow. Cells are formula-safe.
import { stringify } from 'csv-stringify/sync';
import type { RunResults, TargetResult } from '../results/types.js';
import { buildReportModel, type ReportModel } from '../report-model/model.js';
import { msFromUs } from '../units.js';
import { BURST_SUMMARY_EXTRA, withBurstRows } from './experiments-csv.js';

export const SUMMARY_COLUMNS = [
  'origin', 'target', 'kind', 'region', 'phase', 'samples', 'errors',
  'min_ms', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'stddev_ms',
] as const;
const SUMMARY_EXTRA = [
  'status', 'verified', 'not_cold', 'unverified', 'strategy', 'model', 'requests', 'throughput_rps', 'errors_by_kind',
  'rate', 'scheduled', 'sent', 'late', 'dropped',
  'cost_per_1m_requests_estimate', 'cost_per_cold_start_estimate', 'cost_currency', 'cost_prices_date',
  'rtt_ms', 'cold_penalty_ms', 'cold_in_warm',
  ...BURST_SUMMARY_EXTRA,
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

type CsvRow = Record<string, string | number | boolean | null>;

export function summaryRows(model: ReportModel): CsvRow[] {
  return model.phaseRows.map((row) => {
    const { target: t, summary: s } = row;
    const cold = row.phase === 'cold' ? row.result : null;
    const warm = row.phase === 'warm' ? row.result : null;
    // A phase with no sample in its histogram has no latencies: empty cells, not zeros.
    const ms = (us: number) => (s.count > 0 ? msFromUs(us) : '');
    return {
      origin: t.origin, target: t.name, kind: t.kind, region: t.region, phase: row.phase,
      samples: s.count, errors: s.errors,
      min_ms: ms(s.minUs), p50_ms: ms(s.p50Us), p90_ms: ms(s.p90Us), p95_ms: ms(s.p95Us),
      p99_ms: ms(s.p99Us), p999_ms: ms(s.p999Us), max_ms: ms(s.maxUs), mean_ms: ms(s.meanUs), stddev_ms: ms(s.stddevUs),
      status: t.status,
      verified: cold ? cold.verified : null,
      not_cold: cold ? cold.notCold : null,
      unverified: cold ? cold.unverified : null,
      strategy: cold ? cold.strategy : null,
      model: warm ? warm.model : null,
      requests: row.requests,
      throughput_rps: warm ? warm.throughputRps : null,
      errors_by_kind: row.errorCounts.map(([kind, n]) => `${kind}:${n}`).join(' '),
      // Open model only: the schedule's accounting (scheduled = sent + dropped).
      rate: warm?.rate ?? null,
      scheduled: warm?.scheduled ?? null,
      sent: warm?.sent ?? null,
      late: warm?.late ?? null,
      dropped: warm?.dropped ?? null,
      // Cost is per target; it goes on the phase it describes.
      cost_per_1m_requests_estimate: warm ? (t.cost?.per1MRequests ?? null) : null,
      cost_per_cold_start_estimate: cold ? (t.cost?.perColdStart ?? null) : null,
      cost_currency: t.cost?.currency ?? null,
      cost_prices_date: t.cost?.pricesDate ?? null,
      // The network baseline is the target's (every row); the penalty compares the two phases
      // (cold row); hidden cold starts are the warm phase's.
      rtt_ms: msFromUs(row.rttUs),
      cold_penalty_ms: cold ? msFromUs(row.coldPenaltyUs) : null,
      cold_in_warm: warm ? row.coldInWarm : null,
    };
  });
}

export function summaryCsv(model: ReportModel): string {
  return stringify(withBurstRows(model, summaryRows(model)), { ...CSV_OPTIONS, columns: [...SUMMARY_COLUMNS, ...SUMMARY_EXTRA] });
}

/** summary.csv of one results.json. */
export function renderSummaryCsv(results: RunResults): string {
  return summaryCsv(buildReportModel(results));
}

/** Extras read together, kept together and in this order at the end: a pod's start-up, in the
 *  order the pod goes through it (Kubernetes, Knative). */
const TRAILING_EXTRAS = ['podScheduledMs', 'containersReadyMs', 'podReadyMs'];

/** Extra platform columns (extra.*) present in any sample, in a stable order. */
function extraKeys(targets: TargetResult[]): string[] {
  const keys = new Set<string>();
  for (const t of targets) for (const s of t.phases.cold?.samples ?? []) for (const k of Object.keys(s.extra)) keys.add(k);
  const trailing = TRAILING_EXTRAS.filter((k) => keys.has(k));
  return [...[...keys].filter((k) => !TRAILING_EXTRAS.includes(k)).sort(), ...trailing];
}

/** billedDurationMs -> billed_duration_ms, like the contract's columns. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function samplesCsv(model: ReportModel): string {
  const extras = extraKeys(model.results.targets);
  const rows: CsvRow[] = [];
  for (const t of model.results.targets) {
    for (const s of t.phases.cold?.samples ?? []) {
      const row: CsvRow = {
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

/** samples.csv of one results.json. */
export function renderSamplesCsv(results: RunResults): string {
  return samplesCsv(buildReportModel(results));
}
