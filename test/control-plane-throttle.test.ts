// An API server that throttles now and then (429 with Retry-After, as API Priority and Fairness
// does) does not fail a target: the control-plane waits retry within their own bound, after the
// Retry-After the server asked for. The emulator refuses every second pod list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { runColdPhase } from '../bench/phases/cold.js';
import { knativeTarget, kubeAdapterContext, kubernetesTarget, startTestKube, type TestKube } from './helpers/kubernetes.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    throttle: { every: 2, pathIncludes: '/pods', retryAfter: '1s' },
    // Waits of several pod lists whatever the machine's speed (a pod terminates for 3 s, the idle
    // window is 2 s), so every second list being refused always hits one of them.
    deployments: [{ name: 'web', replicas: 1, terminationDelay: '3s' }],
    knativeServices: [{ name: 'fn', idle: '2s', terminationDelay: '200ms' }],
  });
});
after(() => kube?.close());

/** Throttled pod lists, and the pause before the next pod list after each. */
function throttledPodLists(since: number) {
  const lists = kube.api.requests.slice(since).filter((r) => r.path.endsWith('/pods'));
  return lists.flatMap((r, i) => (r.status === 429 ? [{ pauseMs: (lists[i + 1]?.at ?? Number.NaN) - r.at }] : []));
}

test('kubernetes scale-from-zero: throttled pod lists during the scale-down wait are retried, the samples are fine', async () => {
  const since = kube.api.requests.length;
  const ctx = kubeAdapterContext();
  const target = kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web', cold: { samples: 2, strategy: 'scale-from-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 30_000, pollIntervalMs: 0 } });
  const adapter = new KubernetesAdapter(target, ctx);
  await adapter.prepare();
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: new Set() });
  await adapter.restore();
  assert.equal(phase.samples.length, 2);
  assert.equal(phase.summary.errors, 0);
  assert.equal(phase.verified, 2);
  const throttled = throttledPodLists(since);
  assert.ok(throttled.length >= 1, 'the API server did throttle the waits');
  for (const { pauseMs } of throttled.filter((t) => !Number.isNaN(t.pauseMs))) {
    assert.ok(pauseMs >= 950, `the next pod list came after the Retry-After of 1 s (${pauseMs} ms)`);
  }
  assert.equal(kube.cluster.getDeployment('default', 'web')!.replicas, 1);
});

test('knative scale-to-zero: a throttled pod list does not end the wait for zero', async () => {
  const since = kube.api.requests.length;
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'fn', cold: { samples: 1, strategy: 'scale-to-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 30_000, pollIntervalMs: 100 } });
  const adapter = new KnativeAdapter(target, ctx);
  await adapter.prepare();
  // Wake the service: the wait for zero then takes its idle window, several pod lists.
  assert.equal((await adapter.invoke({ fresh: true })).status, 200);
  const prep = await adapter.forceCold(0);
  assert.match(prep.note ?? '', /^at zero after \d+ ms$/);
  assert.ok(throttledPodLists(since).length >= 1, 'the API server did throttle the wait');
});
