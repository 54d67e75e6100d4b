import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCost } from '../bench/cost.js';
import { formatCostMarkdown } from '../bench/reporters/cost-markdown.js';
import { DEFAULT_PRICES, PRICES_DATE, resolvePrices } from '../bench/pricing.js';
import { bytesToGiB, memoryBytes } from '../bench/quantity.js';
import { fixtureTarget } from './helpers/results-fixture.js';

const close = (actual: number | null, expected: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= Math.abs(expected) * 1e-9, `${what}: ${actual} != ${expected}`);

test('lambda: billed duration x memory x GB-second price by architecture + request price', () => {
  const target = fixtureTarget({
    name: 'fn',
    kind: 'lambda',
    cold: [400_000, 500_000],
    coldExtra: [{ billedDurationMs: 300, memorySizeMb: 1024 }, { billedDurationMs: 500, memorySizeMb: 1024 }],
    warm: [12_000, 12_000],
    billedDurationMsMean: 10,
    platform: { kind: 'lambda', architecture: 'x86_64' },
  });
  const cost = estimateCost(target);
  assert.equal(cost.label, 'estimate');
  assert.equal(cost.model, 'lambda');
  assert.equal(cost.pricesDate, PRICES_DATE);
  // 1M x (10 ms x 1 GB x 0.0000166667 / 1000) + 0.20 per 1M.
  close(cost.per1MRequests, 1e6 * (10 * 0.0000166667) / 1000 + 0.2, 'per 1M x86');
  // mean billed 400 ms at 1 GB + one request.
  close(cost.perColdStart, (400 * 0.0000166667) / 1000 + 0.2 / 1e6, 'per cold start');
  const arm = estimateCost({ ...target, platform: { kind: 'lambda', architecture: 'arm64' } });
  close(arm.per1MRequests, 1e6 * (10 * 0.0000133334) / 1000 + 0.2, 'per 1M arm64');
  assert.ok(arm.per1MRequests! < cost.per1MRequests!);
  assert.match(cost.basis.join(' '), /1024 MB x86_64/);
});

test('lambda without a recorded billed duration falls back to client latency and says so', () => {
  const cost = estimateCost(fixtureTarget({ name: 'fn', kind: 'lambda', warm: [2_500, 2_500], platform: { kind: 'lambda', memorySizeMb: 512 } }));
  // mean 2.5 ms rounded up to the 1 ms billing increment = 3 ms at 0.5 GB.
  close(cost.per1MRequests, 1e6 * (3 * 0.5 * 0.0000166667) / 1000 + 0.2, 'per 1M');
  assert.match(cost.basis.join(' '), /upper bound/);
  assert.equal(cost.perColdStart, null, 'no cold phase, no cold estimate');
});

test('cloud functions: vCPU-seconds + GiB-seconds in 100 ms increments + invocation price', () => {
  const target = fixtureTarget({ name: 'gcf', kind: 'cloud-function', cold: [1_230_000], warm: [40_000, 60_000], platform: { kind: 'cloud-function', availableMemory: '512Mi', availableCpu: '1' } });
  const cost = estimateCost(target);
  const perSecond = 1 * 0.000024 + 0.5 * 0.0000025;
  close(cost.per1MRequests, 1e6 * (0.1 * perSecond + 0.4 / 1e6), 'per 1M (mean 50 ms billed as 100 ms)');
  close(cost.perColdStart, 1.3 * perSecond + 0.4 / 1e6, 'cold 1230 ms billed as 1300 ms');
  assert.equal(cost.model, 'cloud-function');
  // availableMemory is a Kubernetes quantity (Cloud Functions v2 ServiceConfig reference): M is 10^6 bytes, Mi 2^20.
  assert.equal(memoryBytes('256M'), 256e6);
  assert.equal(bytesToGiB(memoryBytes('2Gi') ?? 0), 2);
  assert.equal(memoryBytes('lots'), null);
});

test('cloud run: the Cloud Functions (2nd gen) request-based model over the container limits', () => {
  const platform = { kind: 'cloud-run' as const, availableMemory: '512Mi', availableCpu: '1' };
  const run = estimateCost(fixtureTarget({ name: 'run', kind: 'cloud-run', cold: [1_230_000], warm: [40_000, 60_000], platform }));
  const gcf = estimateCost(fixtureTarget({ name: 'gcf', kind: 'cloud-function', cold: [1_230_000], warm: [40_000, 60_000], platform: { ...platform, kind: 'cloud-function' } }));
  assert.equal(run.model, 'cloud-function');
  assert.equal(run.per1MRequests, gcf.per1MRequests);
  assert.equal(run.perColdStart, gcf.perColdStart);
});

