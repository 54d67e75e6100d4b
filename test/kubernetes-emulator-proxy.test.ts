// The emulator's Services and its API server proxy, raw over HTTP, as ResourceLocation resolves
// them (pkg/registry/core/service/storage/storage.go): a named port is reached by its name or its
// number; the bare Service name reaches only an unnamed port, so with a named port it stays 503
// "no endpoints available" even while pods are ready; no ready pod: 503 with a Status body; an
// unknown port number: 503 "no service port"; an unknown Service: 404. The pod answers through
// the proxy with its own status and headers and never sees the caller's Authorization header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startTestKube, type TestKube } from './helpers/kubernetes.js';
import { until } from './helpers/wait.js';

let kube: TestKube;
let token: string;
before(async () => {
  kube = await startTestKube({
    deployments: [{ name: 'web', replicas: 1 }, { name: 'idle', replicas: 0 }],
    services: [
      { name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      { name: 'web-unnamed', selector: { app: 'web' }, ports: [{ port: 8080 }] },
      { name: 'idle', selector: { app: 'idle' }, ports: [{ name: 'http', port: 80 }] },
    ],
  });
  const config: { users: { user: { token: string } }[] } = parse(readFileSync(kube.kubeconfigPath, 'utf8'));
  token = config.users[0]!.user.token;
  await until('the web pod ready', () => kube.cluster.readyPodsOf({ kind: 'Deployment', namespace: 'default', name: 'web' }).length === 1);
});
after(() => kube?.close());

async function proxy(id: string, path = '/', headers: Record<string, string> = {}) {
  const res = await fetch(`${kube.apiUrl}/api/v1/namespaces/default/services/${id}/proxy${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await res.text();
  return { status: res.status, instance: res.headers.get('x-instance-id'), body: text };
}

test('a named port is reached by its name or its number; the bare Service name stays 503', async () => {
  const byName = await proxy('web:http', '/hello?x=1');
  assert.equal(byName.status, 200);
  assert.match(byName.instance ?? '', /^web-/);
  assert.equal((JSON.parse(byName.body) as { path: string }).path, '/hello?x=1', 'path and query reach the pod');
  assert.equal((await proxy('web:80')).status, 200, 'by its number');
  assert.equal((await proxy('http:web:80')).status, 200, 'with an explicit scheme');
  const bare = await proxy('web');
  assert.equal(bare.status, 503, 'a bare name does not match a named port');
  assert.deepEqual(
    (({ kind, code, reason, message }) => ({ kind, code, reason, message }))(JSON.parse(bare.body) as Record<string, unknown>),
    { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'no endpoints available for service "web"' },
  );
});

test('an unnamed port is reached by the bare name or its number', async () => {
  assert.equal((await proxy('web-unnamed')).status, 200);
  assert.equal((await proxy('web-unnamed:8080')).status, 200);
});

test('no ready pod: 503 "no endpoints available"; an unknown port number: 503; an unknown Service: 404', async () => {
  const none = await proxy('idle:http');
  assert.equal(none.status, 503);
  assert.match(none.body, /"message":"no endpoints available for service \\"idle\\""/);
  const wrongPort = await proxy('web:81');
  assert.equal(wrongPort.status, 503);
  assert.match(wrongPort.body, /no service port 81 found for service \\"web\\"/);
  const missing = await proxy('nope:http');
  assert.equal(missing.status, 404);
  assert.match(missing.body, /services \\"nope\\" not found/);
});

test('proxy requests need the token (401 without), and the pod never sees it', async () => {
  const anonymous = await fetch(`${kube.apiUrl}/api/v1/namespaces/default/services/web:http/proxy/`);
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  // The pod answers with the names of the headers it got.
  const res = await proxy('web:http', '/echo', { 'x-probe': 'yes' });
  assert.equal(res.status, 200);
  const got = (JSON.parse(res.body) as { headers: string[] }).headers;
  assert.ok(got.includes('x-probe'), `the caller's other headers reach the pod: ${got}`);
  assert.ok(!got.includes('authorization'), `the credential does not: ${got}`);
  const logged = kube.api.requests.filter((r) => r.path.includes('/services/web:http/proxy'));
  assert.ok(logged.length >= 2 && logged.every((r) => r.status === 200 || r.status === 401), 'proxy requests are API requests, in the API log');
});
