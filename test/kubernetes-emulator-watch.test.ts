// The emulator's pod watches, raw over HTTP as the API server serves them: a 200 answer that stays
// open with one JSON line per event; from a list's resourceVersion only later changes come (ADDED,
// MODIFIED with the deletion timestamp, DELETED); without one, the current pods first as ADDED; a
// label selector filters; a resourceVersion older than the history kept gets 200 and one ERROR
// event with a 410 Expired Status (as the real API server answers once a watch is accepted); an
// evicted pod stays listed with phase Failed, reason Evicted, and its ReplicaSet replaces it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startTestKube, type TestKube } from './helpers/kubernetes.js';
import { until } from './helpers/wait.js';

let kube: TestKube;
let token: string;
before(async () => {
  kube = await startTestKube({
    deployments: [{ name: 'web', replicas: 1, terminationDelay: '100ms' }, { name: 'other', replicas: 1 }],
    watchHistory: 5,
  });
  const config: { users: { user: { token: string } }[] } = parse(readFileSync(kube.kubeconfigPath, 'utf8'));
  token = config.users[0]!.user.token;
  await until('both pods ready', () => kube.cluster.readyPodsOf({ kind: 'Deployment', namespace: 'default', name: 'web' }).length === 1 && kube.cluster.readyPodsOf({ kind: 'Deployment', namespace: 'default', name: 'other' }).length === 1);
});
after(() => kube?.close());

interface WatchEvent {
  type: string;
  object: { kind?: string; code?: number; reason?: string; message?: string; metadata?: { name?: string; resourceVersion?: string; deletionTimestamp?: string }; status?: { phase?: string; reason?: string; message?: string } };
}

/** Open a watch; events arrive in `events` until close(). */
function openWatch(query: string): Promise<{ status: number; events: WatchEvent[]; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${kube.apiUrl}/api/v1/namespaces/default/pods?watch=1&${query}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const events: WatchEvent[] = [];
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
          events.push(JSON.parse(buffered.slice(0, i)) as WatchEvent);
          buffered = buffered.slice(i + 1);
        }
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({ status: res.statusCode ?? 0, events, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function listPods(selector: string): Promise<{ metadata: { resourceVersion: string }; items: WatchEvent['object'][] }> {
  const res = await fetch(`${kube.apiUrl}/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { metadata: { resourceVersion: string }; items: WatchEvent['object'][] };
}

test('from a list\'s resourceVersion a watch gets the later changes of the pods its selector matches, and stays open', async () => {
  const list = await listPods('app=web');
  assert.equal(list.items.length, 1);
  const watch = await openWatch(`labelSelector=app%3Dweb&resourceVersion=${list.metadata.resourceVersion}`);
  assert.equal(watch.status, 200, 'answered at once, before any event');
  assert.equal(watch.events.length, 0, 'nothing changed since the list');
  const web = kube.cluster.getDeployment('default', 'web')!;
  kube.cluster.setDeploymentReplicas(web, 0);
  await until('the pod deleted', () => watch.events.some((e) => e.type === 'DELETED'), { state: () => JSON.stringify(watch.events.map((e) => e.type)) });
  const types = watch.events.map((e) => e.type);
  assert.deepEqual(types, ['MODIFIED', 'DELETED'], 'the deletion timestamp, then the removal');
  assert.ok(watch.events[0]!.object.metadata?.deletionTimestamp, 'MODIFIED carries the deletionTimestamp');
  const versions = watch.events.map((e) => Number(e.object.metadata?.resourceVersion));
  assert.ok(versions[0]! > Number(list.metadata.resourceVersion) && versions[1]! > versions[0]!, `resourceVersions increase: ${versions}`);
  assert.ok(!watch.events.some((e) => e.object.metadata?.name?.startsWith('other-')), 'the other Deployment\'s pods are filtered out');
  kube.cluster.setDeploymentReplicas(web, 1);
  await until('the new pod added', () => watch.events.some((e) => e.type === 'ADDED'));
  watch.close();
});

test('without a resourceVersion the current pods come first as ADDED', async () => {
  const watch = await openWatch('labelSelector=app%3Dother');
  await until('the current pod', () => watch.events.length >= 1);
  assert.equal(watch.events[0]!.type, 'ADDED');
  assert.match(watch.events[0]!.object.metadata?.name ?? '', /^other-/);
  watch.close();
});

test('a resourceVersion older than the history kept: 200, one ERROR event with 410 Expired, end of stream', async () => {
  // watchHistory is 5 events: the pod churn of the first test pushed version 1 out of it.
  const watch = await openWatch('labelSelector=app%3Dweb&resourceVersion=1');
  await watch.ended;
  assert.equal(watch.status, 200);
  assert.equal(watch.events.length, 1);
  const [event] = watch.events;
  assert.equal(event!.type, 'ERROR');
  assert.deepEqual([event!.object.kind, event!.object.code, event!.object.reason], ['Status', 410, 'Expired']);
  assert.match(event!.object.message ?? '', /^too old resource version: 1 \(\d+\)$/);
});

test('an evicted pod stays listed (phase Failed, reason Evicted), and its ReplicaSet starts a replacement', async () => {
  const owner = { kind: 'Deployment' as const, namespace: 'default', name: 'other' };
  const victim = kube.cluster.readyPodsOf(owner)[0]!;
  kube.cluster.evictPod(victim);
  await until('a replacement ready', () => kube.cluster.readyPodsOf(owner).length === 1);
  await until('the evicted process gone', () => !victim.process.running);
  const list = await listPods('app=other');
  const evicted = list.items.find((p) => p.metadata?.name === victim.name);
  assert.ok(evicted, 'still listed after its process exited');
  assert.deepEqual([evicted.status?.phase, evicted.status?.reason], ['Failed', 'Evicted']);
  assert.match(evicted.status?.message ?? '', /low on resource/);
  assert.equal(list.items.length, 2, 'the evicted pod and its replacement');
});
