// report.html's "Experiments" as ready-made text and chart data: per target, latency and instances
// against burst size (burst:), the share of cold starts against the idle gap with its Wilson 95%
// interval (keepalive:), and the rate each stage asked for and got with its cold starts
// (warm.stages / warm.trace). html-client-experiments.js only places and draws them.
import type { ReportModel } from '../report-model/model.js';
import type { TargetResult } from '../results/types.js';
import { msFromUs } from '../units.js';
import { decimal } from './format.js';
import { rowLabel } from './html-view-targets.js';

export interface ExperimentTable {
  columns: string[];
  rows: string[][];
}

export interface ExperimentChart {
  title: string;
  xLabel: string;
  xs: number[];
  xTexts: string[];
  /** Lines on the left axis (yLabel), then on the right axis (y2Label) when given. */
  series: Array<{ label: string; ys: Array<number | null>; texts: string[]; axis: 'y' | 'y2'; dash?: boolean; points?: boolean }>;
  yLabel: string;
  y2Label: string | null;
  /** Fixed range of the left axis (a share: [0, 1]); null: from the data. */
  yRange: [number, number] | null;
}

export interface ExperimentBlock {
  /** The target (and origin when several). */
  label: string;
  kind: 'burst' | 'keepalive' | 'stages';
  note: string;
  chart: ExperimentChart;
  table: ExperimentTable;
}

export interface ExperimentsView {
  blocks: ExperimentBlock[];
}

const ms = (us: number) => (us / 1000);
const text = (value: number | null, unit = '') => (value === null ? '–' : `${decimal(value)}${unit}`);
const share = (p: number | null) => (p === null ? '–' : `${decimal(Math.round(p * 1000) / 10)}%`);

function byTarget<R extends { target: TargetResult }>(rows: R[]): Array<[TargetResult, R[]]> {
  const groups = new Map<TargetResult, R[]>();
  for (const row of rows) groups.set(row.target, [...(groups.get(row.target) ?? []), row]);
  return [...groups];
}

function burstBlocks(model: ReportModel): ExperimentBlock[] {
  return byTarget(model.experiments.burst).map(([target, rows]) => {
    const latency = (key: 'p50Us' | 'p95Us' | 'maxUs') => rows.map((r) => (r.result.summary.count > 0 ? ms(r.result.summary[key]) : null));
    const latencyTexts = (key: 'p50Us' | 'p95Us' | 'maxUs') => rows.map((r) => (r.result.summary.count > 0 ? `${msFromUs(r.result.summary[key])} ms` : '–'));
    return {
      label: rowLabel(model, target),
      kind: 'burst',
      note: `Bursts sent at the same instant on the target forced cold by ${target.experiments?.burst?.strategy ?? '?'}; instances = distinct instances that answered (or cold starts the platform reported), the mean over the bursts of a size.`,
      chart: {
        title: 'Latency and instances by burst size',
        xLabel: 'requests in the burst',
        xs: rows.map((r) => r.result.size),
        xTexts: rows.map((r) => `${r.result.size} requests`),
        series: [
          { label: 'p50', ys: latency('p50Us'), texts: latencyTexts('p50Us'), axis: 'y' },
          { label: 'p95', ys: latency('p95Us'), texts: latencyTexts('p95Us'), axis: 'y' },
          { label: 'max', ys: latency('maxUs'), texts: latencyTexts('maxUs'), axis: 'y' },
          { label: 'instances', ys: rows.map((r) => r.instancesMean ?? r.coldStartsMean), texts: rows.map((r) => text(r.instancesMean ?? r.coldStartsMean)), axis: 'y2', dash: true, points: true },
        ],
        yLabel: 'latency (ms)',
        y2Label: 'instances',
        yRange: null,
      },
      table: {
        columns: ['burst size', 'bursts', 'answered', 'errors', 'p50 ms', 'p95 ms', 'max ms', 'instances', 'cold starts'],
        rows: rows.map((r) => {
          const s = r.result.summary;
          const lat = (us: number) => (s.count > 0 ? msFromUs(us) : '');
          return [String(r.result.size), String(r.result.bursts.length), String(s.count), r.errorCounts.map(([k, n]) => `${k}: ${n}`).join(', ') || '0', String(lat(s.p50Us)), String(lat(s.p95Us)), String(lat(s.maxUs)), text(r.instancesMean), text(r.coldStartsMean)];
        }),
      },
    };
  });
}

