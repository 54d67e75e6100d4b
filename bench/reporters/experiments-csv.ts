// The experiments in CSV: summary.csv's `burst-<N>` rows (one per origin x target x burst size,
// after the target's phase rows, with the contract's columns and burst_size, burst_instances,
// burst_cold_starts at the end) and keepalive.csv (one row per origin x target x idle gap).
import { stringify } from 'csv-stringify/sync';
import type { ReportModel } from '../report-model/model.js';
import type { BurstRow } from '../report-model/experiments.js';
import { msFromUs } from '../units.js';

export const BURST_SUMMARY_EXTRA = ['burst_size', 'burst_instances', 'burst_cold_starts'] as const;

export const KEEPALIVE_COLUMNS = ['origin', 'target', 'kind', 'region', 'idle_s', 'samples', 'cold', 'p_cold', 'ci_low', 'ci_high'] as const;
const KEEPALIVE_EXTRA = ['unverified', 'errors'] as const;

type CsvRow = Record<string, string | number | boolean | null>;

function burstRow(row: BurstRow): CsvRow {
  const { target: t, result } = row;
  const s = result.summary;
  const ms = (us: number) => (s.count > 0 ? msFromUs(us) : '');
  return {
    origin: t.origin, target: t.name, kind: t.kind, region: t.region, phase: `burst-${result.size}`,
    samples: s.count, errors: s.errors,
    min_ms: ms(s.minUs), p50_ms: ms(s.p50Us), p90_ms: ms(s.p90Us), p95_ms: ms(s.p95Us),
    p99_ms: ms(s.p99Us), p999_ms: ms(s.p999Us), max_ms: ms(s.maxUs), mean_ms: ms(s.meanUs), stddev_ms: ms(s.stddevUs),
    status: t.status,
    strategy: t.experiments?.burst?.strategy ?? null,
    requests: row.requests,
    errors_by_kind: row.errorCounts.map(([kind, n]) => `${kind}:${n}`).join(' '),
    burst_size: result.size,
    burst_instances: row.instancesMean,
    burst_cold_starts: row.coldStartsMean,
  };
}

/** summary.csv's rows with each target's burst rows after its phase rows. `phaseRows` are the
 *  rows of model.phaseRows, in the same order. */
export function withBurstRows(model: ReportModel, phaseRows: CsvRow[]): CsvRow[] {
  const bursts = model.experiments.burst;
  if (bursts.length === 0) return phaseRows;
  const out: CsvRow[] = [];
  const placed = new Set<number>();
  const flush = (index: number) => {
    if (placed.has(index)) return;
    placed.add(index);
    for (const b of bursts) if (b.index === index) out.push(burstRow(b));
  };
  phaseRows.forEach((row, i) => {
    const index = model.phaseRows[i]?.index;
    const next = model.phaseRows[i + 1]?.index;
    out.push(row);
    if (index !== undefined && next !== index) flush(index);
  });
  for (const b of bursts) flush(b.index);
  return out;
}

export function keepaliveCsv(model: ReportModel): string {
  const rows: CsvRow[] = model.experiments.keepalive.map(({ target: t, gap }) => ({
    origin: t.origin, target: t.name, kind: t.kind, region: t.region,
    idle_s: gap.idleMs / 1000, samples: gap.samples, cold: gap.cold,
    p_cold: gap.pCold, ci_low: round(gap.ciLow), ci_high: round(gap.ciHigh),
    unverified: gap.unverified, errors: gap.errors,
  }));
  return stringify(rows, { header: true, escape_formulas: true, columns: [...KEEPALIVE_COLUMNS, ...KEEPALIVE_EXTRA] });
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}
