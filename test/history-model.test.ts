// The history model and history.csv: runs in time order (each once), one series per origin x
// target, every step judged exactly as `coldbench compare` judges it, and the time-of-day /
// day-of-week medians only once the runs span a day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { compareRuns } from '../bench/compare.js';
import { buildHistory } from '../bench/history/model.js';
import { HISTORY_COLUMNS, renderHistoryCsv } from '../bench/reporters/history-csv.js';
import { mergeRuns } from '../bench/merge.js';
import type { RunResults } from '../bench/results/types.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';

function run(id: string, startedAt: string, coldFactor: number, options: { origin?: string; withB?: boolean } = {}): RunResults {
  return fixtureRun(
    [
      { name: 'A', cold: spread(300_000 * coldFactor, 20), warm: spread(10_000, 2_000) },
      ...(options.withB === false ? [] : [{ name: 'B', cold: spread(500_000, 20), warm: spread(4_000, 2_000) }]),
    ],
    { id, startedAt, origin: options.origin ?? 'tokyo' },
  );
}

const r1 = run('r1', '2026-04-06T03:00:00.000Z', 1); // a Monday
const r2 = run('r2', '2026-04-06T09:00:00.000Z', 2); // A cold twice as slow
const r3 = run('r3', '2026-04-06T15:00:00.000Z', 2);

test('runs in time order, each once; one series per origin x target; every step is compare\'s verdict', () => {
  const model = buildHistory([r3, r1, r2, r1]);
  assert.deepEqual(model.runs.map((r) => r.id), ['r1', 'r2', 'r3']);
  assert.deepEqual(model.series.map((s) => s.target), ['A', 'B']);
  const [a, b] = model.series;
  assert.deepEqual(a!.points.map((p) => model.runs[p.run]!.id), ['r1', 'r2', 'r3']);
  assert.equal(a!.points[0]!.cold, null, 'the first point has no step');
  const pairs: Array<[RunResults, RunResults]> = [[r1, r2], [r2, r3]];
  pairs.forEach(([before, after], i) => {
    const expected = compareRuns(before, after);
    for (const row of expected.rows) {
      const series = model.series.find((s) => s.target === row.target)!;
      assert.deepEqual(series.points[i + 1]![row.phase], { verdict: row.verdict, reason: row.reason }, `${row.target} ${row.phase} step ${i + 1}`);
    }
  });
  assert.equal(a!.points[1]!.cold?.verdict, 'regression', 'twice as slow is a regression');
  assert.equal(a!.points[2]!.cold?.verdict, 'no change');
  assert.equal(a!.regressions, 1);
  assert.equal(b!.regressions, 0);
  assert.equal(a!.points[1]!.coldP50Us, r2.targets[0]!.phases.cold!.summary.p50Us);
  assert.equal(a!.points[1]!.coldPenaltyUs, r2.targets[0]!.phases.cold!.summary.p50Us - r2.targets[0]!.phases.warm!.summary.p50Us);
  assert.equal(model.spansDays, false);
  assert.ok(model.series.every((s) => s.timeOfDay === null), 'no time-of-day view within one day');
});

test('the fail threshold is compare\'s: at 150% twice as slow is no regression', () => {
  const model = buildHistory([r1, r2], { failThresholdPct: 150 });
  assert.equal(model.series[0]!.points[1]!.cold?.verdict, 'no change');
  assert.equal(model.failThresholdPct, 150);
});

