// compare beside Mann-Whitney U: a two-sample Kolmogorov-Smirnov test, for the shift a rank test
// misses (cold starts that turn bimodal with the same median). Both are reported; either flags a
// regression, and the verdict says which.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareRuns } from '../bench/compare.js';
import { formatCompareMarkdown, formatCompareTable } from '../bench/reporters/compare-text.js';
import { seededRandom, type Weighted } from '../bench/stats.js';
import { kolmogorovSmirnov, weightedQuantile } from '../bench/stats-ks.js';
import { runColdbench } from './helpers/cli.js';
import { fixtureRun } from './helpers/results-fixture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-compare-ks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every way to pick which of the pooled values are A's: P(D >= observed), by enumeration. */
function bruteForceP(a: number[], b: number[], direction: 1 | -1): number {
  const pooled = [...a, ...b];
  const distinct = [...new Set(pooled)].sort((x, y) => x - y);
  const stat = (xs: number[], ys: number[]) =>
    Math.max(0, ...distinct.map((v) => direction * (xs.filter((x) => x <= v).length / xs.length - ys.filter((y) => y <= v).length / ys.length)));
  const observed = stat(a, b);
  let extreme = 0;
  let all = 0;
  const n = pooled.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let m = mask; m; m &= m - 1) bits++;
    if (bits !== a.length) continue;
    const xs = pooled.filter((_, i) => mask & (1 << i));
    const ys = pooled.filter((_, i) => !(mask & (1 << i)));
    all++;
    if (stat(xs, ys) >= observed - 1e-9) extreme++;
  }
  return extreme / all;
}

const w = (values: number[]): Weighted => values.map((v) => [v, 1] as [number, number]);

test('exact KS p-values are the permutation distribution, ties included', () => {
  const cases: Array<[number[], number[]]> = [
    [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]],
    [[1, 2, 3, 4], [2, 3, 9, 9, 10, 11]],
    [[5, 5, 5, 6, 7], [5, 6, 6, 8, 8, 8]],
    [[10, 20, 30, 40, 50, 60], [10, 20, 30, 40, 50, 60]],
    [[1, 1, 2, 9], [3, 3, 3, 3, 4, 12, 12]],
  ];
  for (const [a, b] of cases) {
    const r = kolmogorovSmirnov(w(a), w(b));
    assert.equal(r.method, 'exact');
    assert.ok(Math.abs(r.pSlower - bruteForceP(a, b, 1)) < 1e-9, `slower ${a} vs ${b}: ${r.pSlower} vs ${bruteForceP(a, b, 1)}`);
    assert.ok(Math.abs(r.pFaster - bruteForceP(a, b, -1)) < 1e-9, `faster ${a} vs ${b}`);
  }
  const separated = kolmogorovSmirnov(w([1, 2, 3, 4, 5]), w([6, 7, 8, 9, 10]));
  assert.equal(separated.dSlower, 1);
  assert.ok(Math.abs(separated.pSlower - 1 / 252) < 1e-12, 'one arrangement of C(10,5) is as extreme');
  assert.equal(separated.pFaster, 1);
  assert.throws(() => kolmogorovSmirnov([], w([1])), /two non-empty samples/);
});

test('large weighted (HDR) samples use the asymptotic p-value', () => {
  const base: Array<[number, number]> = [[100, 1500], [200, 1500], [300, 1500]];
  const same = kolmogorovSmirnov(base, base);
  assert.equal(same.method, 'asymptotic');
  assert.equal(same.pSlower, 1);
  const shifted = kolmogorovSmirnov(base, [[200, 1500], [300, 1500], [400, 1500]]);
  assert.ok(Math.abs(shifted.dSlower - 1 / 3) < 1e-12);
  assert.ok(shifted.pSlower < 1e-6);
  assert.equal(shifted.pFaster, 1);
  assert.equal(weightedQuantile(base, 0.5), 200);
  assert.equal(weightedQuantile(base, 0.34), 200);
  assert.equal(weightedQuantile(base, 1), 300);
});

const range = (from: number, count: number, step: number) => Array.from({ length: count }, (_, i) => from + i * step);

// Unimodal around 300 ms, and bimodal (200 ms and 400 ms) with exactly the same median: 300 ms.
const UNIMODAL = range(290_000, 21, 1_000);
const BIMODAL = [...range(200_000, 10, 1_000), 300_000, ...range(400_000, 10, 1_000)];

