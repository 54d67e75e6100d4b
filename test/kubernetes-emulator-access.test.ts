// The emulated API server's TokenRequest and SelfSubjectAccessReview: a token requested for a
// ServiceAccount authenticates as it and RBAC (its Role, through a RoleBinding) decides its
// requests, with the real 403 message for a refused patch; a review answers 201 with the review
// and status.allowed (and RBAC's reason when allowed) from the same authorizer, the admin may do
// anything, every identity may ask, exactly one of resourceAttributes / nonResourceAttributes is
// required (422); unknown ServiceAccounts (404) and too-short tokens (422) are refused. Reviews are
// not mutating calls; the token request is.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminToken, restrictedKubeconfig, startTestKube, type TestKube } from './helpers/servers.js';

let kube: TestKube;
let token: string;
let removeKubeconfig: () => void = () => undefined;

before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'api', replicas: 1 }] });
  const restricted = await restrictedKubeconfig(kube, {
    namespace: 'default',
    serviceAccount: 'viewer',
    rules: [{ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get'] }],
  });
  token = restricted.token;
  removeKubeconfig = restricted.remove;
});
after(async () => {
  removeKubeconfig();
  await kube?.close();
});

async function call(method: string, path: string, body: unknown, bearer = token): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${kube.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const review = (resourceAttributes: Record<string, string>, bearer?: string) =>
  call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } }, bearer);

test('the requested token authenticates as the ServiceAccount: its Role allows get, the patch is refused with the API server message', async () => {
  assert.equal((await call('GET', '/apis/apps/v1/namespaces/default/deployments/api/scale', undefined)).status, 200);
  const patched = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/api/scale', { spec: { replicas: 0 } });
  assert.equal(patched.status, 403);
  assert.equal(patched.json.message, 'deployments.apps "api" is forbidden: User "system:serviceaccount:default:viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"');
  assert.equal(kube.cluster.getDeployment('default', 'api')?.replicas, 1, 'nothing changed');
  assert.equal((await call('GET', '/api/v1/namespaces/default/pods', undefined, 'not-a-token')).status, 401);
});

test('SelfSubjectAccessReview answers 201 with the review and the authorizer decision; nothing is counted as a change', async () => {
  const mutating = kube.mutatingCalls().length;
  const allowed = await review({ namespace: 'default', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'api' });
  assert.equal(allowed.status, 201);
  assert.equal(allowed.json.kind, 'SelfSubjectAccessReview');
  assert.deepEqual((allowed.json.spec as { resourceAttributes: unknown }).resourceAttributes, { namespace: 'default', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'api' });
  assert.deepEqual(allowed.json.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "viewer/default" of Role "viewer" to ServiceAccount "viewer/default"' });
  const denied = await review({ namespace: 'default', verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' });
  assert.deepEqual(denied.json.status, { allowed: false }, 'RBAC has no opinion: not allowed, not denied');
  assert.deepEqual((await review({ namespace: 'other', verb: 'get', group: 'apps', resource: 'deployments' })).json.status, { allowed: false }, 'a Role binds in its namespace only');
  assert.deepEqual((await review({ verb: 'get', group: 'apps', resource: 'deployments' })).json.status, { allowed: false }, 'all namespaces: not by a Role');
  const admin = await review({ namespace: 'default', verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' }, adminToken(kube));
  assert.equal((admin.json.status as { allowed: boolean }).allowed, true);
  const neither = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: {} });
  assert.equal(neither.status, 422);
  assert.match(String(neither.json.message), /exactly one of nonResourceAttributes or resourceAttributes must be specified/);
  const discovery = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { nonResourceAttributes: { path: '/version', verb: 'get' } } });
  assert.equal((discovery.json.status as { allowed: boolean }).allowed, true);
  assert.equal(kube.mutatingCalls().length, mutating, 'reviews are not mutating calls');
});

test('TokenRequest: the TokenRequest shape; an unknown ServiceAccount is 404, a token shorter than 10 minutes 422; it is a mutating call', async () => {
  const admin = adminToken(kube);
  const mutating = kube.mutatingCalls().length;
  const made = await call('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { spec: { audiences: [], expirationSeconds: 600 } }, admin);
  assert.equal(made.status, 201);
  assert.equal(made.json.kind, 'TokenRequest');
  const status = made.json.status as { token: string; expirationTimestamp: string };
  assert.match(status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(status.expirationTimestamp) - Date.now() - 600_000) < 5_000);
  assert.equal((await call('GET', '/apis/apps/v1/namespaces/default/deployments/api', undefined, status.token)).status, 200);
  assert.equal((await call('POST', '/api/v1/namespaces/default/serviceaccounts/nobody/token', { spec: {} }, admin)).status, 404);
  const short = await call('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { spec: { expirationSeconds: 60 } }, admin);
  assert.equal(short.status, 422);
  assert.match(String(short.json.message), /may not specify a duration less than 10 minutes/);
  assert.equal(kube.mutatingCalls().length, mutating + 3);
  const refused = await call('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { spec: {} });
  assert.equal(refused.status, 403, 'the restricted identity may not mint tokens');
});
