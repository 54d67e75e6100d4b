// planExperiments: what burst:, keepalive: and warm.stages will do and how long they take, from the
// target file alone (exact: it is a pure function of the validated target).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTargetFile } from '../bench/config/load.js';
import { planExperiments } from '../bench/experiments/plan.js';

function targetOf(yaml: string) {
  const config = parseTargetFile(yaml, 'targets.yaml', '/tmp/targets.yaml', {});
  return config.targets[0]!;
}

test('issue 16\'s example: bursts of 1, 10, 50 x 2 by update-config, and keepalive 1m..30m x 3 predicted at 2 h 34 min', () => {
  const plan = planExperiments(
    targetOf(`targets:
  - name: fn
    kind: lambda
    region: us-east-1
    function: fn
    cold: { strategy: update-config, samples: 1 }
    burst: { sizes: [50, 1, 10], samples: 2 }
    keepalive: { idle: [1m, 5m, 15m, 30m], samples: 3 }
`),
  );
  assert.deepEqual(plan.changes, [
    'burst: fn: 6 bursts (sizes 1, 10, 50 x 2), 122 requests; before each, forced cold by update-config (updates the configuration (a new environment value; on Google a new revision), restored at the end)',
    'keepalive: fn: 12 samples (idle 1m, 5m, 15m, 30m x 3), 24 requests, 2h 33m idle in all; no platform change',
  ]);
  // 6 bursts x (6 s control plane + 1 s) + 3 x (60 + 300 + 900 + 1800) s idle + 12 x 1 s.
  assert.equal(plan.estimatedSeconds, 42 + 9180 + 12);
});

test('an idle strategy waits before each burst; stages are described but their time is the warm phase\'s', () => {
  const plan = planExperiments(
    targetOf(`targets:
  - name: svc
    kind: http
    url: http://127.0.0.1:9/
    cold: { strategy: idle, idle: 1500ms, samples: 1, instanceHeader: x-instance-id }
    burst: { sizes: [8] }
    warm:
      stages: [{ rate: 50, duration: 2s }, { rate: 150, duration: 2s }]
`),
  );
  assert.deepEqual(plan.changes, [
    'burst: svc: 1 burst (sizes 8 x 1), 8 requests; before each, forced cold by idle (waits 1.5s)',
    "warm.stages: 2 stages: svc: 300 requests over 4s, peak 150 req/s (the warm phase's duration); no platform change",
  ]);
  assert.equal(plan.estimatedSeconds, 4, '1 s allowance + 1.5 s idle + 1 s for the burst, rounded up');
});

test('a target without experiments plans nothing', () => {
  assert.deepEqual(planExperiments(targetOf('targets:\n  - { name: a, kind: http, url: "http://127.0.0.1:9/" }\n')), { changes: [], estimatedSeconds: 0 });
});

test('the run prediction (origins\' limits, e.g. Lambda\'s 900 s) counts burst and keepalive time too', async () => {
  const { predictTargetMs } = await import('../bench/origins/predict.js');
  const yaml = (extra: string) => `targets:
  - name: fn
    kind: lambda
    region: us-east-1
    function: fn
    cold: { strategy: update-config, samples: 1 }
${extra}`;
  const plain = predictTargetMs(targetOf(yaml('')));
  const withExperiments = targetOf(yaml('    burst: { sizes: [1, 10, 50], samples: 2 }\n    keepalive: { idle: [1m, 5m, 15m, 30m], samples: 3 }\n'));
  assert.equal(predictTargetMs(withExperiments) - plain, planExperiments(withExperiments).estimatedSeconds * 1000);
});
