// The `sweep:` key of a target file, per kind: which keys, which values. Values are what the
// platform's control plane takes: Lambda memory in MB (128-10240); Google and Kubernetes memory as
// a quantity ("512Mi", "1Gi"), CPU as a quantity or a number of CPUs ("500m", "1", 2), Google
// concurrency as requests per instance (1-1000).
import { z } from '../zod.js';
import { MAX_VARIANTS, SWEEP_KEYS_BY_KIND, variantCount, type SweepAxis, type SweepKey } from '../experiments/sweep-types.js';
import type { TargetKind } from './kinds.js';
import type { ConfigProblem } from './problems.js';

const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;

const quantity = (what: string) => {
  const error = `expected a ${what} quantity like ${what === 'memory' ? '"512Mi" or "1Gi"' : '"500m" or "1"'}`;
  return z.string({ error }).regex(QUANTITY, { error });
};
const cpu = z.union([quantity('cpu'), z.number().positive()], { error: 'expected a CPU quantity like "500m" or "1", or a number of CPUs' });

const valuesOf = <T extends z.ZodType>(value: T, what: string) =>
  z
    .array(value, { error: `expected a list of ${what}` })
    .min(1, { error: `expected at least one ${what.replace(/s$/, '')}` })
    .max(MAX_VARIANTS, { error: `expected at most ${MAX_VARIANTS} values` })
    .refine((values) => new Set(values.map(String)).size === values.length, { error: 'expected each value once' });

const VALUES: Record<SweepKey, Partial<Record<TargetKind, z.ZodType>>> = {
  memory: {
    lambda: valuesOf(z.int({ error: 'expected MB as an integer' }).min(128, { error: 'expected at least 128 (MB)' }).max(10240, { error: 'expected at most 10240 (MB)' }), 'memory sizes in MB'),
    'cloud-function': valuesOf(quantity('memory'), 'memory quantities'),
    'cloud-run': valuesOf(quantity('memory'), 'memory quantities'),
    knative: valuesOf(quantity('memory'), 'memory quantities'),
    kubernetes: valuesOf(quantity('memory'), 'memory quantities'),
  },
  cpu: {
    'cloud-function': valuesOf(cpu, 'CPU quantities'),
    'cloud-run': valuesOf(cpu, 'CPU quantities'),
    knative: valuesOf(cpu, 'CPU quantities'),
    kubernetes: valuesOf(cpu, 'CPU quantities'),
  },
  concurrency: {
    'cloud-function': valuesOf(z.int({ error: 'expected requests per instance' }).min(1).max(1000), 'concurrencies'),
    'cloud-run': valuesOf(z.int({ error: 'expected requests per instance' }).min(1).max(1000), 'concurrencies'),
  },
};

const DESCRIPTIONS: Record<SweepKey, string> = {
  memory: 'Memory per variant (Lambda: MB; Google: e.g. "512Mi"; Kubernetes / Knative: container requests and limits, e.g. "256Mi")',
  cpu: 'CPU per variant ("500m", "1", or a number; Kubernetes / Knative: container requests and limits)',
  concurrency: 'Requests per instance per variant (maxInstanceRequestConcurrency)',
};

/** The `sweep:` object of one kind: each variant applied through the control plane, measured as its
 *  own target entry, the original configuration restored at the end. */
export function sweepSchema(kind: TargetKind) {
  const shape: Record<string, z.ZodType> = {};
  for (const key of SWEEP_KEYS_BY_KIND[kind]) {
    const values = VALUES[key][kind];
    if (values) shape[key] = values.optional().describe(DESCRIPTIONS[key]);
  }
  return z
    .strictObject(shape)
    .describe(`One variant per value (the cross product when several keys are given, at most ${MAX_VARIANTS}), each measured as the target named <name>[key=value]; the original configuration is restored at the end`);
}

/** The sweep as axes, in the kind's key order (SWEEP_KEYS_BY_KIND), the first varying slowest. */
export function sweepAxes(sweep: Record<string, unknown>): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const [key, values] of Object.entries(sweep)) {
    if (!Array.isArray(values) || (key !== 'memory' && key !== 'cpu' && key !== 'concurrency')) continue;
    axes.push({ key, values: values.filter((v): v is number | string => typeof v === 'number' || typeof v === 'string') });
  }
  return axes;
}

/** Checks across the sweep's keys: at least one key, at most MAX_VARIANTS variants in all. */
export function sweepProblems(sweep: Record<string, unknown>): ConfigProblem[] {
  const axes = sweepAxes(sweep);
  if (axes.length === 0) return [{ path: ['sweep'], message: 'expected at least one key to sweep' }];
  const count = variantCount(axes);
  if (count > MAX_VARIANTS) return [{ path: ['sweep'], message: `${count} variants (the cross product of ${axes.map((a) => `${a.values.length} ${a.key}`).join(' x ')}); at most ${MAX_VARIANTS}` }];
  return [];
}
