// What history.html shows, as ready-made text and chart data: the history model put into words.
// history-client.js only places these strings on the page and hands the numbers to uPlot, so
// every number is formatted here, once, by the same functions as the other reporters.
import type { HistoryModel, HistoryPoint, HistorySeries, PhaseStep, SlotMedian } from '../history/model.js';
import { msFromUs } from '../units.js';
import { money, msShort } from './format.js';

export interface ChartLine {
  label: string;
  colour: string;
  dashed: boolean;
  /** Points only, no line: the regression markers. */
  marker: boolean;
  ys: Array<number | null>;
  /** Legend text per point. */
  texts: string[];
}

export interface HistoryChart {
  kind: 'latency' | 'errors' | 'network' | 'cost';
  title: string;
  yLabel: string;
  log: boolean;
  lines: ChartLine[];
}

export interface SeriesView {
  origin: string;
  target: string;
  heading: string;
  facts: string;
  /** Run start per point, Unix seconds (the charts' x), and its text for the legend. */
  xs: number[];
  xTexts: string[];
  charts: HistoryChart[];
  table: { head: string[]; numeric: boolean[]; rows: Array<{ runId: string; regression: boolean; cells: string[] }> };
}

export interface HeatCell {
  text: string;
  title: string;
  /** Background colour; null for an empty slot. */
  colour: string | null;
}

export interface TimeOfDayTable {
  origin: string;
  target: string;
  heading: string;
  facts: string;
  head: string[];
  rows: Array<{ label: string; byHour: boolean; cells: HeatCell[] }>;
}

export interface HistoryView {
  title: string;
  verdict: { text: string; bad: boolean };
  meta: Array<[term: string, value: string]>;
  seriesNote: string;
  series: SeriesView[];
  /** Null until the runs span a day. */
  timeNote: string | null;
  timeOfDay: TimeOfDayTable[];
  footer: string;
}

