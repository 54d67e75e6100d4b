// Knative behind an ingress, as a default install is: status.url names the service in Knative's
// domain (http://hello.default.example.com), which does not resolve from outside; the ingress
// routes by Host and answers 404 to a host it does not know. With `url:` set to the ingress
// address the adapter sends Host from status.url by itself (a `host:` key still wins); without
// `url:`, a placeholder-domain or cluster-local status.url is refused up front, naming the fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import type { TimedResponse } from '../bench/http/timed-request.js';
import { TargetFailure } from '../bench/errors.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    ingress: {},
    knativeServices: [
      { name: 'hello', idle: '1s', initDelay: '50ms' },
      { name: 'inside', idle: '60s', clusterLocal: true },
    ],
  });
});
after(() => kube?.close());

const hostSeen = (response: TimedResponse) => response.headers['x-request-host'];

test('the ingress routes by Host: status.url is in the example.com domain; an unknown host gets 404', async () => {
  const service = kube.cluster.getKnativeService('default', 'hello')!;
  assert.equal(service.url, 'http://hello.default.example.com');
  const unknown = await fetch(kube.ingressUrl!, { headers: { host: 'nope.default.example.com' } });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  const bare = await fetch(kube.ingressUrl!);
  assert.equal(bare.status, 404, 'the ingress address alone routes nowhere');
  await bare.body?.cancel();
});

test('url = the ingress address: the Host from status.url is sent without a host key, on cold and warm requests', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'hello', url: kube.ingressUrl! });
  const adapter = new KnativeAdapter(target, ctx);
  await adapter.prepare();
  assert.ok(ctx.lines.some((l) => l === `sending Host: hello.default.example.com (from status.url) to ${kube.ingressUrl}`), ctx.lines.join(' | '));
  await adapter.forceCold(0);
  const cold = (await adapter.sampleCold(0)) as TimedResponse;
  assert.equal(cold.status, 200, `a cold sample through the ingress (${cold.status} ${cold.errorMessage ?? ''})`);
  assert.equal(hostSeen(cold), 'hello.default.example.com');
  const readyMs = cold.extra?.podReadyMs;
  assert.ok(typeof readyMs === 'number' && readyMs >= 50 && readyMs <= cold.latencyUs / 1000, `the new pod's Ready time is beside the sample (${readyMs} ms)`);
  const warm = (await adapter.invoke({ fresh: false })) as TimedResponse;
  assert.equal(warm.status, 200);
  assert.equal(hostSeen(warm), 'hello.default.example.com');
  const load = adapter.warmLoad();
  assert.equal(load.type === 'http' && load.request.headers.host, 'hello.default.example.com');
  await adapter.restore();
});

test('a host key wins over status.url', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KnativeAdapter({ ...knativeTarget({ service: 'hello', url: kube.ingressUrl!, host: 'nope.default.example.com' }), cold: null }, ctx);
  await adapter.prepare();
  const response = (await adapter.invoke({ fresh: true })) as TimedResponse;
  assert.equal(response.status, 404, 'the ingress got the given host, which it does not route');
  assert.ok(!ctx.lines.some((l) => l.startsWith('sending Host:')));
});

test('without url: a status.url in the placeholder domain, or a cluster-local one, is refused up front', async () => {
  await assert.rejects(new KnativeAdapter(knativeTarget({ service: 'hello' }), kubeAdapterContext()).prepare(), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /status\.url http:\/\/hello\.default\.example\.com of knative service "hello" is in Knative's placeholder domain example\.com, which does not resolve: set url: to your ingress address \(coldbench then sends Host: hello\.default\.example\.com\)/);
    return true;
  });
  await assert.rejects(new KnativeAdapter(knativeTarget({ service: 'inside' }), kubeAdapterContext()).prepare(), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /knative service "inside" is cluster-local \(status\.url http:\/\/inside\.default\.svc\.cluster\.local\): only pods in the cluster can reach it; run coldbench as a Job in the cluster \(deploy\/kubernetes-job\.yaml\)/);
    return true;
  });
  const ctx = kubeAdapterContext();
  await new KnativeAdapter({ ...knativeTarget({ service: 'inside', url: kube.ingressUrl! }), cold: null }, ctx).prepare();
  assert.ok(ctx.lines.some((l) => /^warning: knative service "inside" is cluster-local .*an external ingress does not route it \(expect 404/.test(l)), ctx.lines.join(' | '));
});
