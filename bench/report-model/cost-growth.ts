// "Cost as traffic grows": every target's monthly cost at each traffic level (10^3 to 10^10
// requests a month in half-decades, and the user's --traffic), the break-even points of every pair,
// the chart's points, and the cold-start price of each per-request target at the user's traffic.
// Numbers only; the reporters put them into words.
import { crossingsBetween, type Crossing } from '../cost/break-even.js';
import { costAt, instancesAt, monthlyCurve, type MonthlyCurve } from '../cost/curve.js';
import { coldPenaltyUs } from '../results/derived.js';
import type { CostOptions, TargetResult } from '../results/types.js';

/** 10^3, 10^3.5, ... 10^10 requests a month, rounded to whole requests (3162, 31623, ...). */
export const TRAFFIC_LEVELS: readonly number[] = Array.from({ length: 15 }, (_, i) => Math.round(10 ** (3 + i / 2)));

export interface CostPoint {
  requests: number;
  usd: number | null;
  instances: number | null;
}

export interface CostCurveRow {
  target: TargetResult;
  curve: MonthlyCurve;
  /** At each level of CostGrowthModel.levels. */
  points: CostPoint[];
}

export interface CostPair {
  /** Indices into CostGrowthModel.rows. */
  a: number;
  b: number;
  crossings: Crossing[];
  /** Cheaper at the low end of the range (before any crossing); 'equal' when they tie. */
  cheaperFirst: 'a' | 'b' | 'equal';
}

export interface ColdStartRow {
  /** Index into CostGrowthModel.rows. */
  row: number;
  rate: number;
  rateSource: string;
  perColdStart: number | null;
  /** What a cold start adds to a warm request. */
  extra: number | null;
  /** At the user's traffic (null without --traffic). */
  coldStartsPerMonth: number | null;
  usdPerMonth: number | null;
  /** Cold p50 - warm p50: the extra latency each of those requests sees. */
  penaltyUs: number | null;
}

export interface CostGrowthModel {
  options: CostOptions;
  /** Traffic levels of costs.csv: TRAFFIC_LEVELS and --traffic, in order. */
  levels: number[];
  /** Where break-even points are looked for, and the chart's x range. */
  range: { lo: number; hi: number };
  rows: CostCurveRow[];
  unpriced: Array<{ target: TargetResult; reason: string }>;
  pairs: CostPair[];
  /** Chart points: a shared x (requests a month) and one y list per row (null: nothing to draw,
   *  e.g. zero on a log scale), and one marker per crossing (a crossing that shares its traffic
   *  with another is moved by a hair, invisible on the log scale, so that each has its own x). */
  chart: { xs: number[]; ys: Array<Array<number | null>>; markers: Array<{ x: number; usd: number; pair: number; crossing: number }> };
  coldStarts: ColdStartRow[];
  pricesDates: string[];
}

/** Chart samples per decade, besides the curves' own steps and the crossings. */
const SAMPLES_PER_DECADE = 12;
/** Past this many step edges the chart samples the grid only. */
const MAX_CHART_EDGES = 3000;

export function buildCostGrowth(targets: TargetResult[], options: CostOptions): CostGrowthModel {
  const lo = Math.min(TRAFFIC_LEVELS[0]!, options.traffic ?? Number.POSITIVE_INFINITY);
  const hi = Math.max(TRAFFIC_LEVELS.at(-1)!, options.traffic ?? 0);
  const levels = [...new Set([...TRAFFIC_LEVELS, ...(options.traffic !== null ? [options.traffic] : [])])].sort((a, b) => a - b);
  const rows: CostCurveRow[] = [];
  const unpriced: CostGrowthModel['unpriced'] = [];
  for (const target of targets) {
    const result = monthlyCurve(target, { freeTier: options.freeTier, maxRequests: hi });
    if (!result.ok) {
      unpriced.push({ target, reason: result.reason });
      continue;
    }
    const curve = result.curve;
    rows.push({ target, curve, points: levels.map((requests) => ({ requests, usd: costAt(curve, requests), instances: instancesAt(curve, requests) })) });
  }
  const pairs = pairsOf(rows, lo, hi);
  return {
    options,
    levels,
    range: { lo, hi },
    rows,
    unpriced,
    pairs,
    chart: chartPoints(rows, pairs, lo, hi, options.traffic),
    coldStarts: coldStartRows(rows, options.traffic),
    pricesDates: [...new Set(rows.map((r) => r.curve.pricesDate))],
  };
}

function pairsOf(rows: CostCurveRow[], lo: number, hi: number): CostPair[] {
  const pairs: CostPair[] = [];
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      const ca = rows[a]!.curve;
      const cb = rows[b]!.curve;
      if (ca.currency !== cb.currency) continue; // no break-even between two currencies
      const first = Math.sign((costAt(ca, lo) ?? 0) - (costAt(cb, lo) ?? 0));
      const crossings = crossingsBetween(ca.pieces, cb.pieces, lo, hi);
      const cheaperFirst = crossings[0]?.cheaperBelow ?? (first < 0 ? 'a' : first > 0 ? 'b' : 'equal');
      pairs.push({ a, b, crossings, cheaperFirst });
    }
  }
  return pairs;
}

function chartPoints(rows: CostCurveRow[], pairs: CostPair[], lo: number, hi: number, traffic: number | null): CostGrowthModel['chart'] {
  const xs = new Set<number>();
  const decades = Math.log10(hi / lo);
  const steps = Math.max(1, Math.ceil(decades * SAMPLES_PER_DECADE));
  for (let i = 0; i <= steps; i++) xs.add(i === steps ? hi : lo * 10 ** ((decades * i) / steps));
  const edges = rows.flatMap((r) => r.curve.pieces.map((p) => p.from)).filter((x) => x > lo && x < hi);
  if (edges.length <= MAX_CHART_EDGES) {
    // Both sides of every step, so that it is drawn upright.
    for (const x of edges) {
      xs.add(x);
      xs.add(x * (1 + 1e-9));
    }
  }
  const markers: CostGrowthModel['chart']['markers'] = [];
  pairs.forEach((pair, p) =>
    pair.crossings.forEach((c, i) => {
      let x = c.requests;
      while (markers.some((m) => m.x === x)) x *= 1 + 1e-9;
      markers.push({ x, usd: c.usd, pair: p, crossing: i });
      xs.add(x);
    }),
  );
  if (traffic !== null) xs.add(traffic);
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    xs: sorted,
    markers,
    ys: rows.map((r) =>
      sorted.map((x) => {
        const usd = costAt(r.curve, x);
        return usd !== null && usd > 0 ? usd : null;
      }),
    ),
  };
}

function coldStartRows(rows: CostCurveRow[], traffic: number | null): ColdStartRow[] {
  const out: ColdStartRow[] = [];
  rows.forEach((r, row) => {
    const c = r.curve.coldStart;
    if (!c) return;
    const coldStarts = traffic !== null ? traffic * c.rate : null;
    out.push({
      row,
      rate: c.rate,
      rateSource: c.rateSource,
      perColdStart: c.perColdStart,
      extra: c.extra,
      coldStartsPerMonth: coldStarts,
      usdPerMonth: coldStarts !== null && c.extra !== null ? coldStarts * c.extra : null,
      penaltyUs: coldPenaltyUs(r.target),
    });
  });
  return out;
}
