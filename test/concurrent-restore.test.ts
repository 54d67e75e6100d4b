// restore() called twice at once (the runner's restore and a second Ctrl-C's) undoes the platform
// change once for every kind that makes one, counted at the emulators; kinds that change nothing
// resolve without touching the platform.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudFunctionAdapter } from '../bench/adapters/cloud-function.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { LambdaAdapter, NONCE_KEY } from '../bench/adapters/lambda.js';
import {
  adapterContext,
  cloudFunctionTarget,
  knativeTarget,
  kubeAdapterContext,
  kubernetesTarget,
  lambdaTarget,
  memoryJournal,
  startCloudFunctionsForTest,
  startLambdaForTest,
  startTestKube,
  testContext,
  type CloudFunctionsEmulator,
  type LocalLambda,
  type TestKube,
} from './helpers/servers.js';

let lambda: LocalLambda;
let gcf: CloudFunctionsEmulator;
let kube: TestKube;

before(async () => {
  [lambda, gcf, kube] = await Promise.all([
    startLambdaForTest(),
    startCloudFunctionsForTest(),
    startTestKube({ deployments: [{ name: 'api', replicas: 2, terminationDelay: '50ms' }], knativeServices: [{ name: 'kn', idle: '30s' }] }),
  ]);
});
after(async () => {
  await Promise.all([lambda?.stop(), gcf?.stop(), kube?.close()]);
});

test('lambda: two concurrent restore() calls write the original environment once', async () => {
  const fn = lambda.functions.get('hello')!;
  const original = { ...fn.spec.environment };
  const journal = memoryJournal();
  const adapter = new LambdaAdapter(lambdaTarget(lambda), adapterContext(journal));
  try {
    await adapter.prepare();
    await adapter.forceCold(0);
    const before = fn.acceptedUpdates.length;
    await Promise.all([adapter.restore(), adapter.restore()]);
    const restoring = fn.acceptedUpdates.slice(before);
    assert.deepEqual(restoring, [original], 'one update, back to the original map');
    assert.equal(journal.restored.length, 1);
    await adapter.restore(); // nothing left to undo
    assert.equal(fn.acceptedUpdates.length, before + 1);
    assert.ok(!(NONCE_KEY in (restoring[0] ?? {})));
  } finally {
    await adapter.close();
  }
});

test('cloud-function: two concurrent restore() calls start one restoring operation', async () => {
  const original = gcf.templateOf('hello');
  const ctx = testContext();
  const adapter = new CloudFunctionAdapter(cloudFunctionTarget(gcf, { cold: { samples: 1, strategy: 'update-config', waitTimeout: '20s', pollInterval: '25ms' } }), ctx);
  try {
    await adapter.prepare();
    await adapter.forceCold(0);
    const before = gcf.serviceUpdates('hello').length;
    await Promise.all([adapter.restore(), adapter.restore()]);
    const restoring = gcf.serviceUpdates('hello').slice(before);
    assert.deepEqual(restoring.map((u) => u.revision), [original.revision], 'one update, back to the original template');
    assert.deepEqual(gcf.templateOf('hello'), original);
    assert.equal(ctx.restored.length, 1);
  } finally {
    await adapter.close();
  }
});

test('kubernetes: two concurrent restore() calls patch the replica count once', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.api!, deployment: 'api' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  const before = kube.api.requests.length;
  await Promise.all([adapter.restore(), adapter.restore()]);
  const patches = kube.api.requests.slice(before).filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/api/scale'));
  assert.equal(patches.length, 1, `one scale patch, not ${patches.length}`);
  assert.equal(kube.cluster.getDeployment('default', 'api')!.replicas, 2);
  assert.deepEqual(ctx.journal.pending(), []);
});

test('knative (changes nothing): concurrent restore() calls resolve without an API call', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KnativeAdapter(knativeTarget({ service: 'kn', cold: null }), ctx);
  await adapter.prepare();
  const before = kube.api.requests.length;
  await Promise.all([adapter.restore(), adapter.restore()]);
  assert.equal(kube.api.requests.length, before);
  assert.deepEqual(ctx.journal.changes, []);
});
