// A kubernetes target with `service:` and no `url`: requests go through the API server's service
// proxy with the kubeconfig's credentials, which follows the pods across the scale to zero (where a
// port-forward would stay bound to a deleted pod). The cold samples are verified cold; the proxy's
// 503 "no endpoints available" while pods start is "not yet", not an error; a named Service port is
// addressed by its name (never by the bare Service name, which would stay 503); the pod's own
// start-up times from its conditions are recorded beside each sample; warm calls go through the
// proxy too. What cannot work is refused up front: a missing Service, an unknown port, a selector
// that does not match the Deployment's pods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { runColdPhase } from '../bench/phases/cold.js';
import { TargetFailure } from '../bench/errors.js';
import type { KubernetesTarget } from '../bench/config/schema.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    deployments: [
      // initDelay well above a proxy poll: every sample meets "no endpoints available" first.
      { name: 'web', replicas: 1, initDelay: '700ms' },
      { name: 'plain', replicas: 1 },
    ],
    services: [
      { name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090 }] },
      { name: 'plain', selector: { app: 'plain' }, ports: [{ port: 8080 }] },
      { name: 'elsewhere', selector: { app: 'other' }, ports: [{ name: 'http', port: 80 }] },
    ],
  });
});
after(() => kube?.close());

/** A number recorded in a sample's extra columns. */
function msOf(extra: Record<string, number | string | null>, key: string): number {
  const value = extra[key];
  assert.ok(typeof value === 'number', `${key} recorded (${value})`);
  return value;
}

const serviceTarget = (overrides: Partial<KubernetesTarget>) => kubernetesTarget({ deployment: 'web', service: 'web', ...overrides });

test('service: without url: verified cold samples through the API server proxy, pod start-up times beside each', async () => {
  const ctx = kubeAdapterContext();
  const target = serviceTarget({ path: '/hello?x=1' });
  const adapter = new KubernetesAdapter(target, ctx);
  await adapter.prepare();
  assert.ok(ctx.lines.some((l) => l.includes(`${kube.apiUrl}/api/v1/namespaces/default/services/web:http/proxy/hello?x=1`)), `the proxy URL names the port by its name: ${ctx.lines.join(' | ')}`);
  const since = kube.api.requests.length;
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: new Set() });
  assert.equal(phase.samples.length, 3);
  assert.equal(phase.summary.errors, 0, "the proxy's 503s while pods start are not errors");
  assert.equal(phase.verified, 3, 'every sample served by a new pod');
  const proxied = kube.api.requests.slice(since).filter((r) => r.path.startsWith('/api/v1/namespaces/default/services/web:http/proxy/hello'));
  assert.ok(proxied.some((r) => r.status === 503), 'the proxy answered 503 while the pods started');
  assert.ok(proxied.filter((r) => r.status === 200).length >= 3, 'and 200 once a pod was ready');
  for (const s of phase.samples) {
    const [podScheduledMs, containersReadyMs, podReadyMs] = [msOf(s.extra, 'podScheduledMs'), msOf(s.extra, 'containersReadyMs'), msOf(s.extra, 'podReadyMs')];
    assert.ok(podScheduledMs <= containersReadyMs && containersReadyMs <= podReadyMs, `conditions in order: ${podScheduledMs} <= ${containersReadyMs} <= ${podReadyMs}`);
    assert.ok(podReadyMs >= 700 - 50, `the pod became ready after its 700 ms init (${podReadyMs} ms)`);
    assert.ok(podReadyMs <= s.latencyUs / 1000, `ready (${podReadyMs} ms) before it answered (${s.latencyUs / 1000} ms)`);
  }

  // Warm calls through the proxy, with the credentials; the pod never sees them.
  const warm = await adapter.invoke({ fresh: false });
  assert.equal(warm.status, 200);
  const load = adapter.warmLoad();
  assert.equal(load.type, 'http');
  if (load.type === 'http') {
    assert.match(load.request.url, /\/services\/web:http\/proxy\/hello\?x=1$/);
    assert.match(load.request.headers.authorization ?? '', /^Bearer /);
    assert.match((await load.request.refreshHeaders!()).authorization ?? '', /^Bearer /, 'credentials can be refreshed for long warm phases');
  }
  await adapter.restore();
  assert.equal(kube.cluster.getDeployment('default', 'web')!.replicas, 1);
});

