// The experiments in the report model: one row per burst size and per keepalive gap, and the stages
// of varying-rate warm phases, with the numbers the reporters show (means across bursts, the rate
// each stage asked for and the rate it got), so that reporters only choose words and layout.
import type { BurstSizeResult, KeepaliveGapResult, StageResult, TargetResult } from '../results/types.js';

export interface BurstRow {
  target: TargetResult;
  /** Index into results.targets. */
  index: number;
  result: BurstSizeResult;
  /** Requests sent in every burst of this size. */
  requests: number;
  errorCounts: Array<[string, number]>;
  /** Mean over the bursts of distinct instances that answered / of verified cold starts; null when unknown. */
  instancesMean: number | null;
  coldStartsMean: number | null;
}

export interface KeepaliveRow {
  target: TargetResult;
  index: number;
  gap: KeepaliveGapResult;
}

export interface StageRow {
  stage: StageResult;
  /** Requests per second the stage asked for (its mean), and those that left within its window. */
  scheduledRps: number;
  sentRps: number | null;
}

export interface StagesModel {
  target: TargetResult;
  index: number;
  rows: StageRow[];
}

export interface ExperimentsModel {
  burst: BurstRow[];
  keepalive: KeepaliveRow[];
  stages: StagesModel[];
}

function mean(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 10) / 10 : null;
}

function perSecond(count: number, ms: number): number {
  return Math.round((count / (ms / 1000)) * 100) / 100;
}

export function buildExperiments(targets: TargetResult[]): ExperimentsModel {
  const model: ExperimentsModel = { burst: [], keepalive: [], stages: [] };
  targets.forEach((target, index) => {
    for (const result of target.experiments?.burst?.sizes ?? []) {
      const errorCounts = Object.entries(result.errorsByKind).flatMap(([kind, n]): Array<[string, number]> => (n ? [[kind, n]] : []));
      model.burst.push({
        target,
        index,
        result,
        requests: result.bursts.reduce((sum, b) => sum + b.requests.length, 0),
        errorCounts,
        instancesMean: mean(result.bursts.map((b) => b.instances)),
        coldStartsMean: mean(result.bursts.map((b) => b.coldStarts)),
      });
    }
    for (const gap of target.experiments?.keepalive?.gaps ?? []) model.keepalive.push({ target, index, gap });
    const stages = target.phases.warm?.stages;
    if (stages && stages.length > 0) {
      model.stages.push({
        target,
        index,
        rows: stages.map((stage) => ({
          stage,
          scheduledRps: stage.durationMs > 0 ? perSecond(stage.scheduled, stage.durationMs) : 0,
          sentRps: stage.durationMs > 0 ? perSecond(stage.sent, stage.durationMs) : null,
        })),
      });
    }
  });
  return model;
}
