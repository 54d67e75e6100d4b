// Google permission checks against the local emulator: its IAM (testIamPermissions answers the
// granted subset, getIamPolicy shows allUsers for a public service, a restricted principal's
// update is refused with 403 PERMISSION_DENIED and its ID token with 403 at the URL), and
// coldbench on it: plan on a restricted identity exits 3 naming every missing permission and the
// role, touching nothing; run fails that target with the same message before any change while the
// others run; full permissions give no permission problem; an unanswerable check is a warning;
// auth: none against a private URL is a warning naming the fix.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runColdbench, startCloudFunctionsForTest, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

let google: CloudFunctionsEmulator;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-gperm-'));
const RESTRICTED = ['roles/run.viewer', 'roles/cloudfunctions.viewer', 'roles/run.invoker'];

before(async () => {
  google = await startCloudFunctionsForTest({
    services: [
      { name: 'web', region: TEST_REGION, idle: '30s', deployDelay: '100ms' },
      { name: 'pub', region: TEST_REGION, idle: '30s', deployDelay: '100ms', allowUnauthenticated: true },
    ],
  });
});
after(async () => {
  await google?.stop();
});
beforeEach(() => {
  google.grantPermissions(null);
  google.failIamChecks(null);
});

const resource = (collection: 'functions' | 'services', id: string) => `projects/${google.project}/locations/${TEST_REGION}/${collection}/${id}`;