function keepaliveBlocks(model: ReportModel): ExperimentBlock[] {
  return byTarget(model.experiments.keepalive).map(([target, rows]) => ({
    label: rowLabel(model, target),
    kind: 'keepalive',
    note: 'After a warm request, the target was left idle for the gap, then sent one request; cold as verified for cold samples. The band is the Wilson 95% interval of the share.',
    chart: {
      title: 'Share of cold starts by idle gap',
      xLabel: 'idle gap (s)',
      xs: rows.map((r) => r.gap.idleMs / 1000),
      xTexts: rows.map((r) => `idle ${decimal(r.gap.idleMs / 1000)} s`),
      series: [
        { label: 'cold share', ys: rows.map((r) => r.gap.pCold), texts: rows.map((r) => `${share(r.gap.pCold)} (${r.gap.cold}/${r.gap.samples})`), axis: 'y', points: true },
        { label: '95% low', ys: rows.map((r) => r.gap.ciLow), texts: rows.map((r) => share(r.gap.ciLow)), axis: 'y', dash: true },
        { label: '95% high', ys: rows.map((r) => r.gap.ciHigh), texts: rows.map((r) => share(r.gap.ciHigh)), axis: 'y', dash: true },
      ],
      yLabel: 'cold share',
      y2Label: null,
      yRange: [0, 1],
    },
    table: {
      columns: ['idle s', 'samples', 'cold', 'cold share', '95% interval', 'unverified', 'errors'],
      rows: rows.map(({ gap }) => [decimal(gap.idleMs / 1000), String(gap.samples), String(gap.cold), share(gap.pCold), gap.ciLow === null ? '–' : `${share(gap.ciLow)} – ${share(gap.ciHigh)}`, String(gap.unverified), String(gap.errors)]),
    },
  }));
}

function stageBlocks(model: ReportModel): ExperimentBlock[] {
  return model.experiments.stages.map(({ target, rows }) => ({
    label: rowLabel(model, target),
    kind: 'stages',
    note: "Open model with a varying rate: the rate each stage asked for (its mean), the rate that actually left within the stage's window, and the cold starts among the stage's requests.",
    chart: {
      title: 'Arrival rate and cold starts by stage',
      xLabel: 'stage start (s)',
      xs: rows.map((r) => r.stage.startMs / 1000),
      xTexts: rows.map((r) => `from ${decimal(r.stage.startMs / 1000)} s for ${decimal(r.stage.durationMs / 1000)} s`),
      series: [
        { label: 'scheduled req/s', ys: rows.map((r) => r.scheduledRps), texts: rows.map((r) => `${decimal(r.scheduledRps)} req/s`), axis: 'y', points: true },
        { label: 'sent req/s', ys: rows.map((r) => r.sentRps), texts: rows.map((r) => text(r.sentRps, ' req/s')), axis: 'y', dash: true, points: true },
        { label: 'cold starts', ys: rows.map((r) => r.stage.coldStarts), texts: rows.map((r) => String(r.stage.coldStarts)), axis: 'y2', points: true },
      ],
      yLabel: 'requests per second',
      y2Label: 'cold starts',
      yRange: null,
    },
    table: {
      columns: ['start s', 'duration s', 'rate req/s', 'scheduled', 'sent', 'sent req/s', 'errors', 'cold starts'],
      rows: rows.map(({ stage, sentRps }) => [
        decimal(stage.startMs / 1000), decimal(stage.durationMs / 1000),
        stage.fromRate === stage.toRate ? decimal(stage.toRate) : `${decimal(stage.fromRate)} → ${decimal(stage.toRate)}`,
        String(stage.scheduled), String(stage.sent), text(sentRps), String(stage.errors), String(stage.coldStarts),
      ]),
    },
  }));
}

export function experimentsView(model: ReportModel): ExperimentsView {
  return { blocks: [...burstBlocks(model), ...keepaliveBlocks(model), ...stageBlocks(model)] };
}
