// The original replica count comes back on every path out: after an injected control-plane
// failure during a sample, after Ctrl-C (abort) in the middle of the scale-down wait, and after a
// killed run through the journal (`coldbench restore <report-dir>`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter, restoreFromJournal } from '../bench/adapters/kubernetes.js';
import { Interrupted, TargetFailure } from '../bench/errors.js';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import { restoreFromReportDir } from '../bench/restore.js';
import { until } from './helpers/wait.js';

let kube: TestKube;
before(async () => {
  // slowstop's pod takes 60 s to terminate: the Ctrl-C test never races it (stop() kills it after 2 s).
  kube = await startTestKube({ deployments: [{ name: 'api', replicas: 3, terminationDelay: '50ms' }, { name: 'slowstop', replicas: 1, terminationDelay: '60s' }] });
});
after(() => kube?.close());

const replicasOf = (name: string) => kube.cluster.getDeployment('default', name)!.replicas;

test('an injected API failure during the scale-up fails the sample clearly; restore() brings back 3 replicas', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.api!, deployment: 'api' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  assert.equal(replicasOf('api'), 0);

  kube.api.injectFault({ method: 'PATCH', pathIncludes: '/deployments/api/scale', status: 500, times: 1 });
  await assert.rejects(adapter.sampleCold(0), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /target k8s-test: cannot scale to 3 deployment "api" in namespace "default" \(context coldbench-emulator\): HTTP 500 InternalError: injected failure/);
    return true;
  });
  assert.equal(replicasOf('api'), 0, 'the failed scale-up changed nothing');

  await adapter.restore();
  assert.equal(replicasOf('api'), 3);
  assert.deepEqual(ctx.journal.pending(), []);
});

test('a failed restore keeps the journal entry open and says why; a later restore succeeds', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.api!, deployment: 'api' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  kube.api.injectFault({ method: 'PATCH', pathIncludes: '/deployments/api/scale', status: 409, times: 1 });
  await assert.rejects(adapter.restore(), /cannot restore 3 replica\(s\) of deployment "api".*HTTP 409 Conflict/);
  assert.equal(ctx.journal.pending().length, 1);
  await adapter.restore();
  assert.equal(replicasOf('api'), 3);
  assert.deepEqual(ctx.journal.pending(), []);
});

test('Ctrl-C during the scale-down wait returns promptly, and restore() after the abort brings the replicas back', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: kube.deploymentUrls.slowstop!, deployment: 'slowstop' }), ctx);
  await adapter.prepare();
  const deployment = kube.cluster.getDeployment('default', 'slowstop')!;
  const [pod] = kube.cluster.podsOf(deployment);
  assert.ok(pod);
  // Abort once the scale-down has started (the pod is terminating) and forceCold waits for it to go.
  const forcing = adapter.forceCold(0);
  forcing.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  await until('the pod to be terminating', () => pod.deletionTimestamp !== null);
  ctx.abort();
  await assert.rejects(forcing, Interrupted);
  assert.ok(kube.cluster.pods.has(`default/${pod.name}`), 'did not wait for the pod to go: it is still terminating');
  assert.equal(replicasOf('slowstop'), 0);
  assert.ok(ctx.signal.aborted);
  await adapter.restore();
  assert.equal(replicasOf('slowstop'), 1);
  assert.deepEqual(ctx.journal.pending(), []);
});

test('a killed run is undone from its journal by `coldbench restore` (restoreFromJournal)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kube-journal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = { ...kubeAdapterContext(), journal: fileJournal(dir) };
  const adapter = new KubernetesAdapter(kubernetesTarget({ name: 'killed', url: kube.deploymentUrls.api!, deployment: 'api' }), ctx);
  await adapter.prepare();
  await adapter.forceCold(0);
  assert.equal(replicasOf('api'), 0);
  // The run "dies" here: no restore(). The journal holds what to undo, and no secret.
  const pending = pendingChanges(dir);
  assert.equal(pending.length, 1);
  assert.doesNotMatch(readFileSync(path.join(dir, 'journal.ndjson'), 'utf8'), /token|Bearer/i);

  const lines: string[] = [];
  assert.equal(await restoreFromReportDir(dir, (l) => lines.push(l)), 1);
  assert.equal(replicasOf('api'), 3);
  assert.deepEqual(pendingChanges(dir), [], 'the entry is marked restored');
  assert.match(lines.join('\n'), /restoring killed/);
});

test('restoreFromJournal refuses when the context now points at another API server', async () => {
  const entry = {
    id: 'kubernetes:x:replicas',
    kind: 'kubernetes',
    target: 'x',
    undo: { replicas: 3 },
    location: { context: 'coldbench-emulator', server: 'https://elsewhere.example:6443', namespace: 'default', deployment: 'api' },
  };
  await assert.rejects(restoreFromJournal(entry), /now points at http:\/\/127\.0\.0\.1:\d+, not https:\/\/elsewhere\.example:6443/);
  await assert.rejects(restoreFromJournal({ ...entry, undo: {} }), /journal entry kubernetes:x:replicas: undo\.replicas: /);
});
