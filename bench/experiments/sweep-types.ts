// `sweep:` of a target: the configuration keys each kind can sweep, the variants (one per value;
// the cross product when several keys are swept) and their names in results (`hello[memory=512]`).
import type { TargetKind } from '../config/kinds.js';

/** A swept value as written in the target file: Lambda MB, Google "512Mi" / "1", Kubernetes "250m". */
export type SweepValue = number | string;

/** One swept key and its values, in file order. */
export interface SweepAxis {
  key: SweepKey;
  values: SweepValue[];
}

export const SWEEP_KEYS = ['memory', 'cpu', 'concurrency'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** What each kind can sweep through its control plane (http has no control plane). */
export const SWEEP_KEYS_BY_KIND: Record<TargetKind, readonly SweepKey[]> = {
  http: [],
  lambda: ['memory'],
  'cloud-function': ['memory', 'cpu', 'concurrency'],
  'cloud-run': ['memory', 'cpu', 'concurrency'],
  knative: ['cpu', 'memory'],
  kubernetes: ['cpu', 'memory'],
};

/** Upper bound of variants of one target (each is a full cold + warm measurement). */
export const MAX_VARIANTS = 16;

/** One variant: a value per swept key, in the axes' order. */
export type Variant = Partial<Record<SweepKey, SweepValue>>;

/** Every variant, the first key varying slowest (the cross product of the axes). */
export function variantsOf(axes: readonly SweepAxis[]): Variant[] {
  let out: Variant[] = [{}];
  for (const axis of axes) out = out.flatMap((v) => axis.values.map((value) => ({ ...v, [axis.key]: value })));
  return axes.length === 0 ? [] : out;
}

/** `memory=512,cpu=1`: the variant as its label in names and reports. */
export function variantLabel(variant: Variant): string {
  return Object.entries(variant)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
}

/** The name a variant's results carry: `hello[memory=512]`. */
export function variantName(target: string, variant: Variant): string {
  return `${target}[${variantLabel(variant)}]`;
}

/** Number of variants the axes make (without building them). */
export function variantCount(axes: readonly SweepAxis[]): number {
  return axes.length === 0 ? 0 : axes.reduce((n, a) => n * a.values.length, 1);
}

/** Allowance for applying one variant through the control plane and waiting until it serves (and
 *  for the restore at the end): a Lambda update applies in seconds; a new Cloud Run revision or a
 *  rollout of new pods takes longer. */
export const SWEEP_APPLY_MS: Record<TargetKind, number> = {
  http: 0,
  lambda: 5_000,
  'cloud-function': 30_000,
  'cloud-run': 30_000,
  knative: 30_000,
  kubernetes: 30_000,
};
