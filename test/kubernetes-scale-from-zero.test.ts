// The kubernetes adapter end to end against the emulator through the real client library:
// scale-from-zero cold samples are verified cold (a new pod each time), take at least the pod's
// real start-up, poll through 503s without counting them as errors, record readyMs beside the
// sample; warm calls reuse the running pods; the original replica count is restored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter, isStillStarting } from '../bench/adapters/kubernetes.js';
import { runColdPhase } from '../bench/phases/cold.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'web', replicas: 2, initDelay: '150ms', cpu: '500m', memory: '256Mi' }] });
});
after(() => kube?.close());

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
  assert.equal(kube.cluster.pods.size, 0);
  assert.equal(ctx.journal.changes.length, 1, 'the change was journalled before it was made');
  assert.deepEqual(ctx.journal.changes[0]!.undo, { replicas: 2 });
  assert.equal(ctx.journal.changes[0]!.location.deployment, 'web');
  assert.doesNotMatch(JSON.stringify(ctx.journal.changes[0]), /token|Bearer/i, 'no credential in the journal');

  const startupsBefore = kube.cluster.startups.length;
  const seen = new Set<string>();
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: seen });
  assert.equal(phase.samples.length, 3);
  assert.equal(phase.verified, 3, 'every sample verified cold by an unseen x-instance-id');
  assert.equal(phase.summary.errors, 0, 'the 503s while starting are not errors');
  const startups = kube.cluster.startups.slice(startupsBefore);
  for (const s of phase.samples) {
    assert.equal(s.status, 200);
    const pod = startups.find((p) => p.pod === s.instance);
    assert.ok(pod, `sample ${s.seq} was served by a pod started for it (${s.instance})`);
    assert.ok(s.latencyUs / 1000 >= pod.startupMs, `sample ${s.seq}: ${s.latencyUs / 1000} ms >= pod start-up ${pod.startupMs} ms`);
    assert.ok(s.latencyUs / 1000 < pod.startupMs + 5_000, 'and within a generous bound of it');
    const readyMs = s.extra.readyMs as number;
    assert.equal(typeof readyMs, 'number', 'readyMs recorded');
    assert.ok(readyMs > 0 && readyMs < 20_000);
    assert.ok((s.extra.startAttempts as number) >= 2, 'the front was polled while the pod started (150 ms init)');
    assert.ok(s.controlPlaneUs !== null && s.controlPlaneUs > 0, 'the scale-down is timed separately');
  }
  assert.equal(new Set(phase.samples.map((s) => s.instance)).size, 3);

  // Back at 2 replicas after a sample: warm calls hit the running pods, no new pod starts.
  const live = new Set(kube.cluster.podsOf(deployment).map((p) => p.name));
  assert.equal(deployment.replicas, 2);
  const startupsAfterCold = kube.cluster.startups.length;
  for (let i = 0; i < 5; i++) {
    const warm = await adapter.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.ok(live.has(warm.instance!), `warm call served by a running pod (${warm.instance})`);
  }
  assert.equal(kube.cluster.startups.length, startupsAfterCold);
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
