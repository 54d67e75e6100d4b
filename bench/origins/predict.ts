// How long a run of these targets is predicted to take: what the file fixes (idle waits, warm
// durations, warm-ups) plus an allowance per forced cold start for the control plane. A prediction
// for up-front decisions (Lambda's 900 s limit, a Job's deadline), not a measurement.
import type { ColdStrategy, TargetConfig } from '../config/schema.js';
import { burstMs, keepaliveMs } from '../experiments/duration.js';
import { SWEEP_APPLY_MS, variantCount } from '../experiments/sweep-types.js';

/** Control-plane time allowed per cold sample, by strategy (the wait, then the sample itself). */
export const PER_SAMPLE_MS: Record<ColdStrategy, number> = {
  none: 1_000,
  idle: 1_000,
  command: 3_000,
  // A Lambda configuration update applies in 1-3 s; a Cloud Run revision takes longer.
  'update-config': 6_000,
  // An update, then PublishVersion and (with SnapStart) the snapshot: tens of seconds.
  'publish-version': 30_000,
  // Knative's stable window (60 s by default) plus the grace period.
  'scale-to-zero': 90_000,
  'scale-from-zero': 30_000,
};

/** Per target: preparation (reading the platform, the unrecorded warm-up request) and restore. */
const PER_TARGET_MS = 5_000;
/** Requests per second per connection assumed for a warm phase bounded by a request count. */
const ASSUMED_RPS_PER_CONNECTION = 50;

export interface TargetPrediction {
  ms: number;
  /** What the prediction is made of, one phrase each ("3 cold samples x 6 s (update-config)"). */
  basis: string[];
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The cold and warm phases (burst: and keepalive: are planExperiments' and predictTargetMs').
 *  `coldWaitMs`: the control-plane wait per sample when the platform told more than the strategy's
 *  allowance (Knative's time to scale to zero, from the service's own settings). */
export function predictTarget(target: TargetConfig, coldWaitMs?: number): TargetPrediction {
  let ms = PER_TARGET_MS;
  const basis = [`${secs(PER_TARGET_MS)} reading the platform, the warm-up request and restoring`];
  const cold = target.cold;
  if (cold && cold.samples > 0) {
    const perSample = (coldWaitMs ?? PER_SAMPLE_MS[cold.strategy]) + (cold.strategy === 'idle' || cold.strategy === 'update-config' ? cold.idleMs : 0);
    ms += cold.samples * perSample;
    basis.push(`${cold.samples} cold sample${cold.samples === 1 ? '' : 's'} x ${secs(perSample)} (${cold.strategy}${coldWaitMs !== undefined ? ', the wait predicted from the platform' : ''})`);
  }
  const warm = target.warm;
  if (warm) {
    ms += warm.warmupMs;
    if (warm.warmupMs) basis.push(`warm-up ${secs(warm.warmupMs)}`);
    if (warm.durationMs !== undefined) {
      ms += warm.durationMs;
      basis.push(`warm phase ${secs(warm.durationMs)}`);
    } else if (warm.requests !== undefined) {
      const perSecond = warm.rate ?? warm.connections * ASSUMED_RPS_PER_CONNECTION;
      const warmMs = Math.ceil((warm.requests / perSecond) * 1000);
      ms += warmMs;
      basis.push(`warm phase ${warm.requests} requests at ${warm.rate !== undefined ? `${perSecond}/s` : `an assumed ${perSecond}/s`}: ${secs(warmMs)}`);
    }
  }
  return { ms, basis };
}

/** One measurement of a target: cold and warm phases, and burst: and keepalive: (hours for a
 *  keepalive of long gaps: Lambda's 900 s limit must know). */
export function predictMeasurementMs(target: TargetConfig): number {
  let ms = predictTarget(target).ms;
  if (target.burst && target.cold) ms += burstMs(target.burst, target.cold, PER_SAMPLE_MS);
  if (target.keepalive) ms += keepaliveMs(target.keepalive);
  return ms;
}

/** The target's run: one measurement, or with sweep: one per variant, each applied first, and the
 *  original restored at the end. */
export function predictTargetMs(target: TargetConfig): number {
  if (!target.sweep) return predictMeasurementMs(target);
  const apply = SWEEP_APPLY_MS[target.kind];
  return variantCount(target.sweep) * (apply + predictMeasurementMs(target)) + apply;
}

/** Requests a target's run will send (cold samples, the warm-up request, the warm phase), for the
 *  cost of the run itself; an assumed rate where the file fixes a duration and no rate. */
export function predictRequests(target: TargetConfig): { cold: number; warm: number; assumed: boolean } {
  const cold = target.cold?.samples ?? 0;
  const warm = target.warm;
  if (!warm) return { cold, warm: 1, assumed: false };
  if (warm.requests !== undefined) return { cold, warm: warm.requests + 1, assumed: false };
  const seconds = ((warm.durationMs ?? 0) + warm.warmupMs) / 1000;
  if (warm.rate !== undefined) return { cold, warm: Math.ceil(warm.rate * seconds) + 1, assumed: false };
  return { cold, warm: Math.ceil(warm.connections * ASSUMED_RPS_PER_CONNECTION * seconds) + 1, assumed: true };
}

export function predictRunMs(targets: readonly TargetConfig[]): number {
  return targets.reduce((sum, t) => sum + predictTargetMs(t), 0);
}
