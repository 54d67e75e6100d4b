// Break-even points found exactly between the curve pieces: where two lines meet, where a line
// crosses a flat node bill, where a node step jumps over the other curve, several of them, none;
// and in the report model a Lambda and a Kubernetes target of one run cross where it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossingsBetween } from '../bench/cost/break-even.js';
import { costAt, type CurvePiece } from '../bench/cost/curve.js';
import { estimateCost } from '../bench/cost.js';
import { buildReportModel } from '../bench/report-model/model.js';
import type { RunResults } from '../bench/results/types.js';
import { fixtureRun } from './helpers/results-fixture.js';

const line = (slope: number, intercept = 0, to = 1e10): CurvePiece[] => [{ from: 0, to, intercept, slope }];
/** Flat steps of `height` every `width` requests (a node bill). */
const steps = (width: number, height: number, to = 1e10): CurvePiece[] =>
  Array.from({ length: Math.ceil(to / width) }, (_, k) => ({ from: k * width, to: Math.min((k + 1) * width, to), intercept: (k + 1) * height, slope: 0 }));

test('two lines meet where their difference is zero, not on a grid point', () => {
  const [c, ...rest] = crossingsBetween(line(2e-7), line(1e-7, 7), 1e3, 1e10);
  assert.deepEqual(rest, []);
  assert.equal(c?.kind, 'continuous');
  assert.ok(Math.abs(c!.requests - 7e7) < 1e-6, String(c?.requests));
  assert.ok(Math.abs(c!.costA - 14) < 1e-9 && Math.abs(c!.costB - 14) < 1e-9);
  assert.deepEqual([c!.cheaperBelow, c!.cheaperAbove], ['a', 'b']);
});

test('a line against node steps: it meets a flat piece, and later steps jump back over it', () => {
  // 70 a month per node, a node per 10^9 requests; the line costs 1e-7 per request.
  const found = crossingsBetween(line(1e-7), steps(1e9, 70), 1e3, 1e10);
  assert.equal(found[0]?.kind, 'continuous');
  assert.ok(Math.abs(found[0]!.requests - 7e8) < 1e-3, 'within the first flat piece: 70 / 1e-7');
  // Within the k-th node the line rises from 100(k-1) to 100k and meets 70k while k < 10/3; each
  // step from 70k to 70(k+1) jumps back over it while the line is still below 70(k+1).
  const many = found;
  const expected = [7e8, 1e9, 1.4e9, 2e9, 2.1e9];
  assert.equal(many.length, expected.length, `crossings at ${many.map((c) => c.requests).join(', ')}`);
  many.forEach((c, i) => assert.ok(Math.abs(c.requests - expected[i]!) < 1e-3, `${c.requests} != ${expected[i]}`));
  assert.deepEqual(many.map((c) => c.kind), ['continuous', 'step', 'continuous', 'step', 'continuous']);
  for (const c of many) {
    if (c.kind === 'continuous') assert.ok(Math.abs(c.costA - c.costB) < 1e-6, 'the curves meet');
    else assert.equal(c.requests % 1e9, 0, 'a step crossing sits on a node step');
  }
  // Crossings alternate: whoever was cheaper above one is cheaper below the next.
  for (let i = 1; i < many.length; i++) assert.equal(many[i]!.cheaperBelow, many[i - 1]!.cheaperAbove);
  assert.ok(many.some((c) => c.kind === 'step'), 'a step that jumps over the line');
});

test('no crossing when one curve is cheaper throughout; identical curves never cross', () => {
  assert.deepEqual(crossingsBetween(line(1e-7), line(2e-7), 1e3, 1e10), []);
  assert.deepEqual(crossingsBetween(steps(1e9, 70), steps(1e9, 70), 1e3, 1e10), []);
  assert.deepEqual(crossingsBetween(line(1e-7, 100), steps(1e12, 70, 1e12), 1e3, 1e10), [], 'the flat bill stays below');
});

function lambdaAndKubernetes(): RunResults {
  const run = fixtureRun([
    // 20 ms billed at 1 GB and the request price: 5.33e-7 a request.
    { name: 'fn', kind: 'lambda', warm: Array<number>(500).fill(20_000), billedDurationMsMean: 20, platform: { kind: 'lambda', memorySizeMb: 1024, architecture: 'x86_64' } },
    // 100 req/s per pod, one 2 vCPU pod per node: a node step every 2.628e8 requests a month.
    { name: 'k8s', kind: 'kubernetes', warm: Array<number>(1000).fill(2_000), warmDurationUs: 10_000_000, platform: { kind: 'kubernetes', replicas: 1, readyReplicas: 1, cpuRequestCores: 2, memoryRequestMiB: 1024 } },
  ]);
  for (const t of run.targets) t.cost = estimateCost(t);
  return run;
}

test('report model: a Lambda and a Kubernetes target break even, and the two curves cross there', () => {
  const model = buildReportModel(lambdaAndKubernetes());
  const growth = model.costGrowth;
  assert.deepEqual(growth.rows.map((r) => r.target.name), ['fn', 'k8s']);
  const pair = growth.pairs[0]!;
  assert.equal(pair.cheaperFirst, 'a', 'the per-request bill is cheaper at low traffic');
  const first = pair.crossings[0]!;
  assert.ok(first, 'a break-even traffic is reported');
  const [fn, k8s] = growth.rows.map((r) => r.curve);
  const eps = first.requests * 1e-6;
  const below = costAt(fn!, first.requests - eps)! - costAt(k8s!, first.requests - eps)!;
  const above = costAt(fn!, first.requests + eps)! - costAt(k8s!, first.requests + eps)!;
  assert.ok(below < 0 && above > 0, `the Lambda curve goes from below to above the node bill at ${first.requests}`);
  if (first.kind === 'continuous') assert.ok(Math.abs(costAt(fn!, first.requests)! - costAt(k8s!, first.requests)!) < 1e-6, 'they meet');
  // The exact point: 70.08 a node-month / (0.2e-6 + 0.02 s x 1 GB x 0.0000166667).
  assert.ok(Math.abs(first.requests - (0.096 * 730) / (0.2e-6 + 0.02 * 0.0000166667)) < 1, String(first.requests));
  // A marker on the chart for every crossing, at a point of the chart's x axis.
  assert.equal(growth.chart.markers.length, pair.crossings.length);
  for (const m of growth.chart.markers) assert.ok(growth.chart.xs.includes(m.x));
});
