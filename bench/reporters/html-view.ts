// What report.html shows, as ready-made text: the report model put into words and table cells.
// html-client.js only places these strings on the page (and draws the chart data), so every
// number is formatted here, once, by the same functions as the other reporters.
import type { Phase, PhaseRow, ReportModel } from '../report-model/model.js';
import type { TargetResult } from '../results/types.js';
import { msFromUs } from '../units.js';
import { money, msShort, percentileLabel } from './format.js';
import { costGrowthView, type CostGrowthView } from './html-view-cost.js';
import { rowLabel, targetSection, type TargetSection } from './html-view-targets.js';
import { glanceView, type GlanceView } from './html-view-glance.js';
import { experimentsView, type ExperimentsView } from './html-view-experiments.js';
import { sweepView, type SweepView } from './html-view-sweep.js';

/** A table cell: its text, and the value a click on its column heading sorts by (null sorts last). */
export interface SortableCell {
  text: string;
  sort: number | string | null;
}

export interface HtmlView {
  title: string;
  meta: Array<[term: string, value: string]>;
  verdict: { text: string; bad: boolean; warn: boolean };
  footer: string;
  /** The at-a-glance comparison at the top of the page. */
  glance: GlanceView;
  summary: {
    columns: Array<{ label: string; numeric: boolean }>;
    rows: Array<{ failed: boolean; cells: SortableCell[] }>;
  };
  bars: Array<{
    phase: Phase;
    heading: string;
    rows: Array<{ label: string; bars: Array<{ name: 'p50' | 'p95' | 'p99'; width: string; text: string }> }>;
  }>;
  /** Only with several origins. */
  matrix: { origins: string[]; rows: Array<{ target: string; phase: Phase; cells: string[] }> } | null;
  /** The x axis every distribution chart shares. */
  percentileAxis: { xs: readonly number[]; labels: string[]; ticks: number[]; tickLabels: string[] };
  targets: TargetSection[];
  cost: { note: string; rows: Array<{ cells: string[]; basis: string[] }> };
  costGrowth: CostGrowthView;
  /** burst:, keepalive:, warm.stages / warm.trace (html-view-experiments.ts). */
  experiments: ExperimentsView;
  /** One per swept target; absent when the run has no sweep. */
  sweeps?: SweepView[];
  thresholds: Array<{ passed: boolean; result: string; target: string; origin: string; expression: string; actual: string }>;
}

/** One tick per "nine" (0%, 90%, 99%, ...): the log scale's minor ticks would be unreadable. */
const NINES_TICKS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

type SummaryColumn = { label: string; numeric: boolean; cell: (row: PhaseRow) => SortableCell };

function plain(sort: string | number): SortableCell {
  return { text: String(sort), sort };
}

/** A latency column: blank, not zero, when the phase has no successful sample. */
function latency(label: string, key: 'minUs' | 'p50Us' | 'p90Us' | 'p95Us' | 'p99Us' | 'p999Us' | 'maxUs' | 'meanUs' | 'stddevUs'): SummaryColumn {
  return {
    label: `${label} ms`,
    numeric: true,
    cell: (r) => (r.summary.count > 0 ? { text: msFromUs(r.summary[key]), sort: r.summary[key] } : { text: '', sort: null }),
  };
}