export const HISTORY_COLOURS = {
  coldP50: '#1f5fbf',
  coldP95: '#7fa6e0',
  warmP50: '#d9822b',
  warmP99: '#f0b27a',
  regression: '#d62728',
  rtt: '#6a3d9a',
  penalty: '#8c564b',
  cost: '#2a9d57',
} as const;

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function utcText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function percentText(rate: number | null): string {
  if (rate === null) return '–';
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)}%`;
}

function label(series: HistorySeries, origins: string[]): string {
  return series.target + (origins.length > 1 ? ` @ ${series.origin}` : '');
}

/** Latency in ms for a log axis (nothing at or below 0 can be drawn there). */
function logMs(us: number | null): number | null {
  return us === null ? null : Math.max(0.001, us / 1000);
}

function line(name: string, colour: string, ys: Array<number | null>, text: (y: number) => string, dashed = false): ChartLine {
  return { label: name, colour, dashed, marker: false, ys, texts: ys.map((y) => (y === null ? '' : text(y))) };
}

function marker(name: string, points: HistoryPoint[], step: (p: HistoryPoint) => PhaseStep | null, us: (p: HistoryPoint) => number | null): ChartLine {
  const ys = points.map((p) => (step(p)?.verdict === 'regression' ? logMs(us(p)) : null));
  return { label: name, colour: HISTORY_COLOURS.regression, dashed: false, marker: true, ys, texts: ys.map((y) => (y === null ? '' : 'regression')) };
}

function hasData(l: ChartLine): boolean {
  return l.ys.some((y) => y !== null);
}

function charts(s: HistorySeries): HistoryChart[] {
  const p = s.points;
  const ms = (y: number) => `${y.toFixed(2)} ms`;
  const out: HistoryChart[] = [
    {
      kind: 'latency',
      title: 'Latency over time (ms, log)',
      yLabel: 'ms (log)',
      log: true,
      lines: [
        line('cold p50', HISTORY_COLOURS.coldP50, p.map((x) => logMs(x.coldP50Us)), ms),
        line('cold p95', HISTORY_COLOURS.coldP95, p.map((x) => logMs(x.coldP95Us)), ms, true),
        line('warm p50', HISTORY_COLOURS.warmP50, p.map((x) => logMs(x.warmP50Us)), ms),
        line('warm p99', HISTORY_COLOURS.warmP99, p.map((x) => logMs(x.warmP99Us)), ms, true),
        marker('cold regression', p, (x) => x.cold, (x) => x.coldP50Us),
        marker('warm regression', p, (x) => x.warm, (x) => x.warmP50Us),
      ],
    },
    {
      kind: 'errors',
      title: 'Error rate (%)',
      yLabel: '%',
      log: false,
      lines: [
        line('cold errors', HISTORY_COLOURS.coldP50, p.map((x) => (x.coldErrorRate === null ? null : x.coldErrorRate * 100)), (y) => `${y.toFixed(2)}%`),
        line('warm errors', HISTORY_COLOURS.warmP50, p.map((x) => (x.warmErrorRate === null ? null : x.warmErrorRate * 100)), (y) => `${y.toFixed(2)}%`),
      ],
    },
    {
      kind: 'network',
      title: 'RTT and cold penalty (ms)',
      yLabel: 'ms',
      log: false,
      lines: [
        line('RTT', HISTORY_COLOURS.rtt, p.map((x) => (x.rttUs === null ? null : x.rttUs / 1000)), ms),
        line('cold penalty', HISTORY_COLOURS.penalty, p.map((x) => (x.coldPenaltyUs === null ? null : x.coldPenaltyUs / 1000)), ms),
      ],
    },
  ];
  const currency = p.find((x) => x.costCurrency)?.costCurrency ?? '';
  out.push({
    kind: 'cost',
    title: `Cost per 1M requests (${currency || 'estimate'}, estimate)`,
    yLabel: currency,
    log: false,
    lines: [line('cost / 1M', HISTORY_COLOURS.cost, p.map((x) => x.costPer1M), (y) => money(y, currency))],
  });
  return out.map((c) => ({ ...c, lines: c.lines.filter(hasData) })).filter((c) => c.lines.some((l) => !l.marker));
}

function stepText(p: HistoryPoint): string {
  const parts = (['cold', 'warm'] as const).flatMap((phase) => {
    const step = p[phase];
    return step ? [`${phase}: ${step.verdict}${step.reason ? ` (${step.reason})` : ''}`] : [];
  });
  return parts.length > 0 ? parts.join('; ') : 'first run';
}

const TABLE_HEAD = ['run (UTC)', 'run id', 'cold p50', 'cold p95', 'warm p50', 'warm p99', 'cold errors', 'warm errors', 'RTT', 'cold penalty', 'cost / 1M req.', 'step (compare)'];
const TABLE_NUMERIC = TABLE_HEAD.map((_, i) => i >= 2 && i <= 10);

function seriesView(model: HistoryModel, s: HistorySeries): SeriesView {
  const costOf = (p: HistoryPoint) => (p.costPer1M === null ? '–' : money(p.costPer1M, p.costCurrency ?? ''));
  return {
    origin: s.origin,
    target: s.target,
    heading: label(s, model.origins),
    facts: [s.kind, s.region, `origin ${s.origin}`, plural(s.points.length, 'run'), ...(s.regressions > 0 ? [plural(s.regressions, 'regression step')] : [])].join(' · '),
    xs: s.points.map((p) => p.timeMs / 1000),
    xTexts: s.points.map((p) => utcText(p.timeMs)),
    charts: charts(s),
    table: {
      head: TABLE_HEAD,
      numeric: TABLE_NUMERIC,
      rows: s.points.map((p) => ({
        runId: model.runs[p.run]?.id ?? '',
        regression: p.cold?.verdict === 'regression' || p.warm?.verdict === 'regression',
        cells: [
          utcText(p.timeMs),
          model.runs[p.run]?.id ?? '',
          msShort(p.coldP50Us),
          msShort(p.coldP95Us),
          msShort(p.warmP50Us),
          msShort(p.warmP99Us),
          percentText(p.coldErrorRate),
          percentText(p.warmErrorRate),
          msShort(p.rttUs),
          msShort(p.coldPenaltyUs),
          costOf(p),
          stepText(p),
        ],
      })),
    },
  };
}

/** Light yellow (the series' fastest slot) to red (its slowest). */
function heat(level: number): string {
  return `hsl(${Math.round(55 - 55 * level)}, 85%, ${Math.round(88 - 30 * level)}%)`;
}

function heatCell(slot: SlotMedian | undefined): HeatCell {
  if (!slot) return { text: '', title: '', colour: null };
  return { text: msShort(slot.medianUs), title: `${plural(slot.runs, 'run')}, median ${msFromUs(slot.medianUs)} ms`, colour: heat(slot.level) };
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);

function timeOfDayTable(model: HistoryModel, s: HistorySeries): TimeOfDayTable | null {
  const view = s.timeOfDay;
  if (!view) return null;
  const find = (list: SlotMedian[], weekday: number | null, hour: number | null) => list.find((c) => c.weekday === weekday && c.hour === hour);
  return {
    origin: s.origin,
    target: s.target,
    heading: label(s, model.origins),
    facts: `median ${view.metric} (ms) per UTC hour and weekday; darker is slower`,
    head: ['UTC', ...HOURS.map((h) => String(h).padStart(2, '0')), 'day'],
    rows: [
      ...WEEKDAYS.map((name, d) => ({ label: name, byHour: false, cells: [...HOURS.map((h) => heatCell(find(view.cells, d, h))), heatCell(find(view.byWeekday, d, null))] })),
      { label: 'hour', byHour: true, cells: [...HOURS.map((h) => heatCell(find(view.byHour, null, h))), heatCell(undefined)] },
    ],
  };
}

export function historyView(model: HistoryModel): HistoryView {
  const total = model.regressions;
  return {
    title: 'coldbench history',
    verdict: total > 0 ? { text: `${plural(total, 'regression step')} between consecutive runs`, bad: true } : { text: 'no regression between consecutive runs', bad: false },
    meta: [
      ['runs', String(model.runs.length)],
      ['from', model.runs.length > 0 ? utcText(model.firstMs) : '–'],
      ['to', model.runs.length > 0 ? utcText(model.lastMs) : '–'],
      ['origins', model.origins.join(', ')],
      ['generated', model.generatedAt],
    ],
    seriesNote:
      'One point per run. A red marker is a step that coldbench compare calls a regression against the previous run of the same origin and target ' +
      `(slower by more than ${model.failThresholdPct}%, beyond the noise floor, statistically significant); the table gives its reason.`,
    series: model.series.map((s) => seriesView(model, s)),
    timeNote: model.spansDays ? `The runs span ${model.spanDays.toFixed(1)} days: is it slower at some hours or on some days?` : null,
    timeOfDay: model.series.flatMap((s) => timeOfDayTable(model, s) ?? []),
    footer: 'coldbench history · costs are estimates from list prices · times in UTC',
  };
}
