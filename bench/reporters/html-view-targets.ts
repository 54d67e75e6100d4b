// report.html's per-target sections as ready-made text and chart data: facts, the percentile
// distribution, the cold samples one by one, and the warm phase in one sentence.
import type { ReportModel, TargetModel, WarmRow } from '../report-model/model.js';
import type { ColdSampleRecord, TargetResult } from '../results/types.js';
import { msFromUs } from '../units.js';

/** One line of a chart: y values in ms (null: no point) and the legend text of each. */
export interface ChartSeries {
  label: string;
  phase: 'cold' | 'warm';
  ys: number[];
  texts: string[];
}

export interface ColdSamplesView {
  heading: string;
  chart: { xs: number[]; total: Array<number | null>; init: Array<number | null> | null };
  rows: Array<{ failed: boolean; coldClass: string; cells: string[] }>;
}

export interface TargetSection {
  name: string;
  origin: string;
  heading: string;
  facts: string;
  failure: string | null;
  /** Series of the percentile chart over the shared percentile axis; empty: nothing to chart. */
  distribution: ChartSeries[];
  cold: ColdSamplesView | null;
  warm: string | null;
}

/** Charts draw on a log scale: a latency is at least 1 µs there. */
const LOG_FLOOR_MS = 0.001;

export function rowLabel(model: ReportModel, t: TargetResult): string {
  return t.name + (model.severalOrigins ? ` @ ${t.origin}` : '');
}

function series(phase: 'cold' | 'warm', curve: number[] | null): ChartSeries[] {
  if (!curve) return [];
  const ys = curve.map((us) => Math.max(LOG_FLOOR_MS, us / 1000));
  return [{ label: `${phase} ms`, phase, ys, texts: ys.map((ms) => ms.toFixed(3)) }];
}

function facts(t: TargetResult): string {
  const out = [t.kind, `region ${t.region}`, `origin ${t.origin}`, `status ${t.status}`];
  const { cold, warm } = t.phases;
  if (cold) out.push(`cold strategy ${cold.strategy}`);
  if (warm) out.push(`warm ${warm.model}${warm.connections ? ` (${warm.connections} connections)` : ''}${warm.rate ? ` (${warm.rate} req/s)` : ''}`);
  return out.join(' · ');
}

const COLD_WORD = (cold: boolean | null) => (cold === true ? 'verified' : cold === false ? 'not cold' : 'unknown');

function sampleCells(s: ColdSampleRecord): string[] {
  return [
    String(s.seq),
    s.startedAt,
    msFromUs(s.latencyUs),
    s.initUs === null || s.initUs === undefined ? '' : msFromUs(s.initUs),
    s.status === null || s.status === undefined ? '' : String(s.status),
    s.error ? s.error + (s.errorMessage ? `: ${s.errorMessage}` : '') : '',
    COLD_WORD(s.cold),
    s.instance || '',
  ];
}

function coldSamples(t: TargetResult): ColdSamplesView | null {
  const cold = t.phases.cold;
  if (!cold || !cold.samples || !cold.samples.length) return null;
  const init = cold.samples.map((s) => (s.initUs === null || s.initUs === undefined ? null : s.initUs / 1000));
  return {
    heading: `Cold samples (${cold.verified} verified cold, ${cold.notCold} not cold, ${cold.unverified} unknown)`,
    chart: {
      xs: cold.samples.map((s) => s.seq),
      total: cold.samples.map((s) => (s.error ? null : Math.max(LOG_FLOOR_MS, s.latencyUs / 1000))),
      init: init.some((v) => v !== null) ? init : null,
    },
    rows: cold.samples.map((s) => ({ failed: !!s.error, coldClass: `cold-${COLD_WORD(s.cold).replace(' ', '-')}`, cells: sampleCells(s) })),
  };
}

function warmLine({ result: warm, errorCounts }: WarmRow): string {
  const errors = errorCounts.map(([kind, n]) => `${kind} ${n}`);
  let line = `Warm: ${warm.requests} requests in ${(warm.durationUs / 1e6).toFixed(1)} s, ${warm.throughputRps.toFixed(1)} req/s${errors.length ? `, errors: ${errors.join(', ')}` : ', no errors'}`;
  if (warm.model === 'open') line += `; open model at ${warm.rate} req/s: ${warm.scheduled} scheduled, ${warm.sent} sent (${warm.late} late), ${warm.dropped} dropped`;
  if (warm.dropped) line += `, ${warm.dropped} sends dropped`;
  if (warm.late) line += `, ${warm.late} sent late`;
  if (warm.prewarm !== undefined) line += `; pre-warmed with ${warm.prewarm} concurrent request${warm.prewarm === 1 ? '' : 's'}`;
  if (typeof warm.instances === 'number') line += `; served by ${warm.instances} instance${warm.instances === 1 ? '' : 's'}`;
  if (typeof warm.coldInWarm === 'number') line += `; ${warm.coldInWarm} cold start${warm.coldInWarm === 1 ? '' : 's'} inside the timed phase`;
  return line;
}

export function targetSection(model: ReportModel, { target: t, coldCurve, warmCurve, warm }: TargetModel): TargetSection {
  return {
    name: t.name,
    origin: t.origin,
    heading: rowLabel(model, t),
    facts: facts(t),
    failure: t.failure ? `failed: ${t.failure}` : null,
    distribution: [...series('cold', coldCurve), ...series('warm', warmCurve)],
    cold: coldSamples(t),
    warm: warm ? warmLine(warm) : null,
  };
}
