// Two-sample Kolmogorov-Smirnov test for `compare`, beside Mann-Whitney U: a rank test sees a
// shift of the middle, but cold starts are often bimodal (a fast and a slow path), and a second
// slow mode with the same median moves no rank sum. KS compares the whole distributions: the
// largest distance between the two empirical CDFs, one-sided (B slower somewhere, B faster
// somewhere). Exact p-values (the permutation distribution, ties included) for small samples such
// as a handful of cold starts; the asymptotic ones for HDR histograms of thousands.
import type { Weighted } from './stats.js';

export interface KsResult {
  nA: number;
  nB: number;
  /** max over x of F_A(x) - F_B(x): B has less mass below x, i.e. B slower there. */
  dSlower: number;
  /** max over x of F_B(x) - F_A(x): B faster somewhere. */
  dFaster: number;
  /** One-sided p-values of dSlower and dFaster. */
  pSlower: number;
  pFaster: number;
  method: 'exact' | 'asymptotic';
}

/** Largest pooled sample for which the exact permutation p-value is computed (O(N x nA) work). */
const EXACT_MAX_TOTAL = 2000;
/** Distances are ratios of integers: compare them with room for rounding. */
const EPSILON = 1e-9;

interface Block {
  a: number;
  b: number;
}

/** Distinct values ascending, with each group's count at that value. */
function blocks(a: Weighted, b: Weighted): Block[] {
  const byValue = new Map<number, Block>();
  const add = (sample: Weighted, key: 'a' | 'b') => {
    for (const [v, c] of sample) {
      if (!(c > 0)) continue;
      const block = byValue.get(v) ?? { a: 0, b: 0 };
      block[key] += c;
      byValue.set(v, block);
    }
  };
  add(a, 'a');
  add(b, 'b');
  return [...byValue.entries()].sort((x, y) => x[0] - y[0]).map(([, block]) => block);
}

/** Two-sample KS test of group B against group A (current against baseline). */
export function kolmogorovSmirnov(a: Weighted, b: Weighted): KsResult {
  const sorted = blocks(a, b);
  const nA = sorted.reduce((n, x) => n + x.a, 0);
  const nB = sorted.reduce((n, x) => n + x.b, 0);
  if (nA === 0 || nB === 0) throw new RangeError(`Kolmogorov-Smirnov needs two non-empty samples (got ${nA} and ${nB} values)`);
  let cumA = 0;
  let cumB = 0;
  let dSlower = 0;
  let dFaster = 0;
  for (const block of sorted) {
    cumA += block.a;
    cumB += block.b;
    dSlower = Math.max(dSlower, cumA / nA - cumB / nB);
    dFaster = Math.max(dFaster, cumB / nB - cumA / nA);
  }
  if (nA + nB <= EXACT_MAX_TOTAL) {
    const sizes = sorted.map((x) => x.a + x.b);
    return {
      nA, nB, dSlower, dFaster, method: 'exact',
      pSlower: exactP(sizes, nA, nB, dSlower, 1),
      pFaster: exactP(sizes, nA, nB, dFaster, -1),
    };
  }
  const ne = (nA * nB) / (nA + nB);
  const p = (d: number) => (d <= 0 ? 1 : Math.min(1, Math.exp(-2 * ne * d * d)));
  return { nA, nB, dSlower, dFaster, pSlower: p(dSlower), pFaster: p(dFaster), method: 'asymptotic' };
}

/**
 * P(statistic >= observed) over every assignment of the pooled values to the two groups (each
 * equally likely under "same distribution"), with the CDFs compared only between distinct values,
 * so ties count as in the data. The walk adds the pooled values in order; prob[i] is the chance
 * that i of those so far are A's and the distance has not reached `d` yet.
 * sign 1: F_A - F_B (B slower); -1: F_B - F_A.
 */
function exactP(blockSizes: number[], nA: number, nB: number, d: number, sign: 1 | -1): number {
  if (d <= EPSILON) return 1;
  const total = nA + nB;
  let prob = new Float64Array(nA + 1);
  prob[0] = 1;
  let k = 0;
  let reached = 0;
  for (const size of blockSizes) {
    for (let step = 0; step < size; step += 1) {
      const next = new Float64Array(nA + 1);
      const left = total - k;
      for (let i = Math.max(0, k - nB); i <= Math.min(k, nA); i += 1) {
        const p = prob[i]!;
        if (p === 0) continue;
        const toA = (nA - i) / left;
        if (i < nA) next[i + 1]! += p * toA;
        if (k - i < nB) next[i]! += p * (1 - toA);
      }
      prob = next;
      k += 1;
    }
    for (let i = Math.max(0, k - nB); i <= Math.min(k, nA); i += 1) {
      const distance = sign * (i / nA - (k - i) / nB);
      if (distance >= d - EPSILON) {
        reached += prob[i]!;
        prob[i] = 0;
      }
    }
  }
  return Math.min(1, Math.max(0, reached));
}

/** The value at quantile q (0..1) of a weighted sample, by nearest rank. */
export function weightedQuantile(sample: Weighted, q: number): number {
  const sorted = [...sample].filter(([, c]) => c > 0).sort((x, y) => x[0] - y[0]);
  const n = sorted.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [v, c] of sorted) {
    seen += c;
    if (seen >= rank) return v;
  }
  return sorted.at(-1)![0];
}
