// report.html's "Cost as traffic grows" as ready-made text and chart data: one log-log line per
// target, the break-even points as markers, --traffic as a vertical line, and beside the chart
// what cold starts cost each per-request target at that traffic.
import type { CostGrowthModel, CostPair } from '../report-model/cost-growth.js';
import type { ReportModel } from '../report-model/model.js';
import { countShort, moneyShort, msShort } from './format.js';
import { rowLabel } from './html-view-targets.js';

export interface CostGrowthView {
  note: string;
  /** Why there is no chart; null when there is one. */
  empty: string | null;
  chart: {
    xs: number[];
    xLabels: string[];
    series: Array<{ label: string; ys: Array<number | null>; texts: string[] }>;
    /** Aligned with xs: the cost where two curves cross, null elsewhere. */
    crossings: { ys: Array<number | null>; texts: string[] };
    traffic: { x: number; label: string } | null;
    xRange: [number, number];
    yRange: [number, number];
    xTicks: number[];
    xTickLabels: string[];
    yTicks: number[];
    yTickLabels: string[];
  } | null;
  /** One line per crossing (requests: where), then one per pair that never crosses. */
  crossings: Array<{ text: string; requests: number | null }>;
  unpriced: string[];
  /** What went into each curve, one list per target. */
  bases: { heading: string; targets: Array<{ label: string; lines: string[] }> };
  coldStarts: { heading: string; columns: string[]; rows: string[][]; notes: string[] } | null;
}

export function costGrowthView(model: ReportModel): CostGrowthView {
  const growth = model.costGrowth;
  const label = (i: number) => rowLabel(model, growth.rows[i]!.target);
  const traffic = growth.options.traffic;
  const note = [
    `Monthly cost as traffic grows, from list prices as of ${growth.pricesDates.join(', ') || '–'}${growth.options.freeTier ? ', free tiers subtracted' : ', no free tier'}: per-request platforms at the measured billed time per request, cold starts at the rate given beside; Knative and Kubernetes in whole nodes for the pods the measured capacity per pod needs.`,
    'Both axes are logarithmic; a marker is a break-even point; costs.csv has the numbers.',
  ].join(' ');
  const unpriced = growth.unpriced.map((u) => `${rowLabel(model, u.target)}: not priced (${u.reason})`);
  return {
    note,
    empty: growth.rows.length === 0 ? 'No target has a monthly cost model in these results.' : null,
    chart: growth.rows.length === 0 ? null : chart(growth, label),
    crossings: growth.pairs.length > 0 ? growth.pairs.flatMap((pair) => pairLines(growth, pair, label)) : [{ text: 'Fewer than two targets priced in one currency: no break-even to look for.', requests: null }],
    unpriced,
    bases: { heading: 'How each curve was drawn', targets: growth.rows.map((row, i) => ({ label: label(i), lines: row.curve.basis })) },
    coldStarts: coldStarts(growth, label, traffic),
  };
}

function chart(growth: CostGrowthModel, label: (i: number) => string): NonNullable<CostGrowthView['chart']> {
  const { xs, ys, markers } = growth.chart;
  const crossingAt = new Map<number, { usd: number; text: string }>();
  for (const m of markers) {
    const pair = growth.pairs[m.pair]!;
    const c = pair.crossings[m.crossing]!;
    crossingAt.set(m.x, { usd: m.usd, text: `${label(pair.a)} = ${label(pair.b)} at ${countShort(c.requests)} requests a month` });
  }
  const currency = growth.rows[0]!.curve.currency;
  const positive = ys.flat().filter((y): y is number => y !== null && y > 0);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const yHi = Math.max(10 ** Math.ceil(Math.log10(Math.max(...positive, 1))), yLo * 10);
  const yTicks = powersOfTen(yLo, yHi);
  const xTicks = powersOfTen(growth.range.lo, growth.range.hi);
  return {
    xs,
    xLabels: xs.map((x) => `${countShort(x)} requests a month`),
    series: growth.rows.map((row, i) => ({
      label: label(i),
      ys: ys[i]!,
      // A gap on the log scale is a zero cost (a service scaled to zero on no node of its own).
      texts: ys[i]!.map((y) => moneyShort(y ?? 0, row.curve.currency)),
    })),
    crossings: {
      ys: xs.map((x) => {
        const c = crossingAt.get(x);
        return c && c.usd > 0 ? c.usd : null;
      }),
      texts: xs.map((x) => crossingAt.get(x)?.text ?? ''),
    },
    traffic: growth.options.traffic !== null ? { x: growth.options.traffic, label: `--traffic ${countShort(growth.options.traffic)}` } : null,
    xRange: [growth.range.lo, growth.range.hi],
    yRange: [yLo, yHi],
    xTicks,
    xTickLabels: xTicks.map(countShort),
    yTicks,
    yTickLabels: yTicks.map((y) => moneyShort(y, currency)),
  };
}

