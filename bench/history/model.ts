// The history of many runs: per origin x target, one point per run (cold p50/p95, warm p50/p99,
// error rates, RTT, cold penalty, cost), each step judged by `compare`'s own rules, and a
// time-of-day / day-of-week view once the runs span a day or more. history.html and history.csv
// only format this model.
import { compareRuns, type Verdict } from '../compare.js';
import { coldPenaltyUs, errorRate, rttUs } from '../results/derived.js';
import type { TargetKind } from '../config/schema.js';
import type { RunResults, TargetResult } from '../results/types.js';

export const DAY_MS = 24 * 3600 * 1000;

export interface HistoryRun {
  id: string;
  startedAt: string;
  timeMs: number;
  origins: string[];
}

export interface PhaseStep {
  /** compare's verdict for the step from the series' previous point (null on the first point). */
  verdict: Verdict;
  reason: string;
}

export interface HistoryPoint {
  /** Index into HistoryModel.runs. */
  run: number;
  timeMs: number;
  coldP50Us: number | null;
  coldP95Us: number | null;
  warmP50Us: number | null;
  warmP99Us: number | null;
  coldErrorRate: number | null;
  warmErrorRate: number | null;
  rttUs: number | null;
  coldPenaltyUs: number | null;
  costPer1M: number | null;
  costCurrency: string | null;
  cold: PhaseStep | null;
  warm: PhaseStep | null;
}

export interface SlotMedian {
  /** 0 = Monday ... 6 = Sunday (UTC); hour 0-23 (UTC). */
  weekday: number | null;
  hour: number | null;
  medianUs: number;
  runs: number;
  /** Position between the series' lowest (0) and highest (1) slot median. */
  level: number;
}

export interface TimeOfDayView {
  metric: 'cold p50' | 'warm p50';
  cells: SlotMedian[];
  byHour: SlotMedian[];
  byWeekday: SlotMedian[];
}

export interface HistorySeries {
  origin: string;
  target: string;
  kind: TargetKind;
  region: string;
  points: HistoryPoint[];
  regressions: number;
  /** Null until the runs span at least a day. */
  timeOfDay: TimeOfDayView | null;
}

export interface HistoryModel {
  generatedAt: string;
  failThresholdPct: number;
  runs: HistoryRun[];
  series: HistorySeries[];
  /** Every origin, in order of first appearance. */
  origins: string[];
  /** Start of the first and the last run (epoch ms; 0 without runs) and the days between them. */
  firstMs: number;
  lastMs: number;
  spanDays: number;
  spansDays: boolean;
  /** Regression steps over all series. */
  regressions: number;
}

function timeOf(run: RunResults): number {
  const ms = Date.parse(run.run.startedAt);
  return Number.isFinite(ms) ? ms : 0;
}