test('servicePort by number and an unnamed port: the proxy path carries the name, else the number', async () => {
  for (const [target, segment] of [
    [serviceTarget({ servicePort: 9090 }), 'web:metrics'],
    [serviceTarget({ deployment: 'plain', service: 'plain', cold: { samples: 1, strategy: 'none', idleMs: 0, waitTimeoutMs: 10_000, pollIntervalMs: 0 } }), 'plain:8080'],
  ] as const) {
    const ctx = kubeAdapterContext();
    const adapter = new KubernetesAdapter(target, ctx);
    await adapter.prepare();
    const load = adapter.warmLoad();
    assert.ok(load.type === 'http' && load.request.url.endsWith(`/services/${segment}/proxy/`), `${segment}: ${load.type === 'http' ? load.request.url : ''}`);
    await adapter.restore();
  }
  const plain = new KubernetesAdapter(serviceTarget({ deployment: 'plain', service: 'plain', cold: { samples: 1, strategy: 'none', idleMs: 0, waitTimeoutMs: 10_000, pollIntervalMs: 0 } }), kubeAdapterContext());
  await plain.prepare();
  await kube.cluster.waitForReadyPod({ kind: 'Deployment', namespace: 'default', name: 'plain' }, 10_000);
  assert.equal((await plain.invoke({ fresh: true })).status, 200, 'an unnamed port answers by its number');
});

test('what cannot work through the proxy is refused up front, naming the fix', async () => {
  const cases: Array<[Partial<KubernetesTarget>, RegExp]> = [
    [{ service: 'nope' }, /service "nope" not found in namespace "default": name the Service in front of deployment "web"/],
    [{ servicePort: 'grpc' }, /service "web" has no port "grpc" \(its ports: http \(80\), metrics \(9090\)\): set servicePort:/],
    [{ service: 'elsewhere' }, /service "elsewhere" selects app=other, which the pods of deployment "web" \(labels app=web\) do not match: the proxy would answer 503 "no endpoints available"/],
  ];
  for (const [overrides, message] of cases) {
    const ctx = kubeAdapterContext();
    const since = kube.mutatingCalls().length;
    await assert.rejects(new KubernetesAdapter(serviceTarget(overrides), ctx).prepare(), (err: unknown) => err instanceof TargetFailure && message.test(err.message));
    assert.deepEqual(kube.mutatingCalls().slice(since), [], 'nothing was changed (reviews are not changes)');
    assert.deepEqual(ctx.journal.changes, []);
  }
});

test('a warm phase through the proxy is warned about up front: its hop and rate limits are in every number', async () => {
  const ctx = kubeAdapterContext();
  const adapter = new KubernetesAdapter({ ...serviceTarget({}), warm: { durationMs: 1000, connections: 1, maxConnections: 1, warmupMs: 0 } }, ctx);
  await adapter.prepare();
  assert.ok(ctx.lines.some((l) => /^warning: warm requests to service "web" go through the API server's proxy/.test(l)), ctx.lines.join(' | '));
  await adapter.restore();
});

test('a loopback url with scale-from-zero (a port-forward, most likely) is warned about, naming service:', async () => {
  for (const url of ['http://127.0.0.1:8080/', 'http://localhost:8080/', 'http://[::1]:8080/']) {
    const ctx = kubeAdapterContext();
    await new KubernetesAdapter(kubernetesTarget({ url, deployment: 'web' }), ctx).prepare();
    assert.ok(
      ctx.lines.some((l) => l.startsWith(`warning: url ${url} is a loopback address: if it is \`kubectl port-forward\`, that is bound to one pod`) && l.includes('name service:')),
      `${url}: ${ctx.lines.join(' | ')}`,
    );
  }
  const ingress = kubeAdapterContext();
  await new KubernetesAdapter(kubernetesTarget({ url: 'http://203.0.113.10/', deployment: 'web' }), ingress).prepare();
  assert.ok(!ingress.lines.some((l) => l.includes('loopback')), 'not for an ingress address');
});
