// The report model: everything the reporters show, derived once from results.json (rows, counts,
// scales, percentile curves), so that reporters only choose words and layout and compute nothing.
import type { ErrorKind } from '../errors.js';
import type { LatencySummary } from '../histograms.js';
import type { ColdPhaseResult, RunResults, TargetResult, ThresholdResult, WarmPhaseResult } from '../results/types.js';
import { buildCostGrowth, type CostGrowthModel } from './cost-growth.js';
import { CHART_NINES, CHART_PERCENTILES, percentileCurve } from './curves.js';
import { buildGlance, type Glance } from './glance.js';
import { sweepModel, type SweepModel } from './sweep.js';
import { coldInWarm, coldPenaltyUs, rttUs } from '../results/derived.js';
import { buildExperiments, type ExperimentsModel } from './experiments.js';

export type Phase = 'cold' | 'warm';
export const PHASES: readonly Phase[] = ['cold', 'warm'];

interface PhaseRowBase {
  target: TargetResult;
  /** Index into results.targets. */
  index: number;
  summary: LatencySummary;
  /** Requests that got a result, successful or not. */
  requests: number;
  /** Error kinds that occurred, with their counts, in the order results.json lists them. */
  errorCounts: Array<[string, number]>;
  /** The target's numbers across phases (results/derived.ts), on each of its rows: the network
   *  baseline RTT, cold p50 - warm p50, and the cold starts inside the timed warm phase. */
  rttUs: number | null;
  coldPenaltyUs: number | null;
  coldInWarm: number | null;
}

export type ColdRow = PhaseRowBase & {
  phase: 'cold';
  result: ColdPhaseResult;
  /** Samples whose coldness was checked: verified cold + verified not cold + unknown. */
  checked: number;
};
export type WarmRow = PhaseRowBase & { phase: 'warm'; result: WarmPhaseResult };
/** One origin x target x phase. */
export type PhaseRow = ColdRow | WarmRow;

/** One origin x target. */
export interface TargetModel {
  target: TargetResult;
  /** Index into results.targets. */
  index: number;
  cold: ColdRow | null;
  warm: WarmRow | null;
  /** Latency (µs) at each of ReportModel.percentiles; null when the phase has nothing to draw. */
  coldCurve: number[] | null;
  warmCurve: number[] | null;
}

export interface BarRow {
  row: PhaseRow;
  /** Bar lengths in percent of the group's largest p99 (at least 0.5, so that every bar shows). */
  p50Pct: number;
  p95Pct: number;
  p99Pct: number;
}

/** Comparison bars of one phase: every row with a successful sample. */
export interface BarGroup {
  phase: Phase;
  rows: BarRow[];
}

export type MatrixCell =
  | { state: 'not run' }
  | { state: 'no phase' }
  | { state: 'no sample' }
  | { state: 'measured'; p50Us: number; p95Us: number };

/** One target name x phase of the origin x target matrix: a cell per origin (ReportModel.origins). */
export interface MatrixRow {
  target: string;
  phase: Phase;
  cells: MatrixCell[];
}

export interface CostRow {
  target: TargetResult;
  cost: NonNullable<TargetResult['cost']>;
}

export interface ThresholdSummary {
  all: ThresholdResult[];
  failed: number;
}

export interface ReportModel {
  results: RunResults;
  generatedAt: string;
  /** The origins the run records (all of them once runs are merged). */
  runOrigins: string[];
  /** Distinct origins of the targets, in order (the run's when there is no target). */
  origins: string[];
  /** Rows are labelled with their origin, and the origin x target matrix is shown. */
  severalOrigins: boolean;
  /** In results order. */
  targets: TargetModel[];
  /** Every phase of every target, in results order (cold before warm). */
  phaseRows: PhaseRow[];
  /** Targets with neither phase: their preparation failed before any sample. */
  unmeasured: TargetResult[];
  failedTargets: TargetResult[];
  /** Targets whose warm phase ran the open model. */
  openModel: Array<{ target: TargetResult; warm: WarmPhaseResult }>;
  /** The percentiles (0-100) of every curve. */
  percentiles: readonly number[];
  /** Their positions on the charts' "nines" axis, 1/(1-p). */
  percentileNines: readonly number[];
  bars: BarGroup[];
  /** Only with several origins. */
  matrix: MatrixRow[] | null;
  cost: { rows: CostRow[]; pricesDates: string[] };
  /** Monthly cost as traffic grows, break-even points (options from results.run.cost). */
  costGrowth: CostGrowthModel;
  /** Per origin x swept target: its variants side by side (report-model/sweep.ts). */
  sweeps: SweepModel[];
  thresholds: ThresholdSummary;
  /** The at-a-glance comparison at the top of report.html (and the warnings of every report). */
  glance: Glance;
  /** burst:, keepalive: and warm.stages / warm.trace (report-model/experiments.ts). */
  experiments: ExperimentsModel;
}

