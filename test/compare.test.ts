import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareRuns } from '../bench/compare.js';
import { formatCompareMarkdown, formatCompareTable } from '../bench/reporters/compare-text.js';
import { bootstrapMedianDifference, mannWhitneyU, weightedOf } from '../bench/stats.js';
import { runColdbench } from './helpers/cli.js';
import { fixtureRun, spread, type FixtureTarget } from './helpers/results-fixture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// ---------- the statistics ----------
test('Mann-Whitney U exact p-values match the permutation distribution', () => {
  // Complete separation of 3 vs 3: U = 9, and only 1 of C(6,3) = 20 arrangements is as extreme.
  const r = mannWhitneyU(weightedOf([1, 2, 3]), weightedOf([4, 5, 6]));
  assert.equal(r.method, 'exact');
  assert.equal(r.u, 9);
  assert.ok(Math.abs(r.pGreater - 1 / 20) < 1e-12, String(r.pGreater));
  assert.equal(r.pLess, 1);
  assert.equal(r.effect, 1);
  // 5 vs 5 separated: 1 / C(10,5) = 1/252.
  const five = mannWhitneyU(weightedOf([10, 11, 12, 13, 14]), weightedOf([20, 21, 22, 23, 24]));
  assert.ok(Math.abs(five.pGreater - 1 / 252) < 1e-12);
  // Identical samples (all ties): no evidence either way.
  const same = mannWhitneyU(weightedOf([5, 5, 5]), weightedOf([5, 5, 5]));
  assert.equal(same.u, 4.5);
  assert.equal(same.pGreater, 1);
});

