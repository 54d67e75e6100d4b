// planSweep: what `coldbench plan` says about a sweep, exactly: the platform change, the target
// entries of the variants, and the swept target's whole duration (every variant applied and
// measured, then the restore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetFile } from '../bench/config/load.js';
import { planSweep } from '../bench/experiments/sweep-plan.js';

const targetOf = (yaml: string) => {
  const config = parseTargetFile(`targets:\n${yaml}`, 'plan.yaml', '/tmp/plan.yaml', {});
  return config.targets[0]!;
};

test('a Lambda memory sweep: one MemorySize change per variant, three entries, 119 s', () => {
  const plan = planSweep(
    targetOf(`
  - name: hello
    kind: lambda
    region: eu-west-1
    function: hello
    sweep: { memory: [128, 512, 1024] }
    cold: { samples: 3 }
    warm: { duration: 10s }
`),
  );
  assert.deepEqual(plan.changes, [
    'lambda function hello (eu-west-1): MemorySize 128, 512, 1024 MB in turn (UpdateFunctionConfiguration), one variant at a time; the original configuration is journaled before the first change and restored at the end, on error and on Ctrl-C',
    '3 variants measured as targets hello[memory=128], hello[memory=512], hello[memory=1024]',
  ]);
  // Per variant: 5 s to apply + (5 s preparation + 3 x 6 s update-config samples + 10 s warm); plus 5 s to restore.
  assert.equal(plan.estimatedSeconds, 3 * (5 + 5 + 18 + 10) + 5);
});

test('a Kubernetes cpu x memory sweep: the cross product, one rollout per variant, 430 s', () => {
  const plan = planSweep(
    targetOf(`
  - name: web
    kind: kubernetes
    url: http://127.0.0.1:8080/
    deployment: web
    namespace: shop
    sweep: { cpu: ["250m", "1"], memory: ["256Mi", "1Gi"] }
    cold: { samples: 2 }
    warm: { duration: 5s }
`),
  );
  assert.deepEqual(plan.changes, [
    'Deployment shop/web: container requests and limits cpu 250m, 1 x memory 256Mi, 1Gi, a rollout per variant, one variant at a time; the original configuration is journaled before the first change and restored at the end, on error and on Ctrl-C',
    '4 variants measured as targets web[cpu=250m,memory=256Mi], web[cpu=250m,memory=1Gi], web[cpu=1,memory=256Mi], web[cpu=1,memory=1Gi]',
  ]);
  // Per variant: 30 s rollout + (5 s + 2 x 30 s scale-from-zero + 5 s warm); plus 30 s to restore.
  assert.equal(plan.estimatedSeconds, 4 * (30 + 5 + 60 + 5) + 30);
});

test('a target without a sweep plans nothing', () => {
  assert.deepEqual(planSweep(targetOf(`
  - name: plain
    kind: http
    url: http://127.0.0.1:8080/
`)), { changes: [], estimatedSeconds: 0 });
});

test('plan adds a sweep once: its changes, and the other variants and the restore on top of the target\'s own measurement', async () => {
  const { planExtraPhases } = await import('../bench/plan/extra-phases.js');
  const { predictMeasurementMs, predictTargetMs } = await import('../bench/origins/predict.js');
  const target = targetOf(`
  - name: hello
    kind: lambda
    region: eu-west-1
    function: hello
    sweep: { memory: [128, 512, 1024] }
    cold: { samples: 3 }
    warm: { duration: 10s }
`);
  const extras = planExtraPhases(target);
  assert.equal(extras.length, 1);
  assert.deepEqual(extras[0]!.changes, planSweep(target).changes);
  // 119 s in all: 3 x (5 s to apply + 33 s) + 5 s to restore.
  assert.equal(predictMeasurementMs(target), 33_000); // the target's own prediction: one measurement
  assert.equal(predictMeasurementMs(target) + extras[0]!.ms, predictTargetMs(target));
  assert.equal(predictTargetMs(target), 119_000);
  const unswept = targetOf(`
  - name: plain
    kind: lambda
    region: eu-west-1
    function: hello
    cold: { samples: 3 }
`);
  assert.deepEqual(planExtraPhases(unswept), []);
});