function powersOfTen(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
  return out;
}

function pairLines(growth: CostGrowthModel, pair: CostPair, label: (i: number) => string): CostGrowthView['crossings'] {
  const a = label(pair.a);
  const b = label(pair.b);
  const currency = growth.rows[pair.a]!.curve.currency;
  if (pair.crossings.length === 0) {
    const range = `${countShort(growth.range.lo)} to ${countShort(growth.range.hi)}`;
    const text = pair.cheaperFirst === 'equal' ? `${a} and ${b} cost the same from ${range} requests a month` : `${a} and ${b}: no break-even from ${range} requests a month; ${pair.cheaperFirst === 'a' ? a : b} is cheaper throughout`;
    return [{ text, requests: null }];
  }
  const listed: CostGrowthView['crossings'] = pair.crossings.slice(0, MAX_LISTED).map((c) => ({
    requests: c.requests,
    text: `${a} and ${b} break even at ${countShort(c.requests)} requests a month (${moneyShort(c.usd, currency)}${c.kind === 'step' ? ', a node step' : ''}): ${c.cheaperAbove === 'a' ? a : b} is cheaper above`,
  }));
  const more = pair.crossings.length - MAX_LISTED;
  if (more > 0) listed.push({ requests: null, text: `${a} and ${b}: ${more} more break-even points up to ${countShort(pair.crossings.at(-1)!.requests)} requests a month (the two stay within a node of each other; all are marked on the chart)` });
  return listed;
}

/** Break-even points listed per pair (a line that runs along a staircase of nodes crosses it at
 *  every step; the chart marks them all). */
const MAX_LISTED = 6;

function coldStarts(growth: CostGrowthModel, label: (i: number) => string, traffic: number | null): CostGrowthView['coldStarts'] {
  if (growth.coldStarts.length === 0) return null;
  return {
    heading: traffic !== null ? `Cold starts at ${countShort(traffic)} requests a month` : 'Cold starts',
    columns: ['target', 'rate', 'price each', 'a month', 'cost a month', 'extra latency'],
    rows: growth.coldStarts.map((c) => {
      const currency = growth.rows[c.row]!.curve.currency;
      return [
        label(c.row),
        `${+(c.rate * 100).toPrecision(3)}%`,
        moneyShort(c.perColdStart, currency),
        c.coldStartsPerMonth !== null ? countShort(c.coldStartsPerMonth) : '–',
        c.usdPerMonth !== null ? moneyShort(c.usdPerMonth, currency) : '–',
        c.penaltyUs !== null ? `${msShort(c.penaltyUs)} ms` : '–',
      ];
    }),
    notes: [
      'Rate: the share of requests that meet a cold start; price each: a cold request in full; extra latency: cold p50 - warm p50, what each of those requests waits more.',
      ...growth.coldStarts.map((c) => `${label(c.row)}: rate from ${c.rateSource}.`),
      ...(traffic === null ? ['Run with --traffic <requests per month> (or coldbench report --traffic) for the monthly figures.'] : []),
    ],
  };
}
