// The kubernetes adapter end to end against the emulator through the real client library:
// scale-from-zero cold samples are verified cold (a new pod each time), take at least the pod's
// real start-up, poll through 503s without counting them as errors, record readyMs beside the
// sample; a sample ends only once every replica of the scale-up is ready; warm calls reuse the
// running pods; the original replica count is restored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter, isStillStarting } from '../bench/adapters/kubernetes.js';
import { runColdPhase } from '../bench/phases/cold.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    deployments: [
      // initDelay far above the gap between the scale-up call and the first request: the front is
      // always polled through 503s at least once, however loaded the machine.
      { name: 'web', replicas: 2, initDelay: '600ms', cpu: '500m', memory: '256Mi' },
      // The second pod of each scale-up becomes ready 1.5 s after the first.
      { name: 'staggered', replicas: 2, initDelay: '100ms', stagger: '1500ms' },
    ],
  });
});
after(() => kube?.close());

/** Start-ups of one Deployment's pods so far (the other Deployment's pods start on their own). */
const startupsOf = (deployment: string) => kube.cluster.startups.filter((p) => p.owner === `default/${deployment}`);

test('scale-from-zero: verified cold samples, each a new pod, no faster than the pod start-up; replicas restored', async () => {
  const ctx = kubeAdapterContext();
  const target = kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web' });
  const adapter = new KubernetesAdapter(target, ctx);
  const deployment = kube.cluster.getDeployment('default', 'web')!;
  await adapter.prepare();
  assert.deepEqual(
    [adapter.describe().replicas, adapter.describe().cpuRequestCores, adapter.describe().memoryRequestMiB, adapter.describe().context],
    [2, 0.5, 256, 'coldbench-emulator'],
  );

  // forceCold alone: the Deployment is at 0 and no pod is left, not even a terminating one.
  await adapter.forceCold(0);
  assert.equal(deployment.replicas, 0);
  assert.equal(kube.cluster.podsOf(deployment).length, 0);
  assert.equal(ctx.journal.changes.length, 1, 'the change was journalled before it was made');
  assert.deepEqual(ctx.journal.changes[0]!.undo, { replicas: 2 });
  assert.equal(ctx.journal.changes[0]!.location.deployment, 'web');
  assert.doesNotMatch(JSON.stringify(ctx.journal.changes[0]), /token|Bearer/i, 'no credential in the journal');

  const startupsBefore = startupsOf('web').length;
  const seen = new Set<string>();
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: seen });
  assert.equal(phase.samples.length, 3);
  assert.equal(phase.verified, 3, 'every sample verified cold by an unseen x-instance-id');
  assert.equal(phase.summary.errors, 0, 'the 503s while starting are not errors');
  const startups = startupsOf('web').slice(startupsBefore);
  for (const s of phase.samples) {
    assert.equal(s.status, 200);
    const pod = startups.find((p) => p.pod === s.instance);
    assert.ok(pod, `sample ${s.seq} was served by a pod started for it (${s.instance})`);
    assert.ok(s.latencyUs / 1000 >= pod.startupMs, `sample ${s.seq}: ${s.latencyUs / 1000} ms >= pod start-up ${pod.startupMs} ms`);
    assert.ok(s.latencyUs / 1000 < target.cold!.waitTimeoutMs, 'and within the wait bound');
    const readyMs = s.extra.readyMs as number;
    assert.equal(typeof readyMs, 'number', 'readyMs recorded');
    assert.ok(readyMs > 0 && readyMs < target.cold!.waitTimeoutMs);
    assert.ok((s.extra.startAttempts as number) >= 2, 'the front was polled while the pod started (600 ms init)');
    assert.ok(s.controlPlaneUs !== null && s.controlPlaneUs > 0, 'the scale-down is timed separately');
  }
  assert.equal(new Set(phase.samples.map((s) => s.instance)).size, 3);

  // Back at 2 ready replicas when the phase returns: warm calls hit the running pods, no new pod starts.
  const live = new Set(kube.cluster.podsOf(deployment).map((p) => p.name));
  assert.equal(deployment.replicas, 2);
  assert.equal(kube.cluster.readyPodsOf(deployment).length, 2, 'every replica of the last scale-up is ready');
  const startupsAfterCold = startupsOf('web').length;
  for (let i = 0; i < 5; i++) {
    const warm = await adapter.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.ok(live.has(warm.instance!), `warm call served by a running pod (${warm.instance})`);
  }
  assert.equal(startupsOf('web').length, startupsAfterCold);
  const load = adapter.warmLoad();
  assert.equal(load.type, 'http');
  assert.equal(load.type === 'http' && load.request.url, kube.deploymentUrls.web);

  // Restore: replicas are 2 again; the journal entry is closed; a second restore changes nothing.
  kube.cluster.setDeploymentReplicas(deployment, 1); // someone else changed it meanwhile
  await adapter.restore();
  assert.equal(deployment.replicas, 2);
  assert.deepEqual(ctx.journal.pending(), []);
  const patches = kube.api.requests.filter((r) => r.method === 'PATCH').length;
  await adapter.restore();
  assert.equal(kube.api.requests.filter((r) => r.method === 'PATCH').length, patches, 'restore is idempotent');
  // Every scale went through the scale subresource as a merge patch.
  const scalePatches = kube.api.requests.filter((r) => r.method === 'PATCH');
  assert.ok(scalePatches.length >= 7);
  assert.ok(scalePatches.every((r) => r.path.endsWith('/deployments/web/scale') && r.contentType === 'application/merge-patch+json'));
});

