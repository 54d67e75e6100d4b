// The report model: rows, curves, bar scales, the origin x target matrix and the lists every
// reporter renders from, derived from results.json once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel } from '../bench/report-model/model.js';
import { CHART_NINES, CHART_PERCENTILES } from '../bench/report-model/curves.js';
import { fixtureRun, fixtureTarget, spread } from './helpers/results-fixture.js';

const NOW = new Date('2026-02-03T04:05:06.000Z');

test('one phase row per target x phase, in results order, with requests, checked samples and error counts', () => {
  const run = fixtureRun([
    { name: 'a', cold: [100_000, 200_000], coldErrors: 1, warm: spread(5_000, 10), warmErrors: 2 },
    { name: 'b', warm: spread(1_000, 5) },
    { name: 'c', status: 'failed', failure: 'boom' },
  ]);
  run.targets[0]!.phases.cold!.notCold = 3;
  run.targets[0]!.phases.cold!.unverified = 4;
  run.targets[0]!.phases.warm!.errorsByKind = { timeout: 0, http5xx: 2 };
  const model = buildReportModel(run, NOW);
  assert.deepEqual(model.phaseRows.map((r) => `${r.target.name}/${r.phase}`), ['a/cold', 'a/warm', 'b/warm']);
  const [cold, warm] = model.phaseRows;
  assert.ok(cold?.phase === 'cold' && warm?.phase === 'warm');
  assert.equal(cold.requests, 3, 'cold: samples with a result, successful or not');
  assert.equal(cold.checked, 2 + 3 + 4, 'verified + not cold + unknown');
  assert.deepEqual(cold.errorCounts, [['timeout', 1]]);
  assert.equal(warm.requests, 12, 'warm: as recorded');
  assert.deepEqual(warm.errorCounts, [['http5xx', 2]], 'kinds with no error are left out');
  assert.deepEqual(model.targets.map((t) => [t.index, t.cold !== null, t.warm !== null]), [[0, true, true], [1, false, true], [2, false, false]]);
  assert.deepEqual(model.unmeasured.map((t) => t.name), ['c']);
  assert.deepEqual(model.failedTargets.map((t) => t.name), ['c']);
  assert.equal(model.generatedAt, NOW.toISOString());
});

test('percentile curves run from the minimum to the maximum; none without a sample or with an unreadable histogram', () => {
  const run = fixtureRun([{ name: 'a', cold: [200_000, 250_000, 300_000], warm: spread(10_000, 1000) }, { name: 'b', warm: spread(1_000, 10) }]);
  run.targets[1]!.phases.warm!.histogram = 'not base64 at all';
  const model = buildReportModel(run, NOW);
  const [a, b] = model.targets;
  assert.equal(model.percentiles, CHART_PERCENTILES);
  assert.equal(a!.coldCurve!.length, CHART_PERCENTILES.length);
  assert.equal(a!.coldCurve![0], run.targets[0]!.phases.cold!.summary.minUs);
  assert.equal(a!.coldCurve!.at(-1), run.targets[0]!.phases.cold!.summary.maxUs);
  const warm = a!.warmCurve!;
  assert.ok(warm.every((v, i) => i === 0 || v >= warm[i - 1]!), 'a curve never falls');
  assert.equal(b!.coldCurve, null, 'no cold phase');
  assert.equal(b!.warmCurve, null, 'a corrupt histogram leaves the chart empty');
  const nines = [CHART_NINES[0], CHART_NINES[10], CHART_NINES[20], CHART_NINES.at(-1)];
  [1, 10, 100, 1e6].forEach((x, i) => assert.ok(Math.abs(nines[i]! - x) < 1e-9 * x, `0%, 90%, 99%, max at 1, 10, 100, 1e6 on the nines axis: ${nines}`));
});