test('compare flags cold starts that turn bimodal with the same median: by Kolmogorov-Smirnov, not by Mann-Whitney U', () => {
  const base = fixtureRun([{ name: 'fn', cold: UNIMODAL }]);
  const cur = fixtureRun([{ name: 'fn', cold: BIMODAL }]);
  const row = compareRuns(base, cur).rows[0]!;
  assert.equal(row.phase, 'cold');
  assert.equal(row.baseline!.p50Us, row.current!.p50Us, 'the same median');
  assert.ok(row.test!.pGreater > 0.05, `the rank test sees nothing (p=${row.test!.pGreater})`);
  assert.ok(row.ks!.pSlower < 0.05, `KS does (p=${row.ks!.pSlower})`);
  assert.equal(row.verdict, 'regression');
  assert.deepEqual(row.foundBy, ['Kolmogorov-Smirnov']);
  assert.match(row.reason, /^distribution slower: p\d0 \+\d+\.\d% \(Kolmogorov-Smirnov D=0\.\d\d, p=0\.\d{3}\)$/);
  const table = formatCompareTable(compareRuns(base, cur));
  assert.match(table, /p MWU\s+p KS\s+verdict/);
  assert.match(table, /regression\s+distribution slower/);
  assert.match(formatCompareMarkdown(compareRuns(base, cur)), /\| \*\*regression\*\* \| distribution slower: .*Kolmogorov-Smirnov/);
  // The other way round the fast mode is gone: slower below the median, also a regression.
  assert.equal(compareRuns(cur, base).rows[0]!.verdict, 'regression', 'bimodal -> unimodal');
});

test('a warm distribution that turns bimodal around the same median is flagged from the HDR buckets', () => {
  // 1001 requests each: around 10 ms, against 500 at ~5 ms, one at 10 ms and 500 at ~15 ms.
  const base = fixtureRun([{ name: 'svc', warm: range(9_500, 1001, 1) }]);
  const cur = fixtureRun([{ name: 'svc', warm: [...range(5_000, 500, 1), 10_000, ...range(15_000, 500, 1)] }]);
  const row = compareRuns(base, cur).rows[0]!;
  assert.equal(row.phase, 'warm');
  assert.equal(row.ks!.method, 'asymptotic');
  assert.equal(row.verdict, 'regression');
  assert.ok(row.foundBy.includes('Kolmogorov-Smirnov'), row.reason);
  assert.match(row.reason, /distribution slower: p\d0 \+\d+\.\d%/);
});

test('two samples from the same distribution are not flagged: the pair below, and at most 2 alpha of 200 pairs', () => {
  // A bimodal cold-start distribution (70% around 250 ms, 30% around 600 ms), drawn with a fixed seed.
  const random = seededRandom(15);
  const draw = (n: number) => Array.from({ length: n }, () => Math.round((random() < 0.7 ? 250_000 : 600_000) * (0.9 + 0.2 * random())));
  const pair = () => [fixtureRun([{ name: 'fn', cold: draw(10) }]), fixtureRun([{ name: 'fn', cold: draw(10) }])] as const;
  const [a, b] = pair();
  const first = compareRuns(a, b).rows[0]!;
  assert.notEqual(first.verdict, 'regression', first.reason);
  assert.deepEqual(compareRuns(a, a).rows[0]!.foundBy, [], 'a run against itself: nothing found');
  let flagged = 0;
  for (let i = 0; i < 200; i++) {
    const [x, y] = pair();
    if (compareRuns(x, y).rows[0]!.verdict === 'regression') flagged++;
  }
  // Each one-sided test is at alpha = 0.05 and a verdict also needs a shift beyond the tolerance.
  assert.ok(flagged <= 20, `${flagged} of 200 pairs flagged`);
});

test('coldbench compare exits 1 on the bimodal shift and names the test', async () => {
  const baseline = path.join(dir, 'base.json');
  const current = path.join(dir, 'bimodal.json');
  writeFileSync(baseline, JSON.stringify(fixtureRun([{ name: 'fn', cold: UNIMODAL }])));
  writeFileSync(current, JSON.stringify(fixtureRun([{ name: 'fn', cold: BIMODAL }])));
  const result = await runColdbench(['compare', baseline, current], { timeoutMs: 30_000 });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /Kolmogorov-Smirnov D=/);
  assert.match(result.stdout, /1 regression\(s\)/);
});
