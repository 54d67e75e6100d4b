// report.html's sweeps as ready-made text and chart data: per swept target, a table of the
// variants (cold p50, warm p50 and p95, cost per 1M requests; the fastest and the best value
// marked) and a chart of the same against the variant.
import type { ReportModel } from '../report-model/model.js';
import { BEST_VALUE_TOLERANCE, type SweepModel, type SweepRow } from '../report-model/sweep.js';
import { money, msShort } from './format.js';

export interface SweepView {
  heading: string;
  note: string;
  columns: string[];
  rows: Array<{ best: boolean; fastest: boolean; failed: boolean; cells: string[] }>;
  chart: {
    /** x: the variant's position; labels are the variants. */
    xs: number[];
    labels: string[];
    /** Latency series in ms (null: not measured), with the legend text of each point. */
    latency: Array<{ label: string; key: 'cold' | 'warm' | 'warm95'; ys: Array<number | null>; texts: string[] }>;
    /** Cost per 1M requests (second axis), null when no variant is priced. */
    cost: { label: string; ys: Array<number | null>; texts: string[] } | null;
    /** Index of the best-value variant, and its label on the chart. */
    best: { x: number; label: string } | null;
  } | null;
}

const ms = (us: number | null) => (us === null ? null : us / 1000);

function mark(row: SweepRow): string {
  return [row.best ? 'best value' : '', row.fastest ? 'fastest' : ''].filter(Boolean).join(', ');
}

export function sweepView(model: ReportModel): SweepView[] {
  return model.sweeps.map((sweep) => oneSweep(sweep, model.severalOrigins));
}

function oneSweep(sweep: SweepModel, severalOrigins: boolean): SweepView {
  const priced = sweep.rows.some((r) => r.costPer1M !== null);
  const best = sweep.rows.findIndex((r) => r.best);
  const measured = sweep.rows.some((r) => r.latencyUs !== null);
  return {
    heading: `${sweep.of}${severalOrigins ? ` @ ${sweep.origin}` : ''}: ${sweep.keys.join(' x ')} sweep (${sweep.kind})`,
    note: `One row per variant, measured one after another with the original configuration restored at the end. Best value: the cheapest variant whose ${sweep.metric} is within ${BEST_VALUE_TOLERANCE * 100}% of the fastest's. Cost per 1M requests is an estimate from list prices.`,
    columns: ['variant', 'cold p50 ms', 'warm p50 ms', 'warm p95 ms', 'per 1M requests', ''],
    rows: sweep.rows.map((r) => ({
      best: r.best,
      fastest: r.fastest,
      failed: r.target.status === 'failed',
      cells: [r.label, msShort(r.coldP50Us), msShort(r.warmP50Us), msShort(r.warmP95Us), r.costPer1M === null ? 'n/a' : money(r.costPer1M, r.currency ?? ''), r.target.status === 'failed' ? `failed: ${r.target.failure ?? ''}` : mark(r)],
    })),
    chart: measured
      ? {
          xs: sweep.rows.map((_, i) => i),
          labels: sweep.rows.map((r) => r.label),
          latency: [
            { label: 'cold p50', key: 'cold', ys: sweep.rows.map((r) => ms(r.coldP50Us)), texts: sweep.rows.map((r) => `${msShort(r.coldP50Us)} ms`) },
            { label: 'warm p50', key: 'warm', ys: sweep.rows.map((r) => ms(r.warmP50Us)), texts: sweep.rows.map((r) => `${msShort(r.warmP50Us)} ms`) },
            { label: 'warm p95', key: 'warm95', ys: sweep.rows.map((r) => ms(r.warmP95Us)), texts: sweep.rows.map((r) => `${msShort(r.warmP95Us)} ms`) },
          ],
          cost: priced
            ? { label: `cost per 1M requests (${sweep.rows.find((r) => r.currency)?.currency ?? ''})`, ys: sweep.rows.map((r) => r.costPer1M), texts: sweep.rows.map((r) => (r.costPer1M === null ? 'n/a' : money(r.costPer1M, r.currency ?? ''))) }
            : null,
          best: best >= 0 ? { x: best, label: `best value: ${sweep.rows[best]!.label}` } : null,
        }
      : null,
  };
}
