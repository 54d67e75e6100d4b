// The pure side of the Google permission checks (bench/adapters/google-permissions.ts): which
// permissions a target's run asks for (by strategy, sweep, url and auth), the one error naming
// every missing permission with the role that grants it, warnings for what only degrades a check
// or could not be checked, and the "URL with IAM auth and no credentials" warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  credentialsProblems,
  functionNeeds,
  isPublic,
  permissionProblems,
  rolesFor,
  runShape,
  serviceNeeds,
  type PermissionCheck,
} from '../bench/adapters/google-permissions.js';

const FN = 'projects/p/locations/r/functions/hello';
const SVC = 'projects/p/locations/r/services/hello';
const names = (needs: Array<{ permission: string; severity: string }>) => needs.map((n) => `${n.severity} ${n.permission}`);

test('a target asks only for what its run does: update-config and sweeps change the service, a url makes reads optional, auth decides invoke or policy', () => {
  const base = { kind: 'cloud-function' as const, auth: 'id-token' as const, cold: { strategy: 'update-config' } };
  const updates = runShape(base);
  assert.deepEqual(updates, { kind: 'cloud-function', changes: true, hasUrl: false, auth: 'id-token' });
  assert.deepEqual(names(functionNeeds(updates)), ['error cloudfunctions.functions.get']);
  assert.deepEqual(names(serviceNeeds(updates)), ['error run.services.get', 'error run.services.update', 'error run.routes.invoke']);

  const idleWithUrl = runShape({ ...base, url: 'https://x.run.app', cold: { strategy: 'idle' } });
  assert.equal(idleWithUrl.changes, false);
  assert.deepEqual(names(functionNeeds(idleWithUrl)), ['warning cloudfunctions.functions.get']);
  assert.deepEqual(names(serviceNeeds(idleWithUrl)), ['error run.routes.invoke'], 'a function that is only called needs no Cloud Run read');

  const swept = runShape({ ...base, cold: null, sweep: [{ key: 'memory' }] });
  assert.equal(swept.changes, true, 'a sweep deploys revisions');
  assert.equal(runShape({ ...base, cold: null, variant: { of: 'x' } }).changes, true, "a sweep's variant too");

  const runNone = runShape({ kind: 'cloud-run', auth: 'none', cold: { strategy: 'idle' } });
  assert.deepEqual(functionNeeds(runNone), [], 'cloud-run has no function');
  assert.deepEqual(names(serviceNeeds(runNone)), ['error run.services.get', 'warning run.services.getIamPolicy']);
  assert.deepEqual(names(serviceNeeds({ ...runNone, hasUrl: true })), ['warning run.services.get', 'warning run.services.getIamPolicy']);
});

test('roles: the smallest predefined roles, the developer role standing in for the viewer', () => {
  assert.deepEqual(rolesFor(['run.services.get', 'run.services.update']), ['roles/run.developer']);
  assert.deepEqual(rolesFor(['cloudfunctions.functions.get', 'run.routes.invoke']), ['roles/cloudfunctions.viewer', 'roles/run.invoker']);
  assert.deepEqual(rolesFor(['run.services.get']), ['roles/run.viewer']);
  assert.deepEqual(rolesFor(['run.jobs.run']), ['a role with run.jobs.run']);
});

test('one error names every missing permission the run needs, with its resource, purpose and role; granted ones are not named', () => {
  const shape = runShape({ kind: 'cloud-function', auth: 'id-token', cold: { strategy: 'update-config' } });
  const checks: PermissionCheck[] = [
    { resource: FN, needs: functionNeeds(shape), answer: { ok: true, granted: ['cloudfunctions.functions.get'] } },
    { resource: SVC, needs: serviceNeeds(shape), answer: { ok: true, granted: ['run.services.get'] } },
  ];
  assert.deepEqual(permissionProblems('cloud-function target t', checks), [
    {
      severity: 'error',
      message: `cloud-function target t: the credentials lack run.services.update on ${SVC} (to deploy a revision per cold sample or sweep variant and restore the original template), run.routes.invoke on ${SVC} (to call the URL with an ID token: every sample would be refused with 403): the run would be refused with 403 PERMISSION_DENIED; grant roles/run.developer and roles/run.invoker to these credentials (on the service or the project)`,
    },
  ]);
  const all = checks.map((c) => ({ ...c, answer: { ok: true as const, granted: c.needs.map((n) => n.permission) } }));
  assert.deepEqual(permissionProblems('t', all), [], 'everything granted: no problem');
});

test('a missing permission that only degrades a check is a warning; an unanswered check is a warning "could not check permissions", never an error', () => {
  const shape = runShape({ kind: 'cloud-run', auth: 'none', url: 'https://x', cold: { strategy: 'idle' } });
  const degraded = permissionProblems('t', [{ resource: SVC, needs: serviceNeeds(shape), answer: { ok: true, granted: [] } }]);
  assert.deepEqual(degraded.map((p) => p.severity), ['warning']);
  assert.match(degraded[0]?.message ?? '', /lack run\.services\.get on .* run\.services\.getIamPolicy on .*grant roles\/run\.viewer to these credentials/);
  const unanswered = permissionProblems('t', [{ resource: SVC, needs: serviceNeeds({ ...shape, changes: true }), answer: { ok: false, reason: 'Request is prohibited by organization policy' } }]);
  assert.deepEqual(unanswered, [{ severity: 'warning', message: `t: could not check permissions on ${SVC} (Request is prohibited by organization policy)` }]);
});

test('public: allUsers as run.invoker or invoker IAM off; allAuthenticatedUsers still needs a token; the auth: none warning names the fix', () => {
  assert.equal(isPublic([{ role: 'roles/run.invoker', members: ['allUsers'] }], false), true);
  assert.equal(isPublic([{ role: 'roles/run.invoker', members: ['allAuthenticatedUsers'] }], false), false);
  assert.equal(isPublic([{ role: 'roles/run.viewer', members: ['allUsers'] }], null), false);
  assert.equal(isPublic([], true), true);
  assert.equal(isPublic(undefined, undefined), false);
  assert.deepEqual(credentialsProblems('t', SVC, 'none', true), []);
  assert.deepEqual(credentialsProblems('t', SVC, 'id-token', false), []);
  const [warning] = credentialsProblems('t', SVC, 'none', false);
  assert.equal(warning?.severity, 'warning');
  assert.match(warning?.message ?? '', /requires IAM authentication .*sends no credentials \(auth: none\).*set auth: id-token .*or allow unauthenticated calls/);
});
