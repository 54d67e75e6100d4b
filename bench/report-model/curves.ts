// Percentile curves for the distribution charts, read from the histograms in results.json.
import { decodeHistogram } from '../histograms.js';
import type { TargetResult } from '../results/types.js';

/** Percentiles of the distribution charts: evenly spaced in "nines" (the 1/(1-p) log axis
 *  HdrHistogram plots use), plus the maximum. */
export const CHART_PERCENTILES: readonly number[] = (() => {
  const out: number[] = [];
  for (let tenths = 0; tenths <= 50; tenths++) out.push(+(100 * (1 - Math.pow(10, -tenths / 10))).toFixed(5));
  out.push(100);
  return out;
})();

/** Where each of CHART_PERCENTILES sits on the charts' x axis: 1/(1-p), so that 90%, 99%, 99.9%
 *  ... are evenly spaced on a log scale; the maximum at 1e6. */
export const CHART_NINES: readonly number[] = CHART_PERCENTILES.map((p) => (p >= 100 ? 1e6 : Math.min(1e6, 1 / (1 - p / 100))));

/** Latency (µs) at each of CHART_PERCENTILES; null when the phase has no sample. */
export function percentileCurve(target: TargetResult, phase: 'cold' | 'warm'): number[] | null {
  const p = target.phases[phase];
  if (!p || p.summary.count === 0 || !p.histogram) return null;
  try {
    const h = decodeHistogram(p.histogram);
    const values = CHART_PERCENTILES.map((q) => h.percentile(q));
    h.destroy();
    return values;
  } catch {
    return null; // A corrupt histogram leaves the chart empty; the summary table still shows the numbers.
  }
}