const SUMMARY_COLUMNS: SummaryColumn[] = [
  { label: 'origin', numeric: false, cell: (r) => plain(r.target.origin) },
  { label: 'target', numeric: false, cell: (r) => plain(r.target.name) },
  { label: 'kind', numeric: false, cell: (r) => plain(r.target.kind) },
  { label: 'region', numeric: false, cell: (r) => plain(r.target.region) },
  { label: 'phase', numeric: false, cell: (r) => plain(r.phase) },
  { label: 'n', numeric: true, cell: (r) => plain(r.summary.count) },
  { label: 'errors', numeric: true, cell: (r) => plain(r.summary.errors) },
  latency('min', 'minUs'),
  latency('p50', 'p50Us'),
  latency('p90', 'p90Us'),
  latency('p95', 'p95Us'),
  latency('p99', 'p99Us'),
  latency('p99.9', 'p999Us'),
  latency('max', 'maxUs'),
  latency('mean', 'meanUs'),
  latency('stddev', 'stddevUs'),
  { label: 'verified cold', numeric: false, cell: (r) => plain(r.phase === 'cold' ? `${r.result.verified}/${r.checked}` : '') },
  {
    label: 'req/s',
    numeric: true,
    cell: (r) => (r.phase === 'warm' ? plain(Math.round(r.result.throughputRps * 10) / 10) : { text: '', sort: null }),
  },
  { label: 'rtt ms', numeric: true, cell: (r) => optionalMs(r.rttUs) },
  { label: 'cold penalty ms', numeric: true, cell: (r) => optionalMs(r.phase === 'cold' ? r.coldPenaltyUs : null) },
  {
    label: 'cold in warm',
    numeric: true,
    cell: (r) => (r.phase === 'warm' && r.coldInWarm !== null ? plain(r.coldInWarm) : { text: '', sort: null }),
  },
  { label: 'status', numeric: false, cell: (r) => plain(r.target.status) },
];

function optionalMs(us: number | null): SortableCell {
  return us === null ? { text: '', sort: null } : { text: msFromUs(us), sort: us };
}

/** A target without any phase: only what identifies it, and why it failed. */
function unmeasuredCells(t: TargetResult): SortableCell[] {
  const known: Record<string, string> = {
    origin: t.origin, target: t.name, kind: t.kind, region: t.region, phase: '–',
    status: t.status + (t.failure ? `: ${t.failure}` : ''),
  };
  return SUMMARY_COLUMNS.map((c) => (c.label in known ? plain(known[c.label]!) : { text: '', sort: null }));
}

function summary(model: ReportModel): HtmlView['summary'] {
  const rows = model.phaseRows.map((r) => ({ failed: r.target.status !== 'ok', cells: SUMMARY_COLUMNS.map((c) => c.cell(r)) }));
  for (const t of model.unmeasured) rows.push({ failed: t.status !== 'ok' || !!t.failure, cells: unmeasuredCells(t) });
  return { columns: SUMMARY_COLUMNS.map(({ label, numeric }) => ({ label, numeric })), rows };
}

function meta(model: ReportModel): HtmlView['meta'] {
  const { run, tool, targets } = model.results;
  const items: HtmlView['meta'] = [
    [`origin${model.severalOrigins ? 's' : ''}`, model.origins.join(', ')],
    ['started', run.startedAt],
    ['ended', run.endedAt],
    ['run id', run.id],
    ['tool', `${tool.name} ${tool.version}`],
    ['target file', run.targetFile || '–'],
    ['targets', String(targets.length)],
  ];
  if (run.mergedFrom && run.mergedFrom.length > 1) items.push(['merged from', run.mergedFrom.join(', ')]);
  if (run.partial) items.push(['partial', 'yes: the run was interrupted; everything measured until then is shown']);
  if (run.parallelOrigins) items.push(['origins in parallel', 'yes: the origins measured at the same time and may have served each other warm instances, so cold starts can be undercounted']);
  return items;
}

function verdict(model: ReportModel): HtmlView['verdict'] {
  const { all, failed } = model.thresholds;
  const failedTargets = model.failedTargets.length;
  const parts: string[] = [];
  if (all.length) parts.push(failed ? `${failed} of ${all.length} thresholds failed` : `all ${all.length} thresholds passed`);
  if (failedTargets) parts.push(`${failedTargets} target${failedTargets > 1 ? 's' : ''} failed`);
  if (model.results.run.partial) parts.push('partial run');
  const hidden = model.glance.hiddenColdStarts.length;
  if (hidden) parts.push(`cold starts inside ${hidden} warm phase${hidden > 1 ? 's' : ''}`);
  if (model.results.run.parallelOrigins) parts.push('origins ran in parallel');
  // A hidden cold start fails nothing, but the warm numbers are not what they seem: a warning.
  return { text: parts.length ? parts.join(' · ') : 'no thresholds set', bad: failed > 0 || failedTargets > 0, warn: hidden > 0 };
}

