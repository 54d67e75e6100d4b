// `coldbench restore` checks every journal entry against its kind's undo record before touching
// anything: a damaged entry is refused naming its field and stays pending (exit 3), an entry of a
// kind that changes nothing or of no known kind is named, and the other entries are still undone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import { runColdbench, startTestKube, type TestKube } from './helpers/servers.js';

let kube: TestKube;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-journal-restore-'));
before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'api', replicas: 1 }] });
});
after(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('damaged, foreign and good entries: the good one is undone, each other one named, exit 3', async () => {
  const out = mkdtempSync(path.join(dir, 'run-'));
  const journal = fileJournal(out);
  const location = { context: kube.context, server: kube.apiUrl, namespace: 'default', deployment: 'api' };
  kube.cluster.setDeploymentReplicas(kube.cluster.getDeployment('default', 'api')!, 0);
  journal.begin({ id: 'kubernetes:good:replicas', kind: 'kubernetes', target: 'good', undo: { replicas: 1 }, location });
  journal.begin({ id: 'kubernetes:damaged:replicas', kind: 'kubernetes', target: 'damaged', undo: { replicas: 'three' }, location });
  journal.begin({ id: 'knative:kn:none', kind: 'knative', target: 'kn', undo: {}, location: {} });
  journal.begin({ id: 'mainframe:m:x', kind: 'mainframe', target: 'm', undo: {}, location: {} });

  const result = await runColdbench(['restore', out], { env: { KUBECONFIG: kube.kubeconfigPath } });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /damaged \(kubernetes:damaged:replicas\): journal entry kubernetes:damaged:replicas: undo\.replicas: expected a number, got "three"/);
  assert.match(result.stderr, /kn \(knative:kn:none\): kind knative changes no platform/);
  assert.match(result.stderr, /mainframe:m:x: unknown kind mainframe/);
  assert.match(result.stderr, /\(1 other change was restored\)/);
  assert.equal(kube.cluster.getDeployment('default', 'api')!.replicas, 1, 'the good entry was undone');
  assert.deepEqual(pendingChanges(out).map((e) => e.id).sort(), ['knative:kn:none', 'kubernetes:damaged:replicas', 'mainframe:m:x']);
});