test('Mann-Whitney U on weighted (histogram) samples uses the tie-corrected normal approximation', () => {
  const base: Array<[number, number]> = [[100, 500], [200, 500], [300, 500]];
  const same = mannWhitneyU(base, base);
  assert.equal(same.method, 'normal');
  assert.ok(same.pGreater > 0.4 && same.pLess > 0.4, JSON.stringify(same));
  const shifted = mannWhitneyU(base, [[200, 500], [300, 500], [400, 500]]);
  assert.ok(shifted.pGreater < 1e-6, String(shifted.pGreater));
  assert.ok(shifted.pLess > 0.99);
  assert.throws(() => mannWhitneyU([], base), /two non-empty samples \(got 0 and 1500/);
});

test('the bootstrap interval of the median difference is deterministic and brackets the shift', () => {
  const a = [100, 104, 98, 101, 99, 103, 97];
  const b = a.map((v) => v + 50);
  const one = bootstrapMedianDifference(a, b, { seed: 7 });
  const two = bootstrapMedianDifference(a, b, { seed: 7 });
  assert.deepEqual(one, two);
  assert.equal(one.estimate, 50);
  assert.ok(one.low > 0 && one.low <= 50 && one.high >= 50, JSON.stringify(one));
  const none = bootstrapMedianDifference(a, a);
  assert.ok(none.low <= 0 && none.high >= 0, JSON.stringify(none));
});

// ---------- compareRuns ----------
function runWith(factor: number, origin = 'ci', extra: Partial<FixtureTarget> = {}) {
  return fixtureRun([
    {
      name: 'api',
      origin,
      cold: spread(Math.round(300_000 * factor), 8),
      warm: spread(Math.round(20_000 * factor), 2000),
      ...extra,
    },
  ], { id: `run-${factor}`, origin });
}

test('a run compared with itself has no regression', () => {
  const run = runWith(1);
  const result = compareRuns(run, run);
  assert.equal(result.rows.length, 2);
  assert.equal(result.regression, false);
  assert.deepEqual(result.rows.map((r) => r.verdict), ['no change', 'no change']);
  assert.equal(result.rows[0]!.test!.name, 'Mann-Whitney U (exact)');
  assert.equal(result.rows[1]!.test!.name, 'Mann-Whitney U (normal)');
});

test('a run 1.5x slower is a regression in both phases; the reverse is an improvement', () => {
  const base = runWith(1);
  const slow = runWith(1.5);
  const result = compareRuns(base, slow);
  assert.equal(result.regression, true);
  assert.equal(result.regressions, 2);
  const cold = result.rows.find((r) => r.phase === 'cold')!;
  assert.equal(cold.verdict, 'regression');
  assert.ok(cold.test!.pGreater < 0.05);
  assert.ok(cold.interval && cold.interval.low > 0, 'bootstrap interval of the cold median shift excludes 0');
  const p50 = cold.metrics.find((m) => m.name === 'p50')!;
  assert.ok(p50.changePct! > 40 && p50.changePct! < 60, String(p50.changePct));
  const reverse = compareRuns(slow, base);
  assert.equal(reverse.regression, false);
  assert.deepEqual(reverse.rows.map((r) => r.verdict), ['improvement', 'improvement']);
});

test('a shift below the fail threshold is not a regression; a lower threshold makes it one', () => {
  const base = runWith(1);
  const slightly = runWith(1.05);
  assert.equal(compareRuns(base, slightly).regression, false);
  const strict = compareRuns(base, slightly, { failThresholdPct: 2 });
  assert.equal(strict.regression, true);
  assert.equal(strict.rows.find((r) => r.phase === 'warm')!.verdict, 'regression');
});

test('a slower warm tail alone (p99) is a regression when enough samples lie beyond it', () => {
  const warm = spread(20_000, 2000, 0.05);
  const tail = warm.map((v, i) => (i % 50 === 0 ? v * 4 : v)); // 2% of requests 4x slower
  const result = compareRuns(fixtureRun([{ name: 'api', warm }]), fixtureRun([{ name: 'api', warm: tail }]));
  const row = result.rows[0]!;
  assert.equal(row.verdict, 'regression', row.reason);
  assert.match(row.reason, /p99/);
  assert.doesNotMatch(row.reason, /p50/);
});

test('runs from different single origins are matched by target name; missing targets are not comparable', () => {
  const base = fixtureRun([{ name: 'api', warm: spread(10_000, 100) }, { name: 'gone', warm: spread(10_000, 100) }], { origin: 'tokyo' });
  const cur = fixtureRun([{ name: 'api', warm: spread(10_000, 100) }, { name: 'new', warm: spread(10_000, 100) }], { origin: 'paris' });
  const result = compareRuns(base, cur);
  const verdicts = Object.fromEntries(result.rows.map((r) => [r.target, r.verdict]));
  assert.deepEqual(verdicts, { api: 'no change', new: 'not comparable', gone: 'not comparable' });
  assert.equal(result.regression, false);
});

test('the table and the Markdown show every row, and control characters in names are neutralised', () => {
  const base = fixtureRun([{ name: 'evil\u001b[31m|name', cold: spread(300_000, 6), warm: spread(10_000, 500) }]);
  const slow = fixtureRun([{ name: 'evil\u001b[31m|name', cold: spread(600_000, 6), warm: spread(20_000, 500) }]);
  const result = compareRuns(base, slow);
  const table = formatCompareTable(result);
  assert.doesNotMatch(table, /\u001b/);
  assert.match(table, /evil\?\[31m\|name +\S+ +cold/);
  assert.match(table, /2 regression\(s\)/);
  const markdown = formatCompareMarkdown(result);
  assert.match(markdown, /^### coldbench compare: 2 regressions/);
  assert.match(markdown, /\| evil\?\[31m\\\|name \| local \| warm \|.*\*\*regression\*\*/);
});

// ---------- the CLI ----------
const cli = (args: string[]) => runColdbench(args, { timeoutMs: 30_000 });

test('coldbench compare exits 0 for a run against itself, 1 for a slower run, 2 for bad input', async () => {
  const base = path.join(dir, 'base.json');
  const slow = path.join(dir, 'slow.json');
  writeFileSync(base, JSON.stringify(runWith(1)));
  writeFileSync(slow, JSON.stringify(runWith(2)));
  const same = await cli(['compare', base, base]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /api +ci +cold/);
  const slower = await cli(['compare', base, slow, '--markdown']);
  assert.equal(slower.code, 1, slower.stderr);
  assert.match(slower.stdout, /^### coldbench compare: 2 regressions/);
  const lenient = await cli(['compare', base, slow, '--fail-threshold', '150%']);
  assert.equal(lenient.code, 0, 'a 100% slowdown is within a 150% fail threshold');
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{"schemaVersion": 99}');
  const invalid = await cli(['compare', base, bad]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /bad\.json: schemaVersion/);
});
