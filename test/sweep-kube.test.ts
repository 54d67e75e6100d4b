// `sweep:` on Kubernetes and Knative against the emulator: each variant's requests and limits are
// patched into the first container, rolled out (a new ReplicaSet / a new revision) and measured as
// its own target entry whose platform facts show the variant; afterwards both objects have their
// original resources and the journal has nothing pending.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { KubeSweeper } from '../bench/experiments/sweep-kube.js';
import { parseTargetFile } from '../bench/config/load.js';
import { kubeMemoryJournal, startTestKube, type TestKube } from './helpers/kubernetes.js';

let kube: TestKube;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-sweep-kube-'));

before(async () => {
  kube = await startTestKube({
    port: 0,
    deployments: [{ name: 'web', port: 0, replicas: 2, initDelay: '20ms', cpu: '250m', memory: '128Mi' }],
    knativeServices: [
      { name: 'fn', port: 0, idle: '500ms', initDelay: '20ms', cpu: '250m', memory: '128Mi' },
      // A pod that starts slower than the idle window: a new revision must still become ready.
      { name: 'slow', port: 0, idle: '50ms', initDelay: '400ms', cpu: '250m', memory: '128Mi' },
    ],
  });
});
after(async () => {
  await kube?.close();
});

test('a cpu sweep of a Deployment and a memory sweep of a Knative Service: variants rolled out, measured, and the originals back', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `targets:
  - name: web
    kind: kubernetes
    url: ${kube.deploymentUrls.web}
    deployment: web
    sweep: { cpu: ["500m", "1"] }
    cold: { strategy: scale-from-zero, samples: 1, instanceHeader: x-instance-id, waitTimeout: 20s }
    warm: { requests: 20, connections: 1 }
  - name: fn
    kind: knative
    url: ${kube.knativeUrls.fn}
    service: fn
    sweep: { memory: ["256Mi", "512Mi"] }
    cold: { strategy: scale-to-zero, samples: 1, instanceHeader: x-instance-id, waitTimeout: 20s, pollInterval: 100ms }
    warm: { requests: 20, connections: 1 }
`,
  );
  const out = path.join(dir, 'out');
  const outcome = await runConfig(loadTargetFile(file), { out, progress: silentProgress, signal: new AbortController().signal });
  const targets = outcome.results.targets;
  assert.deepEqual(targets.map((t) => t.name), ['web[cpu=500m]', 'web[cpu=1]', 'fn[memory=256Mi]', 'fn[memory=512Mi]']);
  for (const t of targets) {
    assert.equal(t.status, 'ok', `${t.name}: ${t.failure ?? ''}`);
    assert.equal(t.phases.cold?.verified, 1, `${t.name}: its cold sample verified`);
    assert.equal(t.phases.warm?.summary.errors, 0);
  }
  const [web500, web1, fn256, fn512] = targets;
  assert.ok(web500!.platform.kind === 'kubernetes' && web1!.platform.kind === 'kubernetes');
  assert.deepEqual([web500!.platform.cpuRequestCores, web1!.platform.cpuRequestCores], [0.5, 1], 'each variant measured with its own CPU request');
  assert.ok(fn256!.platform.kind === 'knative' && fn512!.platform.kind === 'knative');
  assert.deepEqual([fn256!.platform.memoryRequestMiB, fn512!.platform.memoryRequestMiB], [256, 512]);
  assert.notEqual(fn256!.platform.revision, fn512!.platform.revision, 'a new revision per variant');

  const deployment = kube.cluster.getDeployment('default', 'web')!;
  assert.deepEqual([deployment.template.cpu, deployment.template.memory, deployment.template.limits ?? {}], ['250m', '128Mi', {}], 'the Deployment has its original resources');
  assert.equal(deployment.replicas, 2);
  const service = kube.cluster.getKnativeService('default', 'fn')!;
  assert.deepEqual([service.template.cpu, service.template.memory, service.template.limits ?? {}], ['250m', '128Mi', {}], 'the Knative Service has its original resources');
  assert.deepEqual(pendingChanges(out), [], 'every journaled change restored');
});

test('a new Knative revision whose pod starts slower than the idle window still becomes ready (initial scale before Ready), and is restored', { timeout: 60_000 }, async () => {
  const [target] = parseTargetFile(
    `targets:\n  - name: slow\n    kind: knative\n    url: ${kube.knativeUrls.slow}\n    service: slow\n    sweep: { memory: ["256Mi"] }\n    cold: { waitTimeout: 20s }\n`,
    'slow.yaml', '/tmp/slow.yaml', {},
  ).targets;
  assert.ok(target?.kind === 'knative');
  const journal = kubeMemoryJournal();
  const sweeper = new KubeSweeper(target, { journal, signal: new AbortController().signal, log: () => undefined });
  await sweeper.prepare();
  assert.deepEqual(sweeper.original(), { cpu: '250m', memory: '128Mi' });
  await sweeper.apply({ memory: '256Mi' });
  const service = kube.cluster.getKnativeService('default', 'slow')!;
  assert.equal(service.readyRevisionName, 'slow-00002', 'the variant\'s revision became ready');
  assert.equal(service.template.memory, '256Mi');
  await sweeper.restore();
  assert.equal(service.readyRevisionName, 'slow-00003');
  assert.deepEqual([service.template.memory, service.template.limits ?? {}], ['128Mi', {}]);
  assert.deepEqual(journal.pending(), []);
});
