// An evicted pod (phase Failed, reason Evicted) stays listed until pod garbage collection (12,500
// terminated pods by default): "no pod left" must not wait for it. The scale-from-zero wait ends
// with the evicted pod still in the API's list, and the next sample is served by a new pod.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { until } from './helpers/wait.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'web', replicas: 2 }] });
});
after(() => kube?.close());

test('an evicted pod of the Deployment does not stop the wait for no pod left', async () => {
  const owner = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };
  await until('two ready pods', () => kube.cluster.readyPodsOf(owner).length === 2);
  const victim = kube.cluster.readyPodsOf(owner)[0]!;
  kube.cluster.evictPod(victim);
  await until('the replacement ready', () => kube.cluster.readyPodsOf(owner).length === 2);

  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web', cold: { samples: 1, strategy: 'scale-from-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 20_000, pollIntervalMs: 0 } }), ctx);
  await adapter.prepare();
  const prep = await adapter.forceCold(0);
  assert.match(prep.note ?? '', /^scaled to 0; no pod left after \d+ ms$/);
  const listed = kube.cluster.podsOf(owner);
  assert.deepEqual(
    listed.map((p) => [p.name, p.phase, p.reason]),
    [[victim.name, 'Failed', 'Evicted']],
    'the wait ended with only the evicted pod still listed',
  );
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200);
  assert.notEqual(sample.instance, victim.name);
  await adapter.restore();
  assert.equal(kube.cluster.getDeployment('default', 'web')!.replicas, 2);
});
