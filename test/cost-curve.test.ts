// The monthly cost curves, exactly: a per-request bill grows linearly with traffic and equals the
// documented formula; a node bill is flat while one pod suffices and rises in whole-node steps where
// the measured capacity per pod says; free tiers bend the line where they run out; a scale-to-zero
// service costs no node of its own while it can idle; capacity says how it was derived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCapacity } from '../bench/cost/capacity.js';
import { costAt, instancesAt, monthlyCurve, type MonthlyCurve } from '../bench/cost/curve.js';
import { estimateCost } from '../bench/cost.js';
import { DEFAULT_PRICES, resolvePrices } from '../bench/pricing.js';
import type { TargetResult } from '../bench/results/types.js';
import { fixtureTarget, type FixtureTarget } from './helpers/results-fixture.js';

const MONTH_S = 730 * 3600;
const NODE_MONTH = 0.096 * 730;

/** A target with its cost estimate (the overrides live there, as in results.json). */
function priced(f: FixtureTarget, pricing: Record<string, number | string> = {}): TargetResult {
  const target = fixtureTarget(f);
  return { ...target, cost: estimateCost(target, pricing) };
}

function curveOf(target: TargetResult, freeTier = false): MonthlyCurve {
  const result = monthlyCurve(target, { freeTier, maxRequests: 1e10 });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.curve;
}

