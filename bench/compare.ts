// `coldbench compare <baseline> <current>`: per origin x target x phase, the change of p50/p95/p99
// and a verdict. A change counts only when it is both statistically significant and larger than
// the fail threshold (relative) and the noise floor (absolute):
// - cold: few samples, so Mann-Whitney U (exact permutation p-value) on the individual samples,
//   with a bootstrap interval of the median difference for the reader;
// - warm: HDR distributions of thousands of requests, where any tiny shift is "significant", so
//   the tolerance decides: p50 needs Mann-Whitney U over the histogram buckets plus the threshold,
//   tail percentiles need the threshold, the noise floor and enough samples beyond them;
// - both: a two-sample Kolmogorov-Smirnov test beside Mann-Whitney U, for shifts a rank test
//   misses (a second, slow mode of cold starts with the same median): significant, and some
//   decile (p10..p90) moved by more than the tolerance. Either test can flag a regression; the
//   reason says which.
import { decodeHistogram, recordedBuckets, type LatencySummary } from './histograms.js';
import type { RunResults, TargetResult } from './results/types.js';
import { bootstrapMedianDifference, mannWhitneyU, weightedOf, type BootstrapInterval, type MannWhitneyResult, type Weighted } from './stats.js';
import { kolmogorovSmirnov, weightedQuantile, type KsResult } from './stats-ks.js';
import { msWithUnit, pValueText, signedPercent } from './units.js';
import { InputError } from './errors.js';

export interface CompareOptions {
  /** Relative change (percent) a percentile must exceed to count as a regression. Default 10. */
  failThresholdPct?: number;
  /** Significance level of the Mann-Whitney U test. Default 0.05. */
  alpha?: number;
  /** Absolute change (µs) below which a difference is noise whatever its percentage. Default 500. */
  noiseFloorUs?: number;
}

export type Verdict = 'regression' | 'improvement' | 'no change' | 'not comparable';
export type TestName = 'Mann-Whitney U' | 'Kolmogorov-Smirnov';
export type MetricName = 'p50' | 'p95' | 'p99';

export interface MetricChange {
  name: MetricName;
  baselineUs: number;
  currentUs: number;
  /** (current - baseline) / baseline in percent; null when the baseline is 0. */
  changePct: number | null;
  /** Whether this percentile alone is a regression under the rules above. */
  regressed: boolean;
  improved: boolean;
}

export interface CompareRow {
  origin: string;
  target: string;
  phase: 'cold' | 'warm';
  baseline: LatencySummary | null;
  current: LatencySummary | null;
  metrics: MetricChange[];
  test: (Pick<MannWhitneyResult, 'pGreater' | 'pLess' | 'effect' | 'method'> & { name: string }) | null;
  /** The Kolmogorov-Smirnov test of the same samples. */
  ks: (KsResult & { name: string }) | null;
  /** Which tests found the verdict (regression or improvement): empty for no change. */
  foundBy: TestName[];
  /** Cold only: bootstrap interval of median(current) - median(baseline), µs. */
  interval?: BootstrapInterval;
  verdict: Verdict;
  reason: string;
}

export interface CompareResult {
  baseline: { id: string; origin: string; startedAt: string };
  current: { id: string; origin: string; startedAt: string };
  options: Required<CompareOptions>;
  rows: CompareRow[];
  regressions: number;
  /** true when any row is a regression: `compare` exits 1. */
  regression: boolean;
}