function bars(model: ReportModel): HtmlView['bars'] {
  return model.bars.map((group) => ({
    phase: group.phase,
    heading: `${group.phase} start: p50 / p95 / p99 (ms)`,
    rows: group.rows.map((b) => ({
      label: rowLabel(model, b.row.target),
      bars: [
        { name: 'p50' as const, width: `${b.p50Pct.toFixed(2)}%`, text: `p50 ${msShort(b.row.summary.p50Us)}` },
        { name: 'p95' as const, width: `${b.p95Pct.toFixed(2)}%`, text: `p95 ${msShort(b.row.summary.p95Us)}` },
        { name: 'p99' as const, width: `${b.p99Pct.toFixed(2)}%`, text: `p99 ${msShort(b.row.summary.p99Us)}` },
      ],
    })),
  }));
}

function matrix(model: ReportModel): HtmlView['matrix'] {
  if (!model.matrix) return null;
  const rows = model.matrix.map((row) => ({
    target: row.target,
    phase: row.phase,
    cells: row.cells.map((c) =>
      c.state === 'measured' ? `${msShort(c.p50Us)} / ${msShort(c.p95Us)}` : c.state === 'no phase' ? '–' : c.state,
    ),
  }));
  return { origins: model.origins, rows };
}

function cost(model: ReportModel): HtmlView['cost'] {
  const { rows, pricesDates } = model.cost;
  if (rows.length === 0) return { note: 'No cost estimate in these results.', rows: [] };
  return {
    note: `Estimates from list prices as of ${pricesDates.join(', ')} (no free tier, no discounts), overridable with pricing: in the target file. What went into each is listed beside it.`,
    rows: rows.map(({ target, cost: c }) => ({
      cells: [target.name, target.origin, c.model, `${money(c.per1MRequests, c.currency)} (estimate)`, `${money(c.perColdStart, c.currency)} (estimate)`],
      basis: c.basis ?? [],
    })),
  };
}

function thresholds(model: ReportModel): HtmlView['thresholds'] {
  return model.thresholds.all.map((t) => ({
    passed: t.passed,
    result: t.passed ? 'pass' : 'FAIL',
    target: t.target,
    origin: t.origin || '',
    expression: t.expression,
    actual: t.message || (t.actualUs !== undefined && t.actualUs !== null ? `${msFromUs(t.actualUs)} ms` : t.actual !== undefined && t.actual !== null ? String(t.actual) : ''),
  }));
}

export function htmlView(model: ReportModel): HtmlView {
  const { run, tool } = model.results;
  return {
    title: `coldbench report: ${model.origins.join(', ')} ${run.startedAt}`,
    meta: meta(model),
    verdict: verdict(model),
    glance: glanceView(model),
    footer: `Generated by coldbench ${tool.version} at ${model.generatedAt}. Latencies are measured by the client at the origin; cold samples are verified cold when the platform says so or the instance was never seen before.`,
    summary: summary(model),
    bars: bars(model),
    matrix: matrix(model),
    percentileAxis: {
      xs: model.percentileNines,
      labels: model.percentileNines.map(percentileLabel),
      ticks: NINES_TICKS,
      tickLabels: NINES_TICKS.map(percentileLabel),
    },
    targets: model.targets.map((t) => targetSection(model, t)),
    cost: cost(model),
    costGrowth: costGrowthView(model),
    experiments: experimentsView(model),
    ...(model.sweeps.length > 0 ? { sweeps: sweepView(model) } : {}),
    thresholds: thresholds(model),
  };
}