export function buildReportModel(results: RunResults, now = new Date()): ReportModel {
  const targets = results.targets.map(targetModel);
  const phaseRows = targets.flatMap((t) => [t.cold, t.warm].filter((r): r is PhaseRow => r !== null));
  const origins = distinct(results.targets.map((t) => t.origin));
  const runOrigins = results.run.origins ?? [results.run.origin];
  const shownOrigins = origins.length > 0 ? origins : runOrigins;
  const costs = costRows(results.targets);
  return {
    results,
    generatedAt: now.toISOString(),
    runOrigins,
    origins: shownOrigins,
    severalOrigins: shownOrigins.length > 1,
    targets,
    phaseRows,
    unmeasured: results.targets.filter((t) => !t.phases.cold && !t.phases.warm),
    failedTargets: results.targets.filter((t) => t.status === 'failed'),
    openModel: results.targets.flatMap((t) => (t.phases.warm?.model === 'open' ? [{ target: t, warm: t.phases.warm }] : [])),
    percentiles: CHART_PERCENTILES,
    percentileNines: CHART_NINES,
    bars: barGroups(phaseRows),
    matrix: shownOrigins.length > 1 ? matrixRows(results.targets, shownOrigins) : null,
    cost: { rows: costs, pricesDates: distinct(costs.map((r) => r.cost.pricesDate)) },
    costGrowth: buildCostGrowth(results.targets, results.run.cost ?? { traffic: null, freeTier: false }),
    sweeps: sweepModel(results),
    thresholds: thresholdSummary(results.thresholds),
    glance: buildGlance(results.targets),
    experiments: buildExperiments(results.targets),
  };
}

function targetModel(target: TargetResult, index: number): TargetModel {
  const { cold, warm } = target.phases;
  const across = { rttUs: rttUs(target), coldPenaltyUs: coldPenaltyUs(target), coldInWarm: coldInWarm(target) };
  const base = (summary: LatencySummary, errorsByKind: Partial<Record<ErrorKind, number>>) => ({ target, index, summary, errorCounts: errorCounts(errorsByKind), ...across });
  return {
    target,
    index,
    cold: cold
      ? { ...base(cold.summary, cold.errorsByKind), phase: 'cold', result: cold, requests: cold.summary.count + cold.summary.errors, checked: cold.verified + cold.notCold + cold.unverified }
      : null,
    warm: warm ? { ...base(warm.summary, warm.errorsByKind), phase: 'warm', result: warm, requests: warm.requests } : null,
    coldCurve: percentileCurve(target, 'cold'),
    warmCurve: percentileCurve(target, 'warm'),
  };
}

function errorCounts(byKind: Partial<Record<ErrorKind, number>>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [kind, n] of Object.entries(byKind)) if (n !== undefined && n > 0) out.push([kind, n]);
  return out;
}

function barGroups(rows: PhaseRow[]): BarGroup[] {
  const groups: BarGroup[] = [];
  for (const phase of PHASES) {
    const measured = rows.filter((r) => r.phase === phase && r.summary.count > 0);
    if (measured.length === 0) continue;
    const max = Math.max(0, ...measured.map((r) => r.summary.p99Us));
    const pct = (us: number) => (max > 0 ? Math.max(0.5, (100 * us) / max) : 0);
    groups.push({ phase, rows: measured.map((row) => ({ row, p50Pct: pct(row.summary.p50Us), p95Pct: pct(row.summary.p95Us), p99Pct: pct(row.summary.p99Us) })) });
  }
  return groups;
}

function matrixRows(targets: TargetResult[], origins: string[]): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const name of distinct(targets.map((t) => t.name))) {
    for (const phase of PHASES) {
      if (!targets.some((t) => t.name === name && t.phases[phase])) continue;
      const cells = origins.map((origin): MatrixCell => {
        const target = targets.find((t) => t.name === name && t.origin === origin);
        const p = target?.phases[phase];
        if (!target) return { state: 'not run' };
        if (!p) return { state: 'no phase' };
        if (p.summary.count === 0) return { state: 'no sample' };
        return { state: 'measured', p50Us: p.summary.p50Us, p95Us: p.summary.p95Us };
      });
      rows.push({ target: name, phase, cells });
    }
  }
  return rows;
}

/** Targets that carry a cost estimate. */
export function costRows(targets: TargetResult[]): CostRow[] {
  return targets.flatMap((target) => (target.cost?.label === 'estimate' ? [{ target, cost: target.cost }] : []));
}

export function thresholdSummary(all: ThresholdResult[]): ThresholdSummary {
  return { all, failed: all.filter((t) => !t.passed).length };
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}