test('a sample ends only when every replica of the scale-up is ready, not at the first answer', async () => {
  // Regression: the sample used to end at the first answer, with the second replica still starting;
  // its start-up then landed in the warm phase (and in this file's count of start-ups: 6 !== 5).
  const deployment = kube.cluster.getDeployment('default', 'staggered')!;
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.staggered!, deployment: 'staggered' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  const startupsBefore = startupsOf('staggered').length;
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200);
  const ready = kube.cluster.readyPodsOf(deployment);
  assert.equal(ready.length, 2, `both replicas ready when sampleCold returns (${ready.length} ready)`);
  const startups = startupsOf('staggered').slice(startupsBefore);
  assert.equal(startups.length, 2, 'both start-ups happened inside the sample');
  assert.ok(
    startups.some((p) => p.pod === sample.instance),
    'the sample was answered by one of the two pods',
  );
  for (let i = 0; i < 5; i++) assert.equal((await adapter.invoke({ fresh: false })).status, 200);
  assert.equal(startupsOf('staggered').length, startupsBefore + 2, 'no start-up lands after the sample');
  await adapter.restore();
  assert.deepEqual(ctx.journal.pending(), []);
});

test('a Deployment at 0 replicas is sampled at 1 replica and left at 0', async () => {
  const deployment = kube.cluster.getDeployment('default', 'web')!;
  kube.cluster.setDeploymentReplicas(deployment, 0);
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200);
  assert.equal(sample.extra?.replicas, 1);
  await adapter.restore();
  assert.equal(deployment.replicas, 0);
  assert.match(ctx.lines.join('\n'), /is at 0 replicas/);
  kube.cluster.setDeploymentReplicas(deployment, 2);
});

test('strategy none samples the running Deployment without touching its replicas', async () => {
  const ctx = kubeAdapterContext();
  const target = kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web' });
  const adapter = new KubernetesAdapter({ ...target, cold: { ...target.cold!, strategy: 'none' } }, ctx);
  await adapter.prepare();
  const patches = kube.api.requests.filter((r) => r.method === 'PATCH').length;
  await adapter.forceCold(0);
  await kube.cluster.waitForReadyPod({ kind: 'Deployment', namespace: 'default', name: 'web' }, 10_000);
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200);
  await adapter.restore();
  assert.equal(kube.api.requests.filter((r) => r.method === 'PATCH').length, patches);
  assert.deepEqual(ctx.journal.changes, []);
});

test('refused connections and 502/503/504 mean "still starting"; other answers end the wait', () => {
  assert.equal(isStillStarting({ error: 'connection-refused', status: null }), true);
  assert.equal(isStillStarting({ error: 'connection-reset', status: null }), true);
  assert.equal(isStillStarting({ error: 'http5xx', status: 503 }), true);
  assert.equal(isStillStarting({ error: 'http5xx', status: 502 }), true);
  assert.equal(isStillStarting({ error: 'http5xx', status: 500 }), false);
  assert.equal(isStillStarting({ error: 'http4xx', status: 404 }), false);
  assert.equal(isStillStarting({ error: null, status: 200 }), false);
  assert.equal(isStillStarting({ error: 'timeout', status: null }), false);
});