test('knative and kubernetes: node price per hour over the measured throughput', () => {
  // 2000 requests in 10 s = 200 req/s.
  const target = fixtureTarget({ name: 'k', kind: 'kubernetes', cold: [2_000_000], warm: Array<number>(2000).fill(5_000), warmDurationUs: 10_000_000 });
  const cost = estimateCost(target);
  close(cost.per1MRequests, (0.096 / 3600 / 200) * 1e6, 'per 1M');
  // node-seconds of the mean cold start (2 s, as the histogram stores it at 3 significant digits).
  const meanColdS = target.phases.cold!.summary.meanUs / 1e6;
  assert.ok(Math.abs(meanColdS - 2) < 0.01);
  close(cost.perColdStart, (0.096 / 3600) * meanColdS, 'a 2 s cold start is 2 node-seconds');
  assert.equal(cost.model, 'node-hours');
  const knative = estimateCost({ ...target, kind: 'knative' }, { 'node.hour': 0.2, currency: 'EUR', date: '2026-03-01' });
  close(knative.per1MRequests, (0.2 / 3600 / 200) * 1e6, 'overridden node price');
  assert.equal(knative.currency, 'EUR');
  assert.equal(knative.pricesDate, '2026-03-01');
  assert.deepEqual(knative.overrides, { 'node.hour': 0.2, currency: 'EUR', date: '2026-03-01' });
});

test('overrides may be numeric strings; unknown keys and non-numbers are refused by name', () => {
  assert.equal(resolvePrices({ 'lambda.requestPer1M': '0.3' })['lambda.requestPer1M'], 0.3);
  assert.equal(resolvePrices({})['node.hour'], DEFAULT_PRICES['node.hour']);
  assert.throws(() => resolvePrices({ 'lambda.gbsecond': 1 }), /pricing\.lambda\.gbsecond: unknown price/);
  assert.throws(() => resolvePrices({ 'node.hour': 'cheap' }), /pricing\.node\.hour: expected a non-negative number, got "cheap"/);
});

test('a plain http target has no cost model unless a node price is given', () => {
  const target = fixtureTarget({ name: 'h', warm: Array<number>(100).fill(1_000), warmDurationUs: 1_000_000 });
  const none = estimateCost(target);
  assert.equal(none.model, 'none');
  assert.equal(none.per1MRequests, null);
  const node = estimateCost(target, { 'node.hour': 0.36 });
  close(node.per1MRequests, (0.36 / 3600 / 100) * 1e6, 'per 1M');
});

test('the Markdown section labels every number an estimate with the price date', () => {
  const target = { ...fixtureTarget({ name: 'a|b', kind: 'kubernetes', warm: [1_000], warmDurationUs: 1_000_000 }) };
  target.cost = estimateCost(target);
  const text = formatCostMarkdown([target]);
  assert.match(text, new RegExp(`## Cost \\(estimate, prices as of ${PRICES_DATE}\\)`));
  assert.match(text, /\| a\\\|b \| local \| node-hours \| 26\.667 USD \| n\/a \|/);
});

test('knative and kubernetes: the node count is read from pricing.nodes, and an assumed one is said so', () => {
  const target = fixtureTarget({ name: 'k', kind: 'kubernetes', cold: [2_000_000], warm: Array<number>(2000).fill(5_000), warmDurationUs: 10_000_000 });
  const three = estimateCost(target, { nodes: 3 });
  close(three.per1MRequests, (3 * 0.096 / 3600 / 200) * 1e6, 'three nodes cost three times one');
  close(three.perColdStart, 3 * (0.096 / 3600) * (target.phases.cold!.summary.meanUs / 1e6), 'and so does a cold start');
  assert.match(three.basis[0]!, /^3 nodes at 0\.096 per node-hour \(pricing\.nodes\)$/);
  assert.deepEqual(three.overrides, { nodes: 3 }, 'kept, so a merged report computes the same estimate');
  const knative = estimateCost({ ...target, kind: 'knative' }, { nodes: '2' });
  close(knative.per1MRequests, (2 * 0.096 / 3600 / 200) * 1e6, 'a numeric string works like the prices');

  const assumed = estimateCost(target);
  close(assumed.per1MRequests, (0.096 / 3600 / 200) * 1e6, 'one node when none is given');
  assert.match(assumed.basis[0]!, /^1 node at 0\.096 per node-hour \(assumed: the node count was not given; set pricing\.nodes\)$/);

  assert.throws(() => resolvePrices({ nodes: 0 }), /pricing\.nodes: expected a positive number of nodes, got 0/);
  assert.throws(() => resolvePrices({ nodes: 'many' }), /pricing\.nodes: expected a positive number of nodes, got "many"/);
});

test('cloud functions: memory is read as the Kubernetes quantity Google documents, CPU from the facts or the documented tier', () => {
  const cost = (platform: Parameters<typeof fixtureTarget>[0]['platform']) =>
    estimateCost(fixtureTarget({ name: 'gcf', kind: 'cloud-function', warm: [40_000], platform })).basis[0]!;
  assert.match(cost({ kind: 'cloud-function', availableMemory: '1Gi' }), /^1 GiB, 0\.583 vCPU \(default for the memory size\)/);
  assert.match(cost({ kind: 'cloud-function', availableMemory: '256M', availableCpu: '1000m' }), /^0\.238 GiB, 1 vCPU,/);
  assert.match(cost({ kind: 'cloud-function' }), /^0\.25 GiB \(memory not reported; assumed 256 MiB\), 0\.167 vCPU \(default for the memory size\)/);
});
