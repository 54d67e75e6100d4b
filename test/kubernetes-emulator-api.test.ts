// The emulator's Kubernetes API, through the real client library and raw HTTP: token auth with a
// 401 Status, Deployments and the scale subresource with the three patch content types (and 415
// for others), readyReplicas absent at zero, pods by label selector with deletion timestamps while
// terminating, Knative Services with status.url, and the API's own error Status bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startTestKube, type TestKube } from './helpers/kubernetes.js';
import { until } from './helpers/wait.js';
import { apiErrorReason, connectKube } from '../bench/adapters/kube-client.js';

let kube: TestKube;
let apps: AppsV1Api;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let token: string;

before(async () => {
  kube = await startTestKube({
    // A pod terminates for 3 s: far longer than one API call, so the test always sees it terminating.
    deployments: [{ name: 'web', replicas: 1, terminationDelay: '3s', cpu: '250m', memory: '128Mi' }],
    knativeServices: [{ name: 'fn', idle: '30s' }],
  });
  const clients = connectKube({ namespace: 'default', what: 'test' });
  apps = clients.apps;
  core = clients.core;
  custom = clients.custom;
  token = (parse(readFileSync(kube.kubeconfigPath, 'utf8')) as { users: { user: { token: string } }[] }).users[0]!.user.token;
});
after(() => kube?.close());


const raw = (path: string, init: RequestInit = {}) => fetch(`${kube.apiUrl}${path}`, init);

test('the generated kubeconfig is a standard one with a bearer token, and the API answers 401 Status without it', async () => {
  const config = parse(readFileSync(kube.kubeconfigPath, 'utf8')) as Record<string, any>;
  assert.equal(config['current-context'], 'coldbench-emulator');
  assert.equal(config.clusters[0].cluster.server, kube.apiUrl);
  assert.ok(token.length >= 16);

  const anonymous = await raw('/apis/apps/v1/namespaces/default/deployments/web');
  assert.equal(anonymous.status, 401);
  const status = (await anonymous.json()) as Record<string, unknown>;
  assert.deepEqual([status.kind, status.status, status.reason, status.code], ['Status', 'Failure', 'Unauthorized', 401]);

  const wrong = await raw('/apis/apps/v1/namespaces/default/deployments/web', { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  const right = await raw('/apis/apps/v1/namespaces/default/deployments/web', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(right.status, 200);
});

test('client-node refuses the http:// server until skipTLSVerify is set, which connectKube does', async () => {
  const plain = new KubeConfig();
  plain.loadFromFile(kube.kubeconfigPath);
  await assert.rejects(plain.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'web', namespace: 'default' }), /HTTP protocol is not allowed/);
  const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
  assert.equal(d.metadata?.name, 'web');
});

test('a Deployment reports replicas and ready replicas, and its pods carry its labels and resources', async () => {
  const ready = await until('web ready', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    return d.status?.readyReplicas === 1 ? d : undefined;
  });
  assert.equal(ready.spec?.replicas, 1);
  assert.deepEqual(ready.spec?.selector.matchLabels, { app: 'web' });
  assert.equal(ready.spec?.template.spec?.containers[0]?.resources?.requests?.cpu, '250m');
  const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
  assert.equal(pods.items.length, 1);
  assert.equal(pods.items[0]!.status?.phase, 'Running');
  assert.equal(pods.items[0]!.metadata?.deletionTimestamp, undefined);
  const none = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=other' });
  assert.equal(none.items.length, 0);
});

test('scale subresource: merge patch via setHeaderOptions scales to 0, pods terminate with a deletionTimestamp, readyReplicas disappears', async () => {
  const scaled = await apps.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'default', body: { spec: { replicas: 0 } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  assert.equal(scaled.spec?.replicas, 0);
  assert.equal(kube.api.requests.at(-1)?.contentType, 'application/merge-patch+json');

  // terminationDelay 3 s: the pod is still listed, with its deletion timestamp.
  const terminating = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
  assert.equal(terminating.items.length, 1);
  assert.ok(terminating.items[0]!.metadata?.deletionTimestamp instanceof Date, 'terminating pod has a deletionTimestamp');

  await until('no web pods', async () => ((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.length === 0 ? true : undefined));
  const rawDeployment = (await (await raw('/apis/apps/v1/namespaces/default/deployments/web', { headers: { authorization: `Bearer ${token}` } })).json()) as {
    status: Record<string, unknown>;
  };
  assert.equal('readyReplicas' in rawDeployment.status, false, 'readyReplicas is absent, not 0');
});

test('client-node sends JSON Patch by default: an array body works, a merge-style object body is rejected', async () => {
  await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
  assert.equal(kube.api.requests.at(-1)?.contentType, 'application/json-patch+json');
  const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' });
  assert.equal(scale.spec?.replicas, 2);

  await assert.rejects(
    apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'default', body: { spec: { replicas: 1 } } }),
    (err: unknown) => err instanceof ApiException && (err as ApiException<string>).code === 400,
  );
  assert.equal((await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' })).spec?.replicas, 2);

  // Strategic merge patch is accepted too; plain application/json is not a patch type.
  await apps.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'default', body: { spec: { replicas: 1 } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  assert.equal((await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' })).spec?.replicas, 1);
  const unsupported = await raw('/apis/apps/v1/namespaces/default/deployments/web/scale', {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spec: { replicas: 3 } }),
  });
  assert.equal(unsupported.status, 415);
  assert.equal(((await unsupported.json()) as { reason: string }).reason, 'UnsupportedMediaType');
});

test('invalid replicas give a 422 Invalid Status and change nothing', async () => {
  await assert.rejects(
    apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'default', body: { spec: { replicas: -1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
    (err: unknown) => err instanceof ApiException && (err as ApiException<string>).code === 422 && /spec\.replicas/.test(String((err as ApiException<string>).body)),
  );
  assert.equal((await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' })).spec?.replicas, 1);
});

test('a missing Deployment is a 404 NotFound Status naming it', async () => {
  await assert.rejects(apps.readNamespacedDeployment({ name: 'ghost', namespace: 'default' }), (err: unknown) => {
    assert.ok(err instanceof ApiException);
    assert.equal((err as ApiException<string>).code, 404);
    const body = JSON.parse(String((err as ApiException<string>).body)) as Record<string, unknown>;
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, 'NotFound');
    assert.equal(body.message, 'deployments.apps "ghost" not found');
    return true;
  });
  await assert.rejects(apps.readNamespacedDeployment({ name: 'web', namespace: 'elsewhere' }), (err: unknown) => (err as ApiException<string>).code === 404);
});

test('a Knative Service has status.url (its activator) and its pods carry the serving.knative.dev labels', async () => {
  const service = (await custom.getNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace: 'default', plural: 'services', name: 'fn' })) as {
    status: { url: string; latestReadyRevisionName: string };
  };
  assert.equal(`${service.status.url}/`, kube.knativeUrls.fn);
  assert.equal(service.status.latestReadyRevisionName, 'fn-00001');
  // A new revision starts with one pod (initial scale 1).
  const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'serving.knative.dev/service=fn' });
  assert.equal(pods.items.length, 1);
  assert.equal(pods.items[0]!.metadata?.labels?.['serving.knative.dev/revision'], 'fn-00001');
  await assert.rejects(
    custom.getNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace: 'default', plural: 'services', name: 'nope' }),
    (err: unknown) => apiErrorReason(err) === 'HTTP 404 NotFound: services.serving.knative.dev "nope" not found',
  );
});
