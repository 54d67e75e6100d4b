// Control-plane failures are one clear sentence naming the target and the platform's reason:
// a missing Deployment or namespace, an unknown kubeconfig context, a rejected token, an
// unreachable API server, a missing Knative Service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestKube, kubeAdapterContext, kubernetesTarget, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { TargetFailure } from '../bench/errors.js';
import { HANG_MS } from './helpers/wait.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'web', replicas: 1 }] });
  // The pod is a real process: on a loaded machine it may still be starting (503) for a while.
  const ready = await kube.cluster.waitForReadyPod({ kind: 'Deployment', namespace: 'default', name: 'web' }, HANG_MS);
  assert.ok(ready, 'the pod of web became ready');
});
after(() => kube?.close());

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TargetFailure, `expected a TargetFailure, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err.message;
  }
  assert.fail('expected a failure');
}

test('a missing Deployment gives a clear error naming it, its namespace and the API reason', async () => {
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'ghost' }), kubeAdapterContext());
  const message = await failure(adapter.prepare());
  assert.equal(
    message,
    'target k8s-test: cannot read deployment "ghost" in namespace "default" (context coldbench-emulator): not found: HTTP 404 NotFound: deployments.apps "ghost" not found',
  );
  const inOtherNamespace = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web', namespace: 'prod' }), kubeAdapterContext());
  assert.match(await failure(inOtherNamespace.prepare()), /deployment "web" in namespace "prod".*not found/);
});

test('an unknown kubeconfig context names the contexts that exist', async () => {
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web', context: 'prod-cluster' }), kubeAdapterContext());
  assert.equal(await failure(adapter.prepare()), 'target k8s-test: kubeconfig has no context "prod-cluster" (contexts: coldbench-emulator)');
});

test('a rejected token and an unreachable API server are reported with their reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kubeconfig-'));
  const original = readFileSync(kube.kubeconfigPath, 'utf8');
  const previous = process.env.KUBECONFIG;
  try {
    const badToken = path.join(dir, 'bad-token');
    writeFileSync(badToken, original.replace(/token: .*/, 'token: not-the-token'));
    process.env.KUBECONFIG = badToken;
    const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web' }), kubeAdapterContext());
    const message = await failure(adapter.prepare());
    assert.match(message, /HTTP 401 Unauthorized/);
    assert.doesNotMatch(message, /not-the-token/, 'the token is never echoed');

    const unreachable = path.join(dir, 'unreachable');
    writeFileSync(unreachable, original.replace(/server: .*/, 'server: http://127.0.0.1:1'));
    process.env.KUBECONFIG = unreachable;
    const adapter2 = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web' }), kubeAdapterContext());
    assert.match(await failure(adapter2.prepare()), /cannot read deployment "web".*ECONNREFUSED/);
  } finally {
    process.env.KUBECONFIG = previous;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing Knative Service gives a clear error; with a url and strategy idle the API is optional', async () => {
  const adapter = new KnativeAdapter(knativeTarget({ service: 'nope' }), kubeAdapterContext());
  assert.equal(
    await failure(adapter.prepare()),
    'target knative-test: cannot read knative service "nope" in namespace "default" (context coldbench-emulator): not found: HTTP 404 NotFound: services.serving.knative.dev "nope" not found',
  );
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'nope', url: kube.deploymentUrls.web! });
  const idle = new KnativeAdapter({ ...target, cold: { ...target.cold!, strategy: 'idle', idleMs: 0 } }, ctx);
  await idle.prepare();
  assert.match(ctx.lines.join('\n'), /could not read knative service "nope"/);
  assert.equal((await idle.sampleCold(0)).status, 200);
});