const at = (curve: MonthlyCurve, x: number) => costAt(curve, x)!;
const close = (actual: number, expected: number, what: string, relative = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} != ${expected}`);

// 1000 warm calls in 10 s, 4 connections: Lambda serves one per environment, so 4 environments.
const lambda = (extra: Partial<FixtureTarget> = {}, pricing: Record<string, number | string> = {}) =>
  priced({ name: 'fn', kind: 'lambda', warm: Array<number>(1000).fill(12_000), billedDurationMsMean: 10, cold: [400_000], coldExtra: [{ billedDurationMs: 410 }], platform: { kind: 'lambda', memorySizeMb: 1024, architecture: 'x86_64' }, ...extra }, pricing);

test('lambda: 10x the requests is 10x the cost, and at 10^8 a month it is the documented formula', () => {
  const curve = curveOf(lambda());
  for (const x of [1e3, 1e5, 1e7, 1e9]) close(at(curve, 10 * x) / at(curve, x), 10, `${x} -> ${10 * x}`, 0.01);
  // requests x (request price + memory GB x billed seconds x GB-second price), no cold start seen in the run.
  const formula = 1e8 * (0.2 / 1e6 + (1024 / 1024) * (10 / 1000) * 0.0000166667);
  close(at(curve, 1e8), formula, 'cost at 10^8', 0.01);
  close(at(curve, 1e8), formula, 'cost at 10^8, exactly');
  assert.equal(instancesAt(curve, 0), 0);
  // 1000 requests in 10 s over 4 environments = 25 req/s each; 10^8 a month = 38.05 req/s.
  assert.equal(instancesAt(curve, 1e8), Math.ceil(1e8 / MONTH_S / 25));
});

test('lambda: cold starts at a rate add the extra billed time of a cold start (Billed Duration, INIT included)', () => {
  const curve = curveOf(lambda({}, { coldStartRate: 0.01 }));
  const warm = 0.2 / 1e6 + (10 / 1000) * 0.0000166667;
  const extra = ((410 - 10) / 1000) * 0.0000166667; // mean billed cold duration - warm billed duration
  close(at(curve, 1e8), 1e8 * (warm + 0.01 * extra), 'with 1% cold starts');
  assert.equal(curve.coldStart?.rate, 0.01);
  close(curve.coldStart!.extra!, extra, 'extra per cold start');
  // The rate from the run when it recorded cold starts inside the warm phase.
  const seen = lambda();
  seen.phases.warm!.coldInWarm = 20;
  const fromRun = curveOf({ ...seen, cost: estimateCost(seen) });
  close(fromRun.coldStart!.rate, 20 / 1000, 'cold_in_warm / warm requests');
  assert.match(fromRun.coldStart!.rateSource, /20 cold starts in 1000 warm requests/);
});

test('lambda with --free-tier: nothing to pay until the free requests and GB-seconds run out, then the line bends', () => {
  const curve = curveOf(lambda(), true);
  const gbs = 10 / 1000; // GB-seconds per request at 1 GB
  assert.equal(at(curve, 5e5), 0);
  // Past 1M requests only the request price is due; past 400,000 GB-s / 0.01 = 40M both are.
  close(at(curve, 2e6), (2e6 - 1e6) * 0.2e-6, 'requests only');
  close(at(curve, 1e8), (1e8 - 1e6) * 0.2e-6 + (1e8 * gbs - 400_000) * 0.0000166667, 'both past the free tier');
  assert.deepEqual(curve.pieces.map((p) => p.from), [0, 1e6, 400_000 / gbs]);
});

test('Cloud Functions / Cloud Run request-based: vCPU-seconds and GiB-seconds in 100 ms steps, plus the request price', () => {
  const target = priced({ name: 'gcf', kind: 'cloud-function', warm: Array<number>(100).fill(130_000), platform: { kind: 'cloud-function', availableMemory: '512Mi', availableCpu: '1', maxInstanceRequestConcurrency: 1 } });
  const curve = curveOf(target);
  const perRequest = 0.4 / 1e6 + 0.2 * (1 * 0.000024 + 0.5 * 0.0000025); // 130 ms billed as 200 ms
  close(at(curve, 1e7), 1e7 * perRequest, 'at 10^7');
  close(at(curve, 1e7), (target.cost!.per1MRequests! * 1e7) / 1e6, 'the same as the per-1M estimate');
});

// 2000 requests in 10 s on 2 replicas: 100 req/s per pod; 250m / 128Mi pods, 8 on a 2 vCPU / 8 GiB node.
const kube = (pricing: Record<string, number | string> = {}, platform: TargetResult['platform'] = { kind: 'kubernetes', replicas: 2, readyReplicas: 2, cpuRequestCores: 0.25, memoryRequestMiB: 128 }) =>
  priced({ name: 'k', kind: 'kubernetes', warm: Array<number>(2000).fill(5_000), warmDurationUs: 10_000_000, platform }, pricing);

test('kubernetes: flat while one node holds the pods, then whole-node steps exactly where the capacity says', () => {
  const target = kube();
  assert.deepEqual(target.capacity ?? estimateCapacity(target), { rpsPerInstance: 100, instances: 2, basis: 'replicas', note: '2 ready replicas served the warm phase' });
  const curve = curveOf(target);
  const podMonth = 100 * MONTH_S;
  const nodeStep = 8 * podMonth;
  for (const x of [1e3, 1e5, podMonth, nodeStep * 0.999]) close(at(curve, x), NODE_MONTH, `one node at ${x}`);
  close(at(curve, nodeStep * 1.001), 2 * NODE_MONTH, 'a second node just past 8 pods');
  close(at(curve, 1e10), Math.ceil(1e10 / nodeStep) * NODE_MONTH, 'whole nodes at 10^10');
  assert.equal(instancesAt(curve, podMonth * 2.5), 3, 'pods: ceil(traffic / capacity per pod)');
  for (const p of curve.pieces) {
    assert.equal(p.slope, 0);
    close(p.intercept / NODE_MONTH, Math.round(p.intercept / NODE_MONTH), 'whole nodes');
  }
  assert.deepEqual(curve.pieces.slice(0, 3).map((p) => p.from), [0, nodeStep, 2 * nodeStep]);
});

test('pods are packed onto nodes by CPU and by memory, whichever runs out first; pricing.nodes is a floor', () => {
  const memoryBound = curveOf(kube({}, { kind: 'kubernetes', replicas: 2, cpuRequestCores: 0.1, memoryRequestMiB: 3 * 1024 }));
  assert.equal(memoryBound.instances.type === 'pods' && memoryBound.instances.plan.podsPerNode, 2, '8 GiB / 3 GiB');
  const cpuBound = curveOf(kube({ 'node.vcpu': 4, 'node.memoryGiB': 16 }, { kind: 'kubernetes', replicas: 2, cpuRequestCores: 1.5, memoryRequestMiB: 512 }));
  assert.equal(cpuBound.instances.type === 'pods' && cpuBound.instances.plan.podsPerNode, 2, '4 vCPU / 1.5');
  const floor = curveOf(kube({ nodes: 3 }));
  close(at(floor, 1e3), 3 * NODE_MONTH, 'never fewer than pricing.nodes');
  const assumed = curveOf(kube({}, { kind: 'kubernetes', replicas: 1 }));
  assert.match(assumed.basis.join(' '), /CPU not requested, 0\.25 assumed/);
});

test('knative: no pod (no node of its own) while it can idle, one node above; min-scale keeps a pod', () => {
  const kn = (platform: TargetResult['platform'], pricing: Record<string, number | string> = {}) =>
    priced({ name: 'kn', kind: 'knative', warm: Array<number>(1000).fill(5_000), warmDurationUs: 10_000_000, platform }, pricing);
  const curve = curveOf(kn({ kind: 'knative', scaleToZeroWindow: '60s', containerConcurrency: 0, cpuRequestCores: 0.5, memoryRequestMiB: 256 }));
  const idleBelow = MONTH_S / 60;
  assert.equal(at(curve, idleBelow * 0.99), 0);
  assert.equal(instancesAt(curve, idleBelow * 0.99), 0);
  close(at(curve, idleBelow * 1.01), NODE_MONTH, 'one node once it cannot idle');
  assert.match(curve.basis.join(' '), /scales to zero/);
  const kept = curveOf(kn({ kind: 'knative', minScale: 1 }));
  close(at(kept, 1e3), NODE_MONTH, 'min-scale 1: always a pod');
  const floor = curveOf(kn({ kind: 'knative' }, { nodes: 1 }));
  close(at(floor, 1e3), NODE_MONTH, 'an idle service on a cluster that keeps a node');
});

test('capacity: counted instances first, then the configured concurrency, then replicas; none without a warm phase', () => {
  const counted = lambda();
  counted.phases.warm!.instances = 5;
  assert.deepEqual(estimateCapacity(counted), { rpsPerInstance: 20, instances: 5, basis: 'distinct-instances', note: '5 distinct instances answered the timed warm phase (instance header)' });
  const configured = estimateCapacity(lambda());
  assert.equal(configured?.basis, 'configured-concurrency');
  assert.equal(configured?.instances, 4, '4 connections, one request per environment');
  const google = estimateCapacity(fixtureTarget({ name: 'g', kind: 'cloud-function', warm: Array<number>(800).fill(1000), platform: { kind: 'cloud-function', maxInstanceRequestConcurrency: 80 } }));
  assert.deepEqual([google?.instances, google?.basis, google?.rpsPerInstance], [1, 'configured-concurrency', 80]);
  assert.equal(estimateCapacity(fixtureTarget({ name: 'c', kind: 'lambda', cold: [1000] })), null);
  const noWarm = monthlyCurve(priced({ name: 'c', kind: 'kubernetes', cold: [1000] }), { freeTier: false, maxRequests: 1e10 });
  assert.deepEqual(noWarm, { ok: false, reason: 'no warm phase: the capacity per pod is unknown' });
});

test('the price table is dated and its new keys are overridable; cost inputs are checked by name', () => {
  assert.equal(DEFAULT_PRICES.date, '2026-12-02');
  assert.equal(resolvePrices({ 'node.vcpu': '4', 'month.hours': 720 })['node.vcpu'], 4);
  assert.throws(() => resolvePrices({ coldStartRate: 2 }), /pricing\.coldStartRate: expected a share of requests between 0 and 1, got 2/);
  assert.throws(() => resolvePrices({ minPods: 1.5 }), /pricing\.minPods: expected a whole number of pods/);
  assert.equal(resolvePrices({ coldStartRate: 0.5, minPods: 2, 'pod.vcpu': 1 })['node.hour'], 0.096);
});

test('results.json: capacity and run.cost read back when present, files without them still read, a wrong basis is named', async () => {
  const { checkResults } = await import('../bench/results/read.js');
  const { fixtureRun } = await import('./helpers/results-fixture.js');
  const run = fixtureRun([{ name: 'k', kind: 'kubernetes', warm: [1000, 2000] }]);
  assert.equal(checkResults(structuredClone(run), 'old.json').targets[0]!.capacity, undefined, 'an old file reads');
  run.targets[0]!.capacity = { rpsPerInstance: 0.2, instances: 1, basis: 'replicas', note: 'one' };
  run.run.cost = { traffic: 1e6, freeTier: true };
  const read = checkResults(structuredClone(run), 'new.json');
  assert.deepEqual([read.targets[0]!.capacity?.basis, read.run.cost], ['replicas', { traffic: 1e6, freeTier: true }]);
  const bad = structuredClone(run) as unknown as { targets: Array<{ capacity: { basis: string } }> };
  bad.targets[0]!.capacity.basis = 'guessed';
  assert.throws(() => checkResults(bad, 'bad.json'), /bad\.json: targets\[0\]\.capacity\.basis/);
});
