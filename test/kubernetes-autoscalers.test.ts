// Controllers that would fight scale-from-zero over the replica count are found up front: a KEDA
// ScaledObject on the Deployment is refused (naming the pause annotation) before anything changes,
// unless it is paused; an HPA is a warning (it stands aside at 0 replicas but sets the count after
// each scale-up); the HPA KEDA makes for its ScaledObject is not reported twice; without KEDA
// installed its API answers 404 and nothing is reported; a forbidden list is a warning naming the
// permission to grant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { TargetFailure } from '../bench/errors.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    deployments: [
      { name: 'keda', replicas: 1 },
      { name: 'hpa', replicas: 2 },
      { name: 'paused', replicas: 1 },
      { name: 'free', replicas: 1 },
    ],
    hpas: [{ name: 'hpa', deployment: 'hpa', minReplicas: 2, maxReplicas: 10 }],
    scaledObjects: [
      { name: 'keda-so', deployment: 'keda', minReplicaCount: 1 },
      { name: 'paused-so', deployment: 'paused', minReplicaCount: 1, paused: true },
    ],
  });
});
after(() => kube?.close());

const target = (deployment: string) => kubernetesTarget({ url: 'http://lb.example.test/', deployment, cold: { samples: 1, strategy: 'scale-from-zero', idleMs: 0, waitTimeoutMs: 20_000, pollIntervalMs: 0 } });

test('a KEDA ScaledObject on the Deployment is refused before any change, naming the pause annotation', async () => {
  const ctx = kubeAdapterContext();
  const since = kube.mutatingCalls().length;
  await assert.rejects(new KubernetesAdapter(target('keda'), ctx).prepare(), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /^KEDA ScaledObject "keda-so" \(minReplicaCount 1\) scales deployment "keda" itself: .*annotate it autoscaling\.keda\.sh\/paused: "true"/);
    return true;
  });
  assert.deepEqual(kube.mutatingCalls().slice(since).map((r) => r.path), [], 'nothing changed (reviews are not changes)');
  assert.ok(!ctx.lines.some((l) => /HorizontalPodAutoscaler "keda-hpa-keda-so"/.test(l)), "KEDA's own HPA is not reported as a second controller");
});

test('an HPA on the Deployment is a warning; an untouched Deployment has nothing to report', async () => {
  const ctx = kubeAdapterContext();
  await new KubernetesAdapter(target('hpa'), ctx).prepare();
  assert.ok(
    ctx.lines.some((l) => /^warning: HorizontalPodAutoscaler "hpa" \(min 2, max 10\) targets deployment "hpa": it stands aside while the Deployment is at 0, but from each scale-up on it sets the replica count/.test(l)),
    ctx.lines.join(' | '),
  );
  const free = kubeAdapterContext();
  await new KubernetesAdapter(target('free'), free).prepare();
  assert.deepEqual(free.lines.filter((l) => l.startsWith('warning:')), []);
});

test('a paused ScaledObject is no problem; without KEDA installed, nothing is reported', async () => {
  const paused = kubeAdapterContext();
  await new KubernetesAdapter(target('paused'), paused).prepare();
  assert.deepEqual(paused.lines.filter((l) => l.startsWith('warning:')), [], 'autoscaling.keda.sh/paused: "true": KEDA stands aside');

  // A second cluster without KEDA: its API group does not exist (404), which is no finding.
  const plain = await startTestKube({ deployments: [{ name: 'free', replicas: 1 }] });
  try {
    const ctx = kubeAdapterContext();
    await new KubernetesAdapter(target('free'), ctx).prepare();
    assert.ok(plain.api.requests.some((r) => r.path.endsWith('/scaledobjects') && r.status === 404), 'KEDA was asked for and is not installed');
    assert.deepEqual(ctx.lines.filter((l) => l.startsWith('warning:')), []);
  } finally {
    await plain.close();
  }
});

test('a forbidden HPA or ScaledObject list is a warning naming the permission', async () => {
  kube.api.injectFault({ pathIncludes: '/horizontalpodautoscalers', status: 403, times: 1 });
  kube.api.injectFault({ pathIncludes: '/scaledobjects', status: 403, times: 1 });
  const ctx = kubeAdapterContext();
  await new KubernetesAdapter(target('free'), ctx).prepare();
  assert.ok(ctx.lines.some((l) => /^warning: could not check for a HorizontalPodAutoscaler of deployment "free" \(HTTP 403 .*\); allow list on horizontalpodautoscalers\.autoscaling/.test(l)), ctx.lines.join(' | '));
  assert.ok(ctx.lines.some((l) => /^warning: could not check for a KEDA ScaledObject of deployment "free" \(HTTP 403 .*\); allow list on scaledobjects\.keda\.sh/.test(l)), ctx.lines.join(' | '));
});
