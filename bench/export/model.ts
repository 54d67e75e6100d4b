// The model every exporter serialises: per origin, the latest run that measured it, and per
// origin x target x phase the numbers to export. All values are computed here, once; the
// serialisers (Prometheus text, OpenMetrics, OTLP, BMF) only convert and format.
import { InputError } from '../errors.js';
import { decodeHistogram, recordedBucketRanges, type LatencySummary } from '../histograms.js';
import { coldPenaltyUs, costUsdPer1M, errorRate, errorsByKind, rttUs } from '../results/derived.js';
import type { TargetKind } from '../config/schema.js';
import type { RunResults, TargetResult } from '../results/types.js';

export type PhaseName = 'cold' | 'warm';

export interface TargetLabels {
  origin: string;
  target: string;
  kind: TargetKind;
  region: string;
}

export interface PhaseExport extends TargetLabels {
  phase: PhaseName;
  summary: LatencySummary;
  /** Failed calls by error kind (they add up to summary.errors). */
  errors: Array<[string, number]>;
  /** The decoded HDR histogram: [lowestUs, highestUs, count] per recorded bucket, ascending. */
  buckets: Array<[number, number, number]>;
  /** Cold only: samples verified cold. */
  verified: number | null;
  /** Warm only: requests per second. */
  throughputRps: number | null;
  /** Failed / all calls (0..1); null without any call. */
  errorRate: number | null;
}

export interface TargetExport extends TargetLabels {
  coldPenaltyUs: number | null;
  rttUs: number | null;
  costUsdPer1M: number | null;
}

export interface OriginExport {
  origin: string;
  runId: string;
  startedAt: string;
  /** Epoch milliseconds of the run's start and end. */
  startedAtMs: number;
  endedAtMs: number;
}

export interface ExportModel {
  origins: OriginExport[];
  targets: TargetExport[];
  phases: PhaseExport[];
}

function epochMs(iso: string | undefined, fallback: number): number {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

function originOf(target: TargetResult, run: RunResults): string {
  return typeof target.origin === 'string' ? target.origin : run.run.origin;
}

/** Per origin, the run to export: the latest by start time (the later file on a tie). A metrics
 *  backend holds the current state; the history of runs is `coldbench history`'s job. */
export function latestRunPerOrigin(runs: RunResults[]): Map<string, RunResults> {
  const chosen = new Map<string, { run: RunResults; at: number }>();
  for (const run of runs) {
    const at = epochMs(run.run.startedAt, -Infinity);
    for (const t of run.targets) {
      const origin = originOf(t, run);
      const current = chosen.get(origin);
      if (!current || at >= current.at) chosen.set(origin, { run, at });
    }
  }
  return new Map([...chosen].map(([origin, { run }]) => [origin, run]));
}

function bucketsOf(target: TargetResult, phase: PhaseName, encoded: string): Array<[number, number, number]> {
  try {
    const h = decodeHistogram(encoded);
    const buckets = recordedBucketRanges(h);
    h.destroy();
    return buckets;
  } catch (err) {
    throw new InputError(`target ${JSON.stringify(target.name)} (${target.origin}) ${phase}: unreadable histogram (${(err as Error).message})`);
  }
}

export function buildExportModel(runs: RunResults[]): ExportModel {
  const model: ExportModel = { origins: [], targets: [], phases: [] };
  const now = Date.now();
  for (const [origin, run] of latestRunPerOrigin(runs)) {
    const startedAtMs = epochMs(run.run.startedAt, now);
    model.origins.push({ origin, runId: run.run.id, startedAt: run.run.startedAt, startedAtMs, endedAtMs: epochMs(run.run.endedAt, startedAtMs) });
    for (const t of run.targets) {
      if (originOf(t, run) !== origin) continue;
      const labels: TargetLabels = { origin, target: t.name, kind: t.kind, region: String(t.region ?? '') };
      model.targets.push({ ...labels, coldPenaltyUs: coldPenaltyUs(t), rttUs: rttUs(t), costUsdPer1M: costUsdPer1M(t) });
      const cold = t.phases.cold;
      if (cold) {
        model.phases.push({
          ...labels,
          phase: 'cold',
          summary: cold.summary,
          errors: errorsByKind(cold),
          buckets: cold.summary.count > 0 ? bucketsOf(t, 'cold', cold.histogram) : [],
          verified: typeof cold.verified === 'number' ? cold.verified : null,
          throughputRps: null,
          errorRate: errorRate(cold),
        });
      }
      const warm = t.phases.warm;
      if (warm) {
        model.phases.push({
          ...labels,
          phase: 'warm',
          summary: warm.summary,
          errors: errorsByKind(warm),
          buckets: warm.summary.count > 0 ? bucketsOf(t, 'warm', warm.histogram) : [],
          verified: null,
          throughputRps: typeof warm.throughputRps === 'number' ? warm.throughputRps : null,
          errorRate: errorRate(warm),
        });
      }
    }
  }
  return model;
}
