// Per-target phases beyond cold and warm (issue 16's experiments: sweep, burst, keepalive, stages)
// plan themselves here: each planner returns what its phase will change and how long it takes, and
// `plan` adds it to the target. Pure: from the target's configuration alone.
import type { TargetConfig } from '../config/schema.js';

export interface ExtraPhasePlan {
  changes: string[];
  ms: number;
  /** One phrase for the time basis ("burst of 50 requests: 2 s"). */
  basis: string;
}

export type ExtraPhasePlanner = (target: TargetConfig) => ExtraPhasePlan | null;

/** Wire a planner in by adding it to this list (e.g. planExperiments). */
export const EXTRA_PHASE_PLANNERS: readonly ExtraPhasePlanner[] = [];

export function planExtraPhases(target: TargetConfig): ExtraPhasePlan[] {
  return EXTRA_PHASE_PLANNERS.map((planner) => planner(target)).filter((p): p is ExtraPhasePlan => p !== null);
}
