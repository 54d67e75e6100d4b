// history.csv, long format: one row per run x origin x target x metric that has a value, so a
// spreadsheet pivot or any plotting tool takes it as it is. `regression` is true/false on the
// latency metrics of a phase that `compare` judged against the series' previous run.
import { stringify } from 'csv-stringify/sync';
import { msFromUs } from '../units.js';
import type { HistoryModel, HistoryPoint } from '../history/model.js';

export const HISTORY_COLUMNS = ['started_at', 'run_id', 'origin', 'target', 'kind', 'region', 'metric', 'value', 'unit', 'regression'] as const;

type Metric = { name: string; unit: (p: HistoryPoint) => string; value: (p: HistoryPoint) => number | null; phase?: 'cold' | 'warm' };

/** Milliseconds with microsecond precision, as a number (a negative cold penalty stays a number,
 *  not a formula-escaped text). */
const ms = (us: number | null) => (us === null ? null : Number(msFromUs(us)));
const ratio = (r: number | null) => (r === null ? null : Number(r.toFixed(6)));

const METRICS: Metric[] = [
  { name: 'cold_p50', unit: () => 'ms', value: (p) => ms(p.coldP50Us), phase: 'cold' },
  { name: 'cold_p95', unit: () => 'ms', value: (p) => ms(p.coldP95Us), phase: 'cold' },
  { name: 'warm_p50', unit: () => 'ms', value: (p) => ms(p.warmP50Us), phase: 'warm' },
  { name: 'warm_p99', unit: () => 'ms', value: (p) => ms(p.warmP99Us), phase: 'warm' },
  { name: 'cold_error_rate', unit: () => 'ratio', value: (p) => ratio(p.coldErrorRate) },
  { name: 'warm_error_rate', unit: () => 'ratio', value: (p) => ratio(p.warmErrorRate) },
  { name: 'rtt', unit: () => 'ms', value: (p) => ms(p.rttUs) },
  { name: 'cold_penalty', unit: () => 'ms', value: (p) => ms(p.coldPenaltyUs) },
  { name: 'cost_per_1m_requests', unit: (p) => p.costCurrency ?? '', value: (p) => p.costPer1M },
];

export function renderHistoryCsv(model: HistoryModel): string {
  const rows: Array<Record<string, string | number>> = [];
  for (const s of model.series) {
    for (const p of s.points) {
      const run = model.runs[p.run];
      for (const m of METRICS) {
        const value = m.value(p);
        if (value === null) continue;
        const step = m.phase ? p[m.phase] : null;
        rows.push({
          started_at: run?.startedAt ?? '',
          run_id: run?.id ?? '',
          origin: s.origin,
          target: s.target,
          kind: s.kind,
          region: s.region,
          metric: m.name,
          value,
          unit: m.unit(p),
          regression: step ? String(step.verdict === 'regression') : '',
        });
      }
    }
  }
  return stringify(rows, { header: true, columns: [...HISTORY_COLUMNS], escape_formulas: true });
}
