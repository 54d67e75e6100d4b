// Whether a target's experiments measured anything: a run of experiments alone is not a failed run.
import type { TargetResult } from '../results/types.js';

export function experimentsMeasured(result: TargetResult): boolean {
  const e = result.experiments;
  return (e?.burst?.sizes.some((s) => s.summary.count > 0) ?? false) || (e?.keepalive?.gaps.some((g) => g.requests.some((r) => r.error === null)) ?? false);
}
