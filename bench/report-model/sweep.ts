// The report's view of each `sweep:`: per origin x swept target, one row per variant (in the order
// measured) with cold p50, warm p50 and p95 and the cost per 1M requests, the fastest variant and
// the best value: the cheapest variant whose latency is within 10% of the fastest's. Latency means
// cold p50 when every measured variant has one (what a sweep of cold starts is about), else warm p50.
import type { RunResults, TargetResult } from '../results/types.js';

/** A variant within this share of the fastest counts as fast enough for the best value. */
export const BEST_VALUE_TOLERANCE = 0.1;

export interface SweepRow {
  target: TargetResult;
  /** Index into results.targets. */
  index: number;
  /** `memory=512`: the variant as its label. */
  label: string;
  coldP50Us: number | null;
  warmP50Us: number | null;
  warmP95Us: number | null;
  /** The latency the variants are ranked by (`metric`); null: not measured. */
  latencyUs: number | null;
  costPer1M: number | null;
  currency: string | null;
  fastest: boolean;
  /** The cheapest variant within BEST_VALUE_TOLERANCE of the fastest. */
  best: boolean;
}

export interface SweepModel {
  /** The swept target's name, as in the target file. */
  of: string;
  origin: string;
  kind: string;
  /** The swept keys, in file order. */
  keys: string[];
  metric: 'cold p50' | 'warm p50';
  rows: SweepRow[];
}

const p50 = (t: TargetResult, phase: 'cold' | 'warm') => {
  const s = t.phases[phase]?.summary;
  return s && s.count > 0 ? s.p50Us : null;
};

function label(variant: Record<string, number | string>): string {
  return Object.entries(variant)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

export function sweepModel(results: RunResults): SweepModel[] {
  const groups = new Map<string, SweepModel>();
  results.targets.forEach((target, index) => {
    if (!target.variantOf || !target.variant) return;
    const key = JSON.stringify([target.origin, target.variantOf]);
    let group = groups.get(key);
    if (!group) {
      group = { of: target.variantOf, origin: target.origin, kind: target.kind, keys: Object.keys(target.variant), metric: 'cold p50', rows: [] };
      groups.set(key, group);
    }
    const warm = target.phases.warm?.summary;
    group.rows.push({
      target,
      index,
      label: label(target.variant),
      coldP50Us: p50(target, 'cold'),
      warmP50Us: p50(target, 'warm'),
      warmP95Us: warm && warm.count > 0 ? warm.p95Us : null,
      latencyUs: null,
      costPer1M: target.cost?.per1MRequests ?? null,
      currency: target.cost?.currency ?? null,
      fastest: false,
      best: false,
    });
  });
  for (const group of groups.values()) rank(group);
  return [...groups.values()];
}

/** Mark the fastest variant and the best value (ties: the faster, then the first measured). */
function rank(group: SweepModel): void {
  const measured = group.rows.filter((r) => r.coldP50Us !== null || r.warmP50Us !== null);
  group.metric = measured.length > 0 && measured.every((r) => r.coldP50Us !== null) ? 'cold p50' : 'warm p50';
  for (const r of group.rows) r.latencyUs = group.metric === 'cold p50' ? r.coldP50Us : r.warmP50Us;
  const timed = group.rows.filter((r): r is SweepRow & { latencyUs: number } => r.latencyUs !== null);
  if (timed.length === 0) return;
  const fastest = timed.reduce((a, b) => (b.latencyUs < a.latencyUs ? b : a));
  fastest.fastest = true;
  const limit = fastest.latencyUs * (1 + BEST_VALUE_TOLERANCE);
  const currency = fastest.currency;
  const candidates = timed.filter((r) => r.latencyUs <= limit && r.costPer1M !== null && r.currency === currency);
  if (candidates.length === 0) return;
  const best = candidates.reduce((a, b) => {
    const ca = a.costPer1M ?? Infinity;
    const cb = b.costPer1M ?? Infinity;
    return cb < ca || (cb === ca && b.latencyUs < a.latencyUs) ? b : a;
  });
  best.best = true;
}