async function metadata(what: string): Promise<string> {
  const res = await fetch(`http://${google.metadataHost}/computeMetadata/v1/instance/service-accounts/default/${what}`, { headers: { 'metadata-flavor': 'Google' } });
  return res.text();
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = (JSON.parse(await metadata('token')) as { access_token: string }).access_token;
  const res = await fetch(`${google.apiEndpoint}/v2/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('emulator: testIamPermissions answers the granted subset ({} for none, 404 for no resource, 400 for a foreign permission); getIamPolicy shows allUsers only for a public service; neither counts as a change', async () => {
  const mutatingBefore = google.mutatingCalls().length;
  google.grantPermissions(['roles/run.viewer']);
  const svc = await api('POST', `${resource('services', 'web')}:testIamPermissions`, { permissions: ['run.services.get', 'run.services.update', 'run.routes.invoke'] });
  assert.deepEqual(svc, { status: 200, json: { permissions: ['run.services.get'] } });
  const fn = await api('POST', `${resource('functions', 'hello')}:testIamPermissions`, { permissions: ['cloudfunctions.functions.get'] });
  assert.deepEqual(fn, { status: 200, json: {} }, 'nothing granted: an empty answer');
  assert.equal((await api('POST', `${resource('services', 'nope')}:testIamPermissions`, { permissions: ['run.services.get'] })).status, 404);
  const foreign = await api('POST', `${resource('functions', 'hello')}:testIamPermissions`, { permissions: ['run.services.get'] });
  assert.equal(foreign.status, 400);
  google.grantPermissions(null);
  assert.deepEqual((await api('GET', `${resource('services', 'pub')}:getIamPolicy`)).json.bindings, [{ role: 'roles/run.invoker', members: ['allUsers'] }]);
  assert.equal((await api('GET', `${resource('services', 'web')}:getIamPolicy`)).json.bindings, undefined);
  assert.equal(google.mutatingCalls().length, mutatingBefore, 'testIamPermissions (a POST) and getIamPolicy are not changes');
});

test("emulator: a restricted principal's update is refused with 403 PERMISSION_DENIED and Google's message, and its ID token at the URL with 403", async () => {
  google.grantPermissions(['roles/run.viewer', 'roles/cloudfunctions.viewer']);
  const update = await api('PATCH', resource('services', 'web'), { template: google.templateOf('web') });
  assert.equal(update.status, 403);
  assert.deepEqual(update.json.error, { code: 403, status: 'PERMISSION_DENIED', message: `Permission 'run.services.update' denied on resource '${resource('services', 'web')}' (or resource may not exist).` });
  assert.deepEqual(google.serviceUpdates('web'), [], 'nothing was deployed');
  assert.equal((await api('GET', resource('services', 'web'))).status, 200, 'reads are granted');
  const idToken = await metadata(`identity?audience=${encodeURIComponent(google.serviceUrl('web'))}`);
  const refused = await fetch(google.serviceUrl('web'), { headers: { authorization: `Bearer ${idToken}` } });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Forbidden. Your client does not have permission/);
  google.grantPermissions(['roles/run.invoker']);
  const allowed = await fetch(google.serviceUrl('web'), { headers: { authorization: `Bearer ${idToken}` } });
  assert.equal(allowed.status, 200, await allowed.text());
});

const env = () => ({ ...google.env });

function file(name: string, targets: string): string {
  const p = path.join(dir, `${name}.yaml`);
  writeFileSync(p, `targets:\n${targets}`);
  return p;
}

const common = () => `    project: ${google.project}\n    region: ${TEST_REGION}\n    apiEndpoint: ${google.apiEndpoint}\n`;
const gcfUpdates = () => `
  - name: gcf
    kind: cloud-function
    function: hello
${common()}    cold: { samples: 2, strategy: update-config, instanceUptimeHeader: x-instance-uptime-ms, waitTimeout: 20s }
`;
const runUpdates = () => `
  - name: run-web
    kind: cloud-run
    service: web
${common()}    cold: { samples: 2, strategy: update-config, instanceUptimeHeader: x-instance-uptime-ms, waitTimeout: 20s }
`;
const runIdle = (name: string, service: string, auth = 'id-token') => `
  - name: ${name}
    kind: cloud-run
    service: ${service}
    auth: ${auth}
${common()}    cold: { samples: 2, strategy: idle, idle: 50ms }
`;

interface PlanJson {
  ready: boolean;
  targets: Array<{ name: string; ready: boolean; problems: Array<{ severity: string; message: string }> }>;
}

async function plan(targets: string, name: string): Promise<{ code: number | null; plan: PlanJson; stderr: string }> {
  const run = await runColdbench(['plan', file(name, targets), '--json', '--quiet'], { env: env() });
  return { code: run.code, plan: JSON.parse(run.stdout) as PlanJson, stderr: run.stderr };
}

const problemsOf = (p: PlanJson, name: string) => p.targets.find((t) => t.name === name)?.problems ?? [];
const errorOf = (p: PlanJson, name: string) => problemsOf(p, name).find((x) => x.severity === 'error')?.message ?? '';

test('plan on a restricted identity: exit 3, one error per target naming every missing permission and the role; nothing changed, no data-plane request', async () => {
  google.grantPermissions(RESTRICTED);
  const mutating = google.mutatingCalls().length;
  const dataPlane = google.dataPlaneRequests();
  const { code, plan: p, stderr } = await plan(gcfUpdates() + runUpdates(), 'restricted');
  assert.equal(code, 3, stderr);
  assert.equal(p.ready, false);
  assert.match(errorOf(p, 'gcf'), new RegExp(`cloud-function target gcf: the credentials lack run\\.services\\.update on ${resource('services', 'hello')} .*403 PERMISSION_DENIED; grant roles/run\\.developer`));
  assert.match(errorOf(p, 'run-web'), /cloud-run target run-web: the credentials lack run\.services\.update on .*services\/web .*grant roles\/run\.developer/);
  assert.equal(problemsOf(p, 'gcf').filter((x) => x.severity === 'error').length, 1, 'one finding per target');
  assert.equal(google.mutatingCalls().length, mutating, 'no mutating call');
  assert.equal(google.dataPlaneRequests(), dataPlane, 'no data-plane request');

  google.grantPermissions(['roles/run.invoker']);
  const unread = await plan(gcfUpdates(), 'unread');
  assert.equal(unread.code, 3);
  assert.match(errorOf(unread.plan, 'gcf'), /lack cloudfunctions\.functions\.get on .*functions\/hello .*run\.services\.get on .*run\.services\.update on .*grant roles\/cloudfunctions\.viewer and roles\/run\.developer/, 'the function and its service at once');

  google.grantPermissions(['roles/run.developer', 'roles/cloudfunctions.viewer']);
  const noInvoke = await plan(runIdle('run-idle', 'web'), 'no-invoke');
  assert.equal(noInvoke.code, 3);
  assert.match(errorOf(noInvoke.plan, 'run-idle'), /lack run\.routes\.invoke on .*services\/web \(to call the URL with an ID token: every sample would be refused with 403\).*grant roles\/run\.invoker/);
});

test('run on a restricted identity fails that target before any change with the message plan printed; the others are measured', async () => {
  google.grantPermissions(RESTRICTED);
  const targets = gcfUpdates() + runIdle('run-idle', 'web');
  const message = errorOf((await plan(targets, 'run-mixed')).plan, 'gcf');
  assert.ok(message);
  const mutating = google.mutatingCalls().length;
  const out = path.join(dir, 'run-out');
  const run = await runColdbench(['run', file('run-mixed', targets), '--out', out, '--quiet'], { env: env() });
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { targets: Array<{ name: string; status: string; failure?: string; phases: { cold?: unknown } }> };
  const gcf = results.targets.find((t) => t.name === 'gcf');
  assert.equal(gcf?.status, 'failed');
  assert.equal(gcf?.failure, message, 'the same message as plan');
  assert.equal(gcf?.phases.cold, undefined);
  assert.equal(google.mutatingCalls().length, mutating, 'no change was attempted');
  assert.deepEqual(google.serviceUpdates('hello'), []);
  assert.equal(results.targets.find((t) => t.name === 'run-idle')?.status, 'ok', 'the permitted target ran');
});

test('full permissions: no permission problem; an unanswerable check is a warning "could not check permissions", not an error', async () => {
  const full = await plan(gcfUpdates() + runUpdates(), 'full');
  assert.equal(full.code, 0, full.stderr);
  for (const name of ['gcf', 'run-web']) assert.ok(!problemsOf(full.plan, name).some((x) => /credentials lack|could not check/.test(x.message)), JSON.stringify(problemsOf(full.plan, name)));

  google.failIamChecks({ httpStatus: 403, message: 'Request is prohibited by organization\'s policy. vpcServiceControlsUniqueIdentifier: x' });
  const blind = await plan(gcfUpdates() + runUpdates(), 'blind');
  assert.equal(blind.code, 0, blind.stderr);
  assert.match(problemsOf(blind.plan, 'run-web').map((x) => `${x.severity}: ${x.message}`).join('\n'), /warning: cloud-run target run-web: could not check permissions on .*services\/web \(Request is prohibited by organization's policy/);
  assert.match(problemsOf(blind.plan, 'gcf').map((x) => `${x.severity}: ${x.message}`).join('\n'), /warning: cloud-function target gcf: could not check permissions on .*functions\/hello/);
});

test('auth: none against a service that requires IAM auth is a warning naming the fix; a public service gets none', async () => {
  const { code, plan: p, stderr } = await plan(runIdle('private', 'web', 'none') + runIdle('public', 'pub', 'none'), 'auth-none');
  assert.equal(code, 0, stderr);
  assert.match(problemsOf(p, 'private').map((x) => `${x.severity}: ${x.message}`).join('\n'), /warning: cloud-run target private: .*services\/web requires IAM authentication .*auth: none.*set auth: id-token .*allow unauthenticated calls/);
  assert.ok(!problemsOf(p, 'public').some((x) => /requires IAM authentication/.test(x.message)));
});