test('bars are scaled to the largest p99 of their phase, never below 0.5%; a phase without a successful sample has none', () => {
  const run = fixtureRun([
    { name: 'slow', warm: [40_000, 40_000] },
    { name: 'fast', warm: [10_000, 10_000] },
    { name: 'tiny', warm: [10, 10] },
  ]);
  run.targets.push(fixtureTarget({ name: 'cold-failed', cold: [], coldErrors: 2 }));
  const model = buildReportModel(run, NOW);
  assert.deepEqual(model.bars.map((g) => g.phase), ['warm'], 'the only cold row has no successful sample');
  const [slow, fast, tiny] = model.bars[0]!.rows;
  assert.equal(slow!.p99Pct, 100);
  assert.ok(Math.abs(fast!.p50Pct - (100 * fast!.row.summary.p50Us) / slow!.row.summary.p99Us) < 1e-9);
  assert.equal(tiny!.p99Pct, 0.5);
});

test('several origins: a matrix cell per origin says measured, not run, no phase or no sample', () => {
  const run = fixtureRun([
    { name: 'api', origin: 'tokyo', cold: [100_000], warm: [1_000] },
    { name: 'api', origin: 'paris', warm: [2_000] },
    { name: 'fn', origin: 'tokyo', cold: [], coldErrors: 1 },
  ]);
  const model = buildReportModel(run, NOW);
  assert.deepEqual(model.origins, ['tokyo', 'paris']);
  assert.equal(model.severalOrigins, true);
  assert.deepEqual(
    model.matrix!.map((r) => [r.target, r.phase, r.cells.map((c) => (c.state === 'measured' ? c.p50Us : c.state))]),
    [
      ['api', 'cold', [run.targets[0]!.phases.cold!.summary.p50Us, 'no phase']],
      ['api', 'warm', [run.targets[0]!.phases.warm!.summary.p50Us, run.targets[1]!.phases.warm!.summary.p50Us]],
      ['fn', 'cold', ['no sample', 'not run']],
    ],
  );
  assert.equal(buildReportModel(fixtureRun([{ name: 'x', warm: [1] }]), NOW).matrix, null, 'one origin: no matrix');
});

test('origins come from the targets, else from the run', () => {
  const empty = fixtureRun([], { origin: 'lisbon' });
  empty.run.origins = ['lisbon', 'oslo'];
  const model = buildReportModel(empty, NOW);
  assert.deepEqual(model.origins, ['lisbon', 'oslo']);
  assert.deepEqual(model.runOrigins, ['lisbon', 'oslo']);
  empty.run.origins = undefined;
  assert.deepEqual(buildReportModel(empty, NOW).runOrigins, ['lisbon']);
});

test('cost rows are the targets with an estimate, with their distinct price dates; thresholds are counted', () => {
  const run = fixtureRun([{ name: 'a', warm: [1_000] }, { name: 'b', warm: [1_000] }, { name: 'c', warm: [1_000] }]);
  const estimate = { label: 'estimate' as const, model: 'none' as const, currency: 'USD', per1MRequests: null, perColdStart: null, basis: [], overrides: {} };
  run.targets[0]!.cost = { ...estimate, pricesDate: '2025-01-01' };
  run.targets[2]!.cost = { ...estimate, pricesDate: '2025-01-01' };
  run.thresholds = [
    { expression: 'warm.p50 < 1ms', target: 'a', passed: true },
    { expression: 'warm.p50 < 1us', target: 'a', passed: false },
  ];
  const model = buildReportModel(run, NOW);
  assert.deepEqual(model.cost.rows.map((r) => r.target.name), ['a', 'c']);
  assert.deepEqual(model.cost.pricesDates, ['2025-01-01']);
  assert.equal(model.thresholds.failed, 1);
  assert.equal(model.thresholds.all.length, 2);
});

test('open-model warm phases are listed with their schedule accounting', () => {
  const run = fixtureRun([{ name: 'open', warm: [1_000] }, { name: 'closed', warm: [1_000] }]);
  Object.assign(run.targets[0]!.phases.warm!, { model: 'open', rate: 50, scheduled: 10, sent: 9, late: 1, dropped: 1 });
  const model = buildReportModel(run, NOW);
  assert.deepEqual(model.openModel.map((o) => [o.target.name, o.warm.scheduled]), [['open', 10]]);
});