/** Runs in time order, each once (the same run given as a file and as its directory counts once). */
function orderedRuns(runs: RunResults[]): RunResults[] {
  const seen = new Set<string>();
  const unique = runs.filter((r) => {
    const key = `${r.run.id}\u0000${r.run.startedAt}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map((run, i) => ({ run, i })).sort((a, b) => timeOf(a.run) - timeOf(b.run) || a.i - b.i).map(({ run }) => run);
}

function only(run: RunResults, target: TargetResult): RunResults {
  return { ...run, run: { ...run.run, origin: target.origin, origins: [target.origin] }, targets: [target], thresholds: [] };
}

function point(runIndex: number, run: RunResults, t: TargetResult): HistoryPoint {
  const cold = t.phases.cold;
  const warm = t.phases.warm;
  const latency = (p: typeof cold | typeof warm, key: 'p50Us' | 'p95Us' | 'p99Us') => (p && p.summary.count > 0 ? p.summary[key] : null);
  const cost = t.cost;
  return {
    run: runIndex,
    timeMs: timeOf(run),
    coldP50Us: latency(cold, 'p50Us'),
    coldP95Us: latency(cold, 'p95Us'),
    warmP50Us: latency(warm, 'p50Us'),
    warmP99Us: latency(warm, 'p99Us'),
    coldErrorRate: errorRate(cold),
    warmErrorRate: errorRate(warm),
    rttUs: rttUs(t),
    coldPenaltyUs: coldPenaltyUs(t),
    costPer1M: typeof cost?.per1MRequests === 'number' ? cost.per1MRequests : null,
    costCurrency: cost?.currency ?? null,
    cold: null,
    warm: null,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function slots(points: Array<{ timeMs: number; us: number }>, key: (d: Date) => { weekday: number | null; hour: number | null }): SlotMedian[] {
  const groups = new Map<string, { weekday: number | null; hour: number | null; values: number[] }>();
  for (const p of points) {
    const k = key(new Date(p.timeMs));
    const id = `${k.weekday}:${k.hour}`;
    const group = groups.get(id) ?? { ...k, values: [] };
    group.values.push(p.us);
    groups.set(id, group);
  }
  const cells = [...groups.values()].map((g) => ({ weekday: g.weekday, hour: g.hour, medianUs: median(g.values), runs: g.values.length, level: 0 }));
  const lo = Math.min(...cells.map((c) => c.medianUs));
  const hi = Math.max(...cells.map((c) => c.medianUs));
  for (const c of cells) c.level = hi > lo ? (c.medianUs - lo) / (hi - lo) : 0;
  return cells.sort((a, b) => (a.weekday ?? 0) - (b.weekday ?? 0) || (a.hour ?? 0) - (b.hour ?? 0));
}

function timeOfDay(points: HistoryPoint[]): TimeOfDayView | null {
  const useCold = points.some((p) => p.coldP50Us !== null);
  const values = points.flatMap((p) => {
    const us = useCold ? p.coldP50Us : p.warmP50Us;
    return us === null ? [] : [{ timeMs: p.timeMs, us }];
  });
  if (values.length === 0) return null;
  const weekday = (d: Date) => (d.getUTCDay() + 6) % 7;
  return {
    metric: useCold ? 'cold p50' : 'warm p50',
    cells: slots(values, (d) => ({ weekday: weekday(d), hour: d.getUTCHours() })),
    byHour: slots(values, (d) => ({ weekday: null, hour: d.getUTCHours() })),
    byWeekday: slots(values, (d) => ({ weekday: weekday(d), hour: null })),
  };
}

export function buildHistory(inputs: RunResults[], options: { failThresholdPct?: number; now?: Date } = {}): HistoryModel {
  const failThresholdPct = options.failThresholdPct ?? 10;
  const runs = orderedRuns(inputs);
  const bySeries = new Map<string, { series: HistorySeries; last: { run: RunResults; target: TargetResult } | null }>();
  runs.forEach((run, runIndex) => {
    for (const t of run.targets) {
      const key = JSON.stringify([t.origin, t.name]);
      let entry = bySeries.get(key);
      if (!entry) {
        entry = { series: { origin: t.origin, target: t.name, kind: t.kind, region: t.region, points: [], regressions: 0, timeOfDay: null }, last: null };
        bySeries.set(key, entry);
      }
      const p = point(runIndex, run, t);
      if (entry.last) {
        // The step from the series' previous run, judged exactly as `coldbench compare` would.
        const result = compareRuns(only(entry.last.run, entry.last.target), only(run, t), { failThresholdPct });
        for (const row of result.rows) p[row.phase] = { verdict: row.verdict, reason: row.reason };
        entry.series.regressions += result.regressions;
      }
      entry.series.points.push(p);
      entry.series.kind = t.kind;
      entry.series.region = t.region;
      entry.last = { run, target: t };
    }
  });
  const times = runs.map(timeOf);
  const firstMs = times.length > 0 ? Math.min(...times) : 0;
  const lastMs = times.length > 0 ? Math.max(...times) : 0;
  const spansDays = times.length > 1 && lastMs - firstMs >= DAY_MS;
  const series = [...bySeries.values()].map(({ series }) => ({ ...series, timeOfDay: spansDays ? timeOfDay(series.points) : null }));
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    failThresholdPct,
    runs: runs.map((r) => ({ id: r.run.id, startedAt: r.run.startedAt, timeMs: timeOf(r), origins: [...new Set(r.targets.map((t) => t.origin))] })),
    series,
    origins: [...new Set(series.map((s) => s.origin))],
    firstMs,
    lastMs,
    spanDays: (lastMs - firstMs) / DAY_MS,
    spansDays,
    regressions: series.reduce((n, s) => n + s.regressions, 0),
  };
}
