import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateThresholds, parseThreshold } from '../bench/thresholds.js';
import { parseTargetFile, ConfigError } from '../bench/config/load.js';
import { fixtureRun } from './helpers/results-fixture.js';

test('parseThreshold reads phase, statistic, operator and a duration in microseconds', () => {
  assert.deepEqual(parseThreshold('cold.p95 < 1500ms'), { type: 'latency', expression: 'cold.p95 < 1500ms', phase: 'cold', stat: 'p95', operator: '<', limitUs: 1_500_000 });
  const w = parseThreshold('  warm.p999<=0.25s ');
  assert.equal(w.type, 'latency');
  assert.equal(w.type === 'latency' && w.limitUs, 250_000);
  assert.equal(w.type === 'latency' && w.operator, '<=');
  assert.equal((parseThreshold('warm.mean < 800us') as { limitUs: number }).limitUs, 800);
  assert.equal((parseThreshold('cold.max < 2m') as { limitUs: number }).limitUs, 120_000_000);
  assert.deepEqual(parseThreshold('errors.rate < 1%'), { type: 'errorRate', expression: 'errors.rate < 1%', phase: undefined, operator: '<', limitPercent: 1 });
  assert.equal((parseThreshold('warm.errors.rate <= 0.5%') as { phase?: string }).phase, 'warm');
});

test('parseThreshold rejects bad expressions with a message naming the expression and the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['cold.p42 < 1s', /"cold\.p42 < 1s".*unknown statistic "p42"/],
    ['cold.p95 > 1s', /operator ">" is not supported/],
    ['warm.p99 < fast', /expected a duration.*"fast"/],
    ['warm.p99 < 100', /expected a duration/],
    ['latency < 1s', /"latency < 1s": expected "cold\|warm/],
    ['errors.rate < 5', /expected a percentage like 1%/],
    ['errors.rate < 150%', /cannot exceed 100%/],
    ['', /expected "cold\|warm/],
  ];
  for (const [expr, pattern] of cases) assert.throws(() => parseThreshold(expr), pattern, expr);
});

// One target with cold samples 102.4..512 ms (values HDR stores exactly at 3 significant digits)
// and 99 fast warm requests + 1 error.
function run() {
  return fixtureRun([
    { name: 'api', cold: [102_400, 204_800, 307_200, 409_600, 512_000], warm: Array<number>(99).fill(2_000), warmErrors: 1 },
    { name: 'warm-only', warm: [1_000, 1_000, 1_000] },
  ]);
}

test('latency thresholds compare the phase summary; < is strict and <= is not', () => {
  const results = evaluateThresholds(run(), [], new Map([['api', ['cold.max < 512ms', 'cold.max <= 512ms', 'cold.p50 < 308ms', 'warm.p99 < 1ms']]]));
  assert.deepEqual(results.map((r) => [r.expression, r.passed]), [
    ['cold.max < 512ms', false],
    ['cold.max <= 512ms', true],
    ['cold.p50 < 308ms', true],
    ['warm.p99 < 1ms', false],
  ]);
  assert.equal(results[0]!.actualUs, 512_000);
  assert.equal(results[0]!.target, 'api');
  assert.equal(results[0]!.origin, 'local');
  assert.match(results[3]!.message!, /warm p99 2\.000 ms exceeds < 1\.000 ms/);
});

test('errors.rate counts failed calls over all calls of both phases', () => {
  // api: 1 error in 5 cold + 100 warm calls = 0.952%.
  const [lt1, le09] = evaluateThresholds(run(), [], new Map([['api', ['errors.rate < 1%', 'errors.rate < 0.9%']]]));
  assert.equal(lt1!.passed, true);
  assert.equal(le09!.passed, false);
  assert.ok(Math.abs(lt1!.actual! - 100 / 105) < 1e-3, String(lt1!.actual));
  const [warmOnly] = evaluateThresholds(run(), [], new Map([['api', ['warm.errors.rate < 1%']]]));
  assert.equal(warmOnly!.passed, false, 'warm alone: 1 of 100 = 1%, not < 1%');
});

test('a global threshold skips targets without the phase; a per-target one fails there', () => {
  const results = evaluateThresholds(run(), ['cold.p95 < 10s'], new Map([['warm-only', ['cold.p95 < 10s']]]));
  const global = results.filter((r) => r.target === 'api');
  assert.equal(global.length, 1);
  assert.equal(global[0]!.passed, true);
  const explicit = results.filter((r) => r.target === 'warm-only');
  assert.equal(explicit.length, 1, 'the global one is not applicable to warm-only, the per-target one is');
  assert.equal(explicit[0]!.passed, false);
  assert.match(explicit[0]!.message!, /no cold phase/);
});

test('a failed target fails every threshold that applies to it', () => {
  const results = fixtureRun([{ name: 'down', status: 'failed', failure: 'function not found' }]);
  const [r] = evaluateThresholds(results, ['warm.p99 < 1s'], new Map());
  assert.equal(r!.passed, false);
  assert.match(r!.message!, /function not found/);
});

test('the target-file loader reports bad thresholds and prices with field path and line', () => {
  const text = [
    'thresholds:',
    '  - "cold.p95 < 1500ms"',
    '  - "cold.p95 < soon"',
    'pricing:',
    '  lambda.requestPer1m: 0.2',
    'targets:',
    '  - name: a',
    '    kind: http',
    '    url: http://127.0.0.1:1/',
    '    thresholds: ["warm.p100 < 1s"]',
    '    pricing: { node.hour: "cheap" }',
  ].join('\n');
  let error: unknown;
  try {
    parseTargetFile(text, 'bench.yaml', '/tmp/bench.yaml', {});
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError, String(error));
  const message = (error as Error).message;
  assert.match(message, /bench\.yaml:3: thresholds\[1\]: threshold "cold\.p95 < soon": expected a duration/);
  assert.match(message, /bench\.yaml:5: pricing\["lambda\.requestPer1m"\]: unknown price/);
  assert.match(message, /bench\.yaml:10: targets\[0\]\.thresholds\[0\]: .*unknown statistic "p100"/);
  assert.match(message, /bench\.yaml:11: targets\[0\]\.pricing\["node\.hour"\]: expected a non-negative number, got "cheap"/);
});

test('valid thresholds pass the loader and reach the run config', () => {
  const config = parseTargetFile(
    'thresholds: ["errors.rate < 1%"]\ntargets:\n  - { name: a, kind: http, url: "http://127.0.0.1:1/", thresholds: ["warm.p99 <= 120ms"] }\n',
    'ok.yaml',
    '/tmp/ok.yaml',
    {},
  );
  assert.deepEqual(config.thresholds, ['errors.rate < 1%']);
  assert.deepEqual(config.targets[0]!.thresholds, ['warm.p99 <= 120ms']);
});

test('errors.rate counts open-model requests dropped from the schedule as failed', () => {
  const run = fixtureRun([{ name: 'open', warm: Array.from({ length: 90 }, () => 1000) }]);
  const warm = run.targets[0]!.phases.warm!;
  Object.assign(warm, { model: 'open', rate: 100, scheduled: 100, sent: 90, late: 3, dropped: 10 });
  const [result] = evaluateThresholds(run, ['warm.errors.rate < 5%'], new Map());
  assert.equal(result?.passed, false);
  assert.equal(result?.actual, 10);
  assert.match(result?.message ?? '', /\(10 of 100\)/);
});