const DEFAULTS: Required<CompareOptions> = { failThresholdPct: 10, alpha: 0.05, noiseFloorUs: 500 };
const METRICS: Array<[MetricName, keyof LatencySummary, number]> = [
  ['p50', 'p50Us', 0.5],
  ['p95', 'p95Us', 0.95],
  ['p99', 'p99Us', 0.99],
];
/** A tail percentile is judged only with at least this many samples beyond it on both sides. */
const MIN_TAIL_SAMPLES = 10;
/** Where a significant Kolmogorov-Smirnov distance must show as a shift beyond the tolerance. */
const KS_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export function compareRuns(baseline: RunResults, current: RunResults, options: CompareOptions = {}): CompareResult {
  const opts = { ...DEFAULTS, ...definedOnly(options) };
  if (!(opts.failThresholdPct >= 0)) throw new RangeError(`fail threshold must be a non-negative percentage, got ${options.failThresholdPct}`);
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`);
  const rows: CompareRow[] = [];
  const match = matcher(baseline, current);
  const seen = new Set<TargetResult>();
  for (const cur of current.targets) {
    const base = match(cur);
    if (base) seen.add(base);
    for (const phase of ['cold', 'warm'] as const) {
      if (!base?.phases[phase] && !cur.phases[phase]) continue;
      rows.push(compareTarget(base, cur, phase, opts));
    }
  }
  for (const base of baseline.targets) {
    if (seen.has(base)) continue;
    for (const phase of ['cold', 'warm'] as const) {
      if (base.phases[phase]) rows.push(notComparable(base, null, phase, 'not in the current run'));
    }
  }
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  return { baseline: runInfo(baseline), current: runInfo(current), options: opts, rows, regressions, regression: regressions > 0 };
}

function definedOnly(options: CompareOptions): CompareOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as CompareOptions;
}

function runInfo(run: RunResults) {
  return { id: run.run.id, origin: run.run.origins?.join(', ') ?? run.run.origin, startedAt: run.run.startedAt };
}

/** Pair targets by origin and name; when each run has a single (different) origin, by name alone. */
function matcher(baseline: RunResults, current: RunResults): (t: TargetResult) => TargetResult | undefined {
  const originsA = new Set(baseline.targets.map((t) => t.origin));
  const originsB = new Set(current.targets.map((t) => t.origin));
  const byNameOnly = originsA.size === 1 && originsB.size === 1;
  return (t) => baseline.targets.find((b) => b.name === t.name && (byNameOnly || b.origin === t.origin));
}

function notComparable(base: TargetResult | null, cur: TargetResult | null, phase: 'cold' | 'warm', reason: string): CompareRow {
  const t = (cur ?? base)!;
  return {
    origin: t.origin,
    target: t.name,
    phase,
    baseline: base?.phases[phase]?.summary ?? null,
    current: cur?.phases[phase]?.summary ?? null,
    metrics: [],
    test: null,
    ks: null,
    foundBy: [],
    verdict: 'not comparable',
    reason,
  };
}

function compareTarget(base: TargetResult | undefined, cur: TargetResult, phase: 'cold' | 'warm', opts: Required<CompareOptions>): CompareRow {
  if (!base) return notComparable(null, cur, phase, 'not in the baseline');
  const bp = base.phases[phase];
  const cp = cur.phases[phase];
  if (!bp) return notComparable(base, cur, phase, `no ${phase} phase in the baseline`);
  if (!cp) return notComparable(base, cur, phase, `no ${phase} phase in the current run`);
  if (bp.summary.count === 0 || cp.summary.count === 0) {
    return notComparable(base, cur, phase, `no successful ${phase} sample in the ${bp.summary.count === 0 ? 'baseline' : 'current run'}`);
  }
  const a = phaseSample(base, phase);
  const b = phaseSample(cur, phase);
  const mwu = mannWhitneyU(a.weighted, b.weighted);
  const test = { name: `Mann-Whitney U (${mwu.method})`, pGreater: mwu.pGreater, pLess: mwu.pLess, effect: mwu.effect, method: mwu.method };
  const slower = mwu.pGreater < opts.alpha;
  const faster = mwu.pLess < opts.alpha;
  const metrics: MetricChange[] = METRICS.map(([name, key, q]) => {
    const baselineUs = bp.summary[key];
    const currentUs = cp.summary[key];
    const delta = currentUs - baselineUs;
    const changePct = baselineUs > 0 ? (100 * delta) / baselineUs : null;
    const big = Math.abs(delta) > opts.noiseFloorUs && (changePct === null || Math.abs(changePct) > opts.failThresholdPct);
    let regressed = false;
    let improved = false;
    if (name === 'p50') {
      regressed = big && delta > 0 && slower;
      improved = big && delta < 0 && faster;
    } else if (phase === 'warm') {
      // Tails: no rank test speaks for them; judge them only with enough samples beyond them.
      const tail = Math.min(bp.summary.count, cp.summary.count) * (1 - q);
      regressed = big && delta > 0 && tail >= MIN_TAIL_SAMPLES;
      improved = big && delta < 0 && tail >= MIN_TAIL_SAMPLES;
    }
    return { name, baselineUs, currentUs, changePct, regressed, improved };
  });
  const ksResult = kolmogorovSmirnov(a.weighted, b.weighted);
  const ks = { name: `Kolmogorov-Smirnov (${ksResult.method})`, ...ksResult };
  const row: CompareRow = {
    origin: cur.origin,
    target: cur.name,
    phase,
    baseline: bp.summary,
    current: cp.summary,
    metrics,
    test,
    ks,
    foundBy: [],
    verdict: 'no change',
    reason: '',
  };
  if (phase === 'cold' && a.values && b.values) row.interval = bootstrapMedianDifference(a.values, b.values);
  const regressedNames = metrics.filter((m) => m.regressed).map((m) => m.name);
  const improvedNames = metrics.filter((m) => m.improved).map((m) => m.name);
  const minCount = Math.min(bp.summary.count, cp.summary.count);
  const ksSlower = ks.pSlower < opts.alpha ? decileShift(a.weighted, b.weighted, 1, minCount, phase, opts) : null;
  const ksFaster = ks.pFaster < opts.alpha ? decileShift(a.weighted, b.weighted, -1, minCount, phase, opts) : null;
  const p = `Mann-Whitney U p=${pValueText(mwu.pGreater)}`;
  const ksText = (d: number, pKs: number) => `Kolmogorov-Smirnov D=${d.toFixed(2)}, p=${pValueText(pKs)}`;
  if (regressedNames.length > 0 || ksSlower) {
    row.verdict = 'regression';
    const reasons: string[] = [];
    if (regressedNames.length > 0) {
      row.foundBy.push('Mann-Whitney U');
      reasons.push(`${regressedNames.join(', ')} slower by more than ${opts.failThresholdPct}% (${p})`);
    }
    if (ksSlower) {
      row.foundBy.push('Kolmogorov-Smirnov');
      reasons.push(`distribution slower: ${ksSlower} (${ksText(ks.dSlower, ks.pSlower)})`);
    }
    row.reason = reasons.join('; ');
  } else if (improvedNames.length > 0 || ksFaster) {
    row.verdict = 'improvement';
    const reasons: string[] = [];
    if (improvedNames.length > 0) {
      row.foundBy.push('Mann-Whitney U');
      reasons.push(`${improvedNames.join(', ')} faster by more than ${opts.failThresholdPct}% (Mann-Whitney U p=${pValueText(mwu.pLess)})`);
    }
    if (ksFaster) {
      row.foundBy.push('Kolmogorov-Smirnov');
      reasons.push(`distribution faster: ${ksFaster} (${ksText(ks.dFaster, ks.pFaster)})`);
    }
    row.reason = reasons.join('; ');
  } else {
    const p50 = metrics[0]!;
    row.reason = slower || faster || ks.pSlower < opts.alpha || ks.pFaster < opts.alpha
      ? `shift within tolerance (${opts.failThresholdPct}%, ${msWithUnit(opts.noiseFloorUs)})`
      : `no significant shift (${p}, Kolmogorov-Smirnov p=${pValueText(ks.pSlower)}${p50.changePct !== null ? `, p50 ${signedPercent(p50.changePct)}%` : ''})`;
  }
  return row;
}

/** The decile that moved most in the direction the KS test found (1: slower, -1: faster), as
 *  text ("p70 +33.0%"), when it moved beyond the tolerance; null when none did. Warm deciles are
 *  judged with enough samples beyond them, like the tails. */
function decileShift(a: Weighted, b: Weighted, direction: 1 | -1, minCount: number, phase: 'cold' | 'warm', opts: Required<CompareOptions>): string | null {
  let best: { q: number; pct: number } | null = null;
  for (const q of KS_QUANTILES) {
    if (phase === 'warm' && minCount * (1 - q) < MIN_TAIL_SAMPLES) continue;
    const base = weightedQuantile(a, q);
    const delta = direction * (weightedQuantile(b, q) - base);
    if (!(delta > opts.noiseFloorUs) || !(base > 0)) continue;
    const pct = (100 * delta) / base;
    if (pct > opts.failThresholdPct && (!best || pct > best.pct)) best = { q, pct };
  }
  return best ? `p${Math.round(best.q * 100)} ${signedPercent(direction * best.pct)}%` : null;
}

/** The values of a phase for the rank test: cold from its individual samples (exact), warm (or
 *  cold without samples, e.g. hand-written files) from the histogram's buckets. */
function phaseSample(target: TargetResult, phase: 'cold' | 'warm'): { weighted: Weighted; values?: number[] } {
  if (phase === 'cold') {
    const samples = target.phases.cold?.samples ?? [];
    const values = samples.filter((s) => s.error === null && s.cold !== false).map((s) => s.latencyUs);
    if (values.length > 0) return { weighted: weightedOf(values), values };
  }
  const encoded = target.phases[phase]!.histogram;
  let buckets: Array<[number, number]>;
  try {
    const h = decodeHistogram(encoded);
    buckets = recordedBuckets(h);
    h.destroy();
  } catch (err) {
    throw new InputError(`target ${JSON.stringify(target.name)} (${target.origin}) ${phase}: unreadable histogram (${(err as Error).message})`);
  }
  if (phase === 'cold') return { weighted: buckets, values: buckets.flatMap(([v, c]) => Array<number>(c).fill(v)) };
  return { weighted: buckets };
}

export function hasRegression(result: CompareResult): boolean {
  return result.regressions > 0;
}
