// Per-target phases beyond cold and warm (issue 16's experiments: sweep, burst, keepalive, stages)
// plan themselves here: each planner returns what its phase will change and how long it takes, and
// `plan` adds it to the target. Pure: from the target's configuration alone.
import type { TargetConfig } from '../config/schema.js';
import { planExperiments } from '../experiments/plan.js';
import { planSweep } from '../experiments/sweep-plan.js';
import { predictMeasurementMs } from '../origins/predict.js';

export interface ExtraPhasePlan {
  changes: string[];
  ms: number;
  /** One phrase for the time basis ("burst of 50 requests: 2 s"). */
  basis: string;
}

export type ExtraPhasePlanner = (target: TargetConfig) => ExtraPhasePlan | null;

/** burst:, keepalive: and warm.stages / warm.trace (whose time is the warm phase's own). */
const experiments: ExtraPhasePlanner = (target) => {
  const plan = planExperiments(target);
  if (plan.changes.length === 0) return null;
  return { changes: plan.changes, ms: plan.estimatedSeconds * 1000, basis: `experiments ${plan.estimatedSeconds} s (burst, keepalive)` };
};

/** sweep: its changes, and the variants beyond the first measurement (planSweep's time is the whole
 *  swept target, of which the target's own measurement is already counted). */
const sweep: ExtraPhasePlanner = (target) => {
  const plan = planSweep(target);
  if (plan.changes.length === 0) return null;
  const ms = Math.max(0, plan.estimatedSeconds * 1000 - predictMeasurementMs(target));
  return { changes: plan.changes, ms, basis: `sweep: the other variants, each applied, and the restore ${Math.round(ms / 1000)} s` };
};

/** Wire a planner in by adding it to this list. */
export const EXTRA_PHASE_PLANNERS: readonly ExtraPhasePlanner[] = [experiments, sweep];

export function planExtraPhases(target: TargetConfig): ExtraPhasePlan[] {
  return EXTRA_PHASE_PLANNERS.map((planner) => planner(target)).filter((p): p is ExtraPhasePlan => p !== null);
}
