// The adapters' pod watch against an API server that behaves as real ones do: a watch the server
// ends (as after --min-request-timeout) is resumed from the last resourceVersion seen, without a
// new list; one too old for the server's history (410 Expired) starts over with a list; where the
// API refuses the watch verb (403), the pods are listed instead, never more than 5 times a second.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { until } from './helpers/wait.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { connectKube } from '../bench/adapters/kube-client.js';
import { PodWatch, waitForPods } from '../bench/adapters/kube-watch.js';
import { isServing } from '../bench/adapters/kube-pods.js';
import type { KubeEmulatorInput } from '../platforms/kubernetes/index.js';

const started: TestKube[] = [];
after(() => Promise.allSettled(started.map((k) => k.close())));
async function kube(input: KubeEmulatorInput): Promise<TestKube> {
  const k = await startTestKube(input);
  started.push(k);
  return k;
}

const podRequests = (k: TestKube, since: number) => k.api.requests.slice(since).filter((r) => r.path === '/api/v1/namespaces/default/pods');
const versionOf = (query: string) => new URLSearchParams(query).get('resourceVersion');

test('a watch the server ends is resumed from the last resourceVersion, without a new list', async () => {
  const k = await kube({ watchTimeout: '300ms', deployments: [{ name: 'web', replicas: 1, terminationDelay: '1500ms' }] });
  const owner = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };
  await until('the pod ready', () => k.cluster.readyPodsOf(owner).length === 1);
  const since = k.api.requests.length;
  const watch = new PodWatch(connectKube({ what: 'test' }), 'app=web');
  const gone = waitForPods(watch, (pods) => (pods.length === 0 ? { done: true, value: undefined } : { done: false, state: 'live' }), { what: 'no pod', timeoutMs: 20_000, intervalMs: 0 });
  // Scale down once the first watch is open: its events come while the server ends watches.
  await until('the first watch', () => watch.open);
  k.cluster.setDeploymentReplicas(k.cluster.getDeployment('default', 'web')!, 0);
  await until('the pod gone', () => k.cluster.podsOf(owner).length === 0);
  await gone;
  watch.stop();
  const requests = podRequests(k, since);
  const lists = requests.filter((r) => !r.watch);
  const watches = requests.filter((r) => r.watch);
  assert.equal(lists.length, 1, 'one list');
  assert.ok(watches.length >= 3, `the 1.5 s wait outlived several 300 ms watches (${watches.length})`);
  const versions = watches.map((r) => Number(versionOf(r.query)));
  assert.ok(versions.every((v, i) => i === 0 || v >= versions[i - 1]!), `each watch resumes at or after the last version seen: ${versions}`);
  assert.ok(versions.at(-1)! > versions[0]!, 'the deletion events moved the version on');
});

test('a resourceVersion the server no longer has (410 Expired) means a new list, then a watch from it', async () => {
  const k = await kube({ watchHistory: 3, watchTimeout: '500ms', deployments: [{ name: 'web', replicas: 1 }, { name: 'churn', replicas: 0 }] });
  const watch = new PodWatch(connectKube({ what: 'test' }), 'app=web');
  await watch.sync();
  const held = Number(k.cluster.resourceVersion);
  // Other pods churn (events this watch filters out) and push the history past the version it
  // holds: three pods started and deleted are at least six pod events, over a history of three,
  // however their start-ups interleave. Then the server ends the watch (nothing resumes it until
  // the next wait).
  const churn = k.cluster.getDeployment('default', 'churn')!;
  k.cluster.setDeploymentReplicas(churn, 3);
  await until('churn pods ready', () => k.cluster.readyPodsOf(churn).length === 3);
  k.cluster.setDeploymentReplicas(churn, 0);
  await until('churn pods gone', () => k.cluster.podsOf(churn).length === 0);
  assert.ok(k.cluster.droppedThrough > held, `the history no longer holds version ${held} (dropped through ${k.cluster.droppedThrough})`);
  await until('the server ended the watch', () => !watch.open);
  const since = k.api.requests.length;
  // What only a watch or a new list can tell: a second web pod, ready.
  k.cluster.setDeploymentReplicas(k.cluster.getDeployment('default', 'web')!, 2);
  await waitForPods(watch, (pods) => (pods.filter(isServing).length === 2 ? { done: true, value: undefined } : { done: false, state: 'not yet' }), { what: 'two ready web pods', timeoutMs: 20_000, intervalMs: 0 });
  watch.stop();
  const requests = podRequests(k, since).map((r) => (r.watch ? { watch: Number(versionOf(r.query)) } : 'list'));
  const [resumed, list, fresh] = requests;
  assert.ok(typeof resumed === 'object' && resumed.watch < k.cluster.droppedThrough, `first a watch from the version it held, no longer kept (${JSON.stringify(requests)})`);
  assert.equal(list, 'list', 'then, told 410 Expired, a new list');
  assert.ok(typeof fresh === 'object' && fresh.watch > resumed.watch, `then a watch from the new list's version (${JSON.stringify(requests)})`);
});

test('where the watch verb is forbidden the pods are listed instead, at most 5 times a second', async () => {
  const k = await kube({ deployments: [{ name: 'web', replicas: 1, terminationDelay: '1500ms' }] });
  k.api.injectFault({ queryIncludes: 'watch=', status: 403, times: 100 });
  const owner = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };
  await until('the pod ready', () => k.cluster.readyPodsOf(owner).length === 1);
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter(kubernetesTarget({ url: 'http://lb.example.test/', deployment: 'web', cold: { samples: 1, strategy: 'scale-from-zero', idleMs: 0, waitTimeoutMs: 20_000, pollIntervalMs: 10 } }), ctx);
  await adapter.prepare();
  const since = k.api.requests.length;
  await adapter.forceCold(0);
  await adapter.restore();
  assert.ok(ctx.lines.some((l) => /^cannot watch pods \(watch refused: HTTP 403 .*\): listing them instead, at most every 200 ms; allow the watch verb on pods$/.test(l)), ctx.lines.join(' | '));
  const lists = podRequests(k, since).filter((r) => !r.watch && r.status === 200);
  assert.ok(lists.length >= 3, `the 1.5 s termination was polled (${lists.length} lists)`);
  const gaps = lists.slice(1).map((r, i) => r.at - lists[i]!.at);
  assert.ok(gaps.every((g) => g >= 190), `no faster than one list per 200 ms, whatever cold.pollInterval says: ${gaps}`);
});
