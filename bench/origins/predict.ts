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

/** A swept target: every variant applied and measured, then the original restored. */
export function predictTargetMs(target: TargetConfig): number {
  if (!target.sweep) return predictMeasurementMs(target);
  const apply = SWEEP_APPLY_MS[target.kind];
  return variantCount(target.sweep) * (apply + predictMeasurementMs(target)) + apply;
}

/** One measurement of a target: its cold and warm phases. */
export function predictMeasurementMs(target: TargetConfig): number {
  let ms = PER_TARGET_MS;
  const cold = target.cold;
  if (cold) ms += cold.samples * (PER_SAMPLE_MS[cold.strategy] + (cold.strategy === 'idle' ? cold.idleMs : 0));
  const warm = target.warm;
  if (warm) {
    ms += warm.warmupMs;
    if (warm.durationMs !== undefined) ms += warm.durationMs;
    else if (warm.requests !== undefined) {
      const perSecond = warm.rate ?? warm.connections * ASSUMED_RPS_PER_CONNECTION;
      ms += Math.ceil((warm.requests / perSecond) * 1000);
    }
  }
  // burst: and keepalive: (hours for a keepalive of long gaps: Lambda's 900 s limit must know).
  if (target.burst && cold) ms += burstMs(target.burst, cold, PER_SAMPLE_MS);
  if (target.keepalive) ms += keepaliveMs(target.keepalive);
  return ms;
}

export function predictRunMs(targets: readonly TargetConfig[]): number {
  return targets.reduce((sum, t) => sum + predictTargetMs(t), 0);
}