test('a target missing from a run: the next step compares with its previous point; origins are separate series', () => {
  const gap = run('gap', '2026-04-06T06:00:00.000Z', 1, { withB: false });
  const other = run('fra', '2026-04-06T07:00:00.000Z', 5, { origin: 'frankfurt' });
  const merged = mergeRuns([r2, run('fra2', '2026-04-06T09:00:00.000Z', 5, { origin: 'frankfurt' })]);
  const model = buildHistory([r1, gap, other, merged]);
  const bTokyo = model.series.find((s) => s.target === 'B' && s.origin === 'tokyo')!;
  assert.deepEqual(bTokyo.points.map((p) => model.runs[p.run]!.id), ['r1', merged.run.id]);
  assert.equal(bTokyo.points[1]!.cold?.verdict, 'no change');
  const aFrankfurt = model.series.find((s) => s.target === 'A' && s.origin === 'frankfurt')!;
  assert.equal(aFrankfurt.points.length, 2);
  assert.equal(aFrankfurt.points[1]!.cold?.verdict, 'no change', 'frankfurt is compared with frankfurt, not with tokyo');
});

test('history.csv: long format, one row per run x series x metric with a value; regression on the judged latency metrics', () => {
  const withRtt = structuredClone(r2);
  withRtt.targets[0]!.network = { rttUs: 12_500 };
  const model = buildHistory([r1, withRtt, r3]);
  const rows = parse(renderHistoryCsv(model), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]!), [...HISTORY_COLUMNS]);
  const get = (runId: string, target: string, metric: string) => rows.filter((r) => r.run_id === runId && r.target === target && r.metric === metric);
  assert.equal(get('r2', 'A', 'cold_p50')[0]!.value, String(withRtt.targets[0]!.phases.cold!.summary.p50Us / 1000));
  assert.equal(get('r1', 'A', 'cold_p50')[0]!.regression, '');
  assert.equal(get('r2', 'A', 'cold_p50')[0]!.regression, 'true');
  assert.equal(get('r2', 'A', 'cold_p95')[0]!.regression, 'true', 'the phase was judged a regression');
  assert.equal(get('r2', 'A', 'warm_p50')[0]!.regression, 'false');
  assert.equal(get('r3', 'A', 'cold_p50')[0]!.regression, 'false');
  assert.equal(get('r2', 'A', 'rtt')[0]!.value, '12.5');
  assert.equal(get('r1', 'A', 'rtt').length, 0, 'no row without a value');
  assert.equal(get('r2', 'A', 'rtt')[0]!.regression, '');
  assert.equal(get('r1', 'B', 'warm_error_rate')[0]!.value, '0');
  for (const r of rows) assert.ok(Number.isFinite(Number(r.value)), `${r.metric} value ${r.value}`);
});

test('time of day and day of week: UTC medians per slot, once the runs span a day', () => {
  // Mondays 03:00 (two runs), Monday 15:00, Tuesday 03:00.
  const runs = [
    run('mon-a', '2026-04-06T03:00:00.000Z', 1),
    run('mon-b', '2026-04-13T03:10:00.000Z', 3),
    run('mon-c', '2026-04-06T15:00:00.000Z', 2),
    run('tue', '2026-04-07T03:00:00.000Z', 4),
  ];
  const model = buildHistory(runs);
  assert.equal(model.spansDays, true);
  const view = model.series.find((s) => s.target === 'A')!.timeOfDay!;
  assert.equal(view.metric, 'cold p50');
  const p50 = (r: RunResults) => r.targets[0]!.phases.cold!.summary.p50Us;
  const monday3 = view.cells.find((c) => c.weekday === 0 && c.hour === 3)!;
  assert.equal(monday3.runs, 2);
  assert.equal(monday3.medianUs, (p50(runs[0]!) + p50(runs[1]!)) / 2);
  assert.equal(view.cells.find((c) => c.weekday === 1 && c.hour === 3)!.medianUs, p50(runs[3]!));
  assert.equal(view.cells.length, 3);
  const byHour3 = view.byHour.find((c) => c.hour === 3)!;
  assert.equal(byHour3.runs, 3);
  assert.equal(byHour3.medianUs, p50(runs[1]!), 'median of three');
  assert.deepEqual(view.byWeekday.map((c) => [c.weekday, c.runs]), [[0, 3], [1, 1]]);
  const levels = view.cells.map((c) => c.level);
  assert.equal(Math.min(...levels), 0);
  assert.equal(Math.max(...levels), 1);
});
