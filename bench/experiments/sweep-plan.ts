// What `coldbench plan` says about a target's `sweep:` (pure: from the validated target alone):
// what the sweep changes on the platform, in what order, and how long the swept target takes.
import type { TargetConfig } from '../config/schema.js';
import { predictTargetMs } from '../origins/predict.js';
import { variantName, variantsOf, type SweepAxis } from './sweep-types.js';

export interface SweepPlan {
  /** One sentence per platform change, then the target entries the variants are measured as. */
  changes: string[];
  /** The whole swept target: every variant applied and measured, and the restore (use it instead
   *  of the target's own estimate); 0 without a sweep. */
  estimatedSeconds: number;
}

const values = (axis: SweepAxis, unit = '') => `${axis.key} ${axis.values.map((v) => `${String(v)}${unit}`).join(', ')}`;

/** Where the sweep changes what: the resource the control plane updates. */
function whatChanges(target: TargetConfig): string {
  const axes = target.sweep ?? [];
  switch (target.kind) {
    case 'lambda':
      return `lambda function ${target.function} (${target.region}): MemorySize ${axes.map((a) => a.values.join(', ')).join('')} MB in turn (UpdateFunctionConfiguration)`;
    case 'cloud-function':
    case 'cloud-run': {
      const resource = target.kind === 'cloud-run' ? `Cloud Run service ${target.service}` : `the Cloud Run service of function ${target.function}`;
      return `${resource} (${target.project}, ${target.region}): a new revision per variant with ${axes.map((a) => values(a)).join(' x ')} (limits; concurrency = maxInstanceRequestConcurrency)`;
    }
    case 'knative':
      return `Knative Service ${target.namespace ?? '<context namespace>'}/${target.service}: container requests and limits ${axes.map((a) => values(a)).join(' x ')}, a new revision per variant`;
    case 'kubernetes':
      return `Deployment ${target.namespace ?? '<context namespace>'}/${target.deployment}: container requests and limits ${axes.map((a) => values(a)).join(' x ')}, a rollout per variant`;
    case 'http':
      return '';
  }
}

export function planSweep(target: TargetConfig): SweepPlan {
  const axes = target.sweep;
  if (!axes || axes.length === 0) return { changes: [], estimatedSeconds: 0 };
  const variants = variantsOf(axes);
  return {
    changes: [
      `${whatChanges(target)}, one variant at a time; the original configuration is journaled before the first change and restored at the end, on error and on Ctrl-C`,
      `${variants.length} variants measured as targets ${variants.map((v) => variantName(target.name, v)).join(', ')}`,
    ],
    estimatedSeconds: Math.ceil(predictTargetMs(target) / 1000),
  };
}
