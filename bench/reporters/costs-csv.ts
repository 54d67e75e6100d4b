// costs.csv: monthly cost of every target at each traffic level (10^3 to 10^10 requests a month in
// half-decades, and --traffic), one row per origin x target x level, from the report model's
// cost curves. A target without a cost model has empty cost cells.
import { stringify } from 'csv-stringify/sync';
import type { ReportModel } from '../report-model/model.js';
import { decimal } from './format.js';

export const COST_COLUMNS = ['origin', 'target', 'kind', 'region', 'requests_per_month', 'usd_per_month', 'instances'] as const;

type CostRow = Record<(typeof COST_COLUMNS)[number], string | number>;

export function costsCsv(model: ReportModel): string {
  const growth = model.costGrowth;
  const rows: CostRow[] = [];
  const priced = new Map(growth.rows.map((r) => [r.target, r]));
  for (const target of model.results.targets) {
    const row = priced.get(target);
    // usd_per_month is in US dollars: a curve priced in another currency leaves it empty.
    const usd = row?.curve.currency === 'USD';
    growth.levels.forEach((requests, i) => {
      const point = row?.points[i];
      rows.push({
        origin: target.origin,
        target: target.name,
        kind: target.kind,
        region: target.region,
        requests_per_month: requests,
        usd_per_month: usd ? decimal(point?.usd) : '',
        instances: point?.instances ?? '',
      });
    });
  }
  return stringify(rows, { header: true, columns: [...COST_COLUMNS], escape_formulas: true });
}
