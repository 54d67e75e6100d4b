// Statistical tests for `compare`: Mann-Whitney U (exact for small samples such as a handful of
// cold starts, normal approximation with tie correction for large ones such as HDR warm
// distributions) and a seeded bootstrap interval of the difference of medians.

/** A sample as weighted values: [value, count] (plain samples have count 1). */
export type Weighted = ReadonlyArray<readonly [number, number]>;

export interface MannWhitneyResult {
  /** U of the second group: pairs (a, b) with b > a, ties counted one half. */
  u: number;
  nA: number;
  nB: number;
  /** One-sided p-value for "B tends to be larger than A" (B slower). */
  pGreater: number;
  /** One-sided p-value for "B tends to be smaller than A" (B faster). */
  pLess: number;
  /** Probability that a random B exceeds a random A (ties half): 0.5 = no shift. */
  effect: number;
  method: 'exact' | 'normal';
}

/** Largest total sample count for which the exact permutation distribution is computed. */
const EXACT_MAX_TOTAL = 60;

export function weightedOf(values: Iterable<number>): Array<[number, number]> {
  return [...values].map((v) => [v, 1] as [number, number]);
}

/** Mann-Whitney U test of group B against group A (e.g. current against baseline). */
export function mannWhitneyU(a: Weighted, b: Weighted): MannWhitneyResult {
  const nA = total(a);
  const nB = total(b);
  if (nA === 0 || nB === 0) throw new RangeError(`Mann-Whitney U needs two non-empty samples (got ${nA} and ${nB} values)`);
  // Distinct values ascending with their counts per group, then mid-ranks.
  const byValue = new Map<number, [number, number]>();
  for (const [v, c] of a) if (c > 0) (byValue.get(v) ?? setGet(byValue, v))[0] += c;
  for (const [v, c] of b) if (c > 0) (byValue.get(v) ?? setGet(byValue, v))[1] += c;
  const groups = [...byValue.entries()].sort((x, y) => x[0] - y[0]);
  let rankBelow = 0;
  let rankSumB = 0;
  let tieTerm = 0;
  for (const [, [ca, cb]] of groups) {
    const t = ca + cb;
    const midRank = rankBelow + (t + 1) / 2;
    rankSumB += cb * midRank;
    tieTerm += t * t * t - t;
    rankBelow += t;
  }
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const effect = u / (nA * nB);
  const n = nA + nB;
  if (n <= EXACT_MAX_TOTAL) {
    const { pGreater, pLess } = exactRankSumP(groups.map(([, [ca, cb]]) => ca + cb), nB, 2 * rankSumB);
    return { u, nA, nB, pGreater, pLess, effect, method: 'exact' };
  }
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, nA, nB, pGreater: 1, pLess: 1, effect, method: 'normal' };
  const sd = Math.sqrt(variance);
  // Continuity correction of one half towards the mean.
  const pGreater = 1 - normalCdf((u - mean - 0.5) / sd);
  const pLess = normalCdf((u - mean + 0.5) / sd);
  return { u, nA, nB, pGreater: clamp01(pGreater), pLess: clamp01(pLess), effect, method: 'normal' };
}

function setGet(map: Map<number, [number, number]>, key: number): [number, number] {
  const entry: [number, number] = [0, 0];
  map.set(key, entry);
  return entry;
}

function total(sample: Weighted): number {
  let n = 0;
  for (const [, c] of sample) n += c;
  return n;
}

/**
 * Exact permutation distribution of the rank sum of B (doubled mid-ranks, so ties stay integers):
 * count the ways to choose nB of the N positions with each possible doubled rank sum.
 */
function exactRankSumP(tieSizes: number[], nB: number, observedDoubled: number): { pGreater: number; pLess: number } {
  const doubledRanks: number[] = [];
  let below = 0;
  for (const t of tieSizes) {
    const doubledMid = 2 * below + t + 1;
    for (let i = 0; i < t; i++) doubledRanks.push(doubledMid);
    below += t;
  }
  const n = doubledRanks.length;
  const maxSum = n * (n + 1);
  // ways[k][s]: subsets of size k with doubled rank sum s (floating point: C(60,30) ~ 1.2e17 fits).
  const ways: Float64Array[] = Array.from({ length: nB + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  for (const r of doubledRanks) {
    for (let k = Math.min(nB, n) - 1; k >= 0; k--) {
      const from = ways[k]!;
      const to = ways[k + 1]!;
      for (let s = maxSum - r; s >= 0; s--) if (from[s]! !== 0) to[s + r]! += from[s]!;
    }
  }
  const dist = ways[nB]!;
  let all = 0;
  let atLeast = 0;
  let atMost = 0;
  const observed = Math.round(observedDoubled);
  for (let s = 0; s <= maxSum; s++) {
    const w = dist[s]!;
    if (w === 0) continue;
    all += w;
    if (s >= observed) atLeast += w;
    if (s <= observed) atMost += w;
  }
  return { pGreater: atLeast / all, pLess: atMost / all };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** Deterministic PRNG (mulberry32): the same inputs give the same interval on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface BootstrapInterval {
  /** Observed median(B) - median(A). */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  iterations: number;
}

/** Percentile bootstrap interval of median(B) - median(A), resampling each group with replacement. */
export function bootstrapMedianDifference(
  a: readonly number[],
  b: readonly number[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): BootstrapInterval {
  if (a.length === 0 || b.length === 0) throw new RangeError(`bootstrap needs two non-empty samples (got ${a.length} and ${b.length} values)`);
  const iterations = options.iterations ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 0x5eed);
  const diffs = new Float64Array(iterations);
  const bufA = new Array<number>(a.length);
  const bufB = new Array<number>(b.length);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < a.length; j++) bufA[j] = a[Math.floor(random() * a.length)]!;
    for (let j = 0; j < b.length; j++) bufB[j] = b[Math.floor(random() * b.length)]!;
    diffs[i] = median(bufB) - median(bufA);
  }
  diffs.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => diffs[Math.min(iterations - 1, Math.max(0, Math.floor(q * iterations)))]!;
  return { estimate: median(b) - median(a), low: at(tail), high: at(1 - tail), confidence, iterations };
}
