// The local Google emulator behaves as Google does on the points the adapters rely on
// (docs/platforms.md): Functions v2 REST shapes and enums, update masks in both spellings, a Cloud
// Build behind every Functions-API update, operations with `@type`, 409 while an operation runs,
// 401 without credentials; the Cloud Run API's revisions (409 for a taken revision name, reserved
// annotations refused); a metadata server that needs `Metadata-Flavor: Google`; fronts that check
// the ID token's audience against the service URL's origin; real instances that scale to zero, run
// requests concurrently up to the service's setting, start when a revision is deployed and are all
// gone after stop().
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleAuth } from 'google-auth-library';
import { createAuth, createFunctionsClient, ENV_MASK, type FunctionServiceClient } from '../bench/adapters/cloud-function-client.js';
import { parseCloudFunctionsOptions } from '../platforms/cloud-functions/index.js';
import { pidOfInstance, processAlive, startCloudFunctionsForTest, TEST_REGION, until, waitFor, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
let client: FunctionServiceClient;
let accessToken: string;
const pids = new Set<number>();
const fnName = (fn: string) => `projects/coldbench-local/locations/${TEST_REGION}/functions/${fn}`;
const serviceName = (s: string) => `projects/coldbench-local/locations/${TEST_REGION}/services/${s}`;

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [
      { name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '100ms', buildDelay: '400ms', environment: { GREETING: 'hi' } },
      { name: 'short-idle', region: TEST_REGION, idle: '300ms', deployDelay: '100ms', deploymentInstanceIdle: '60s' },
      { name: 'public', region: TEST_REGION, allowUnauthenticated: true, availableMemory: '1Gi' },
    ],
    services: [
      { name: 'web', region: TEST_REGION, idle: '30s', deployDelay: '50ms', customAudiences: ['https://api.example.com'] },
      { name: 'one', region: TEST_REGION, idle: '30s', maxInstanceCount: 1, maxInstanceRequestConcurrency: 1, environment: { LATENCY_MS: '300' } },
      { name: 'single', region: TEST_REGION, idle: '30s', allowUnauthenticated: true, maxInstanceRequestConcurrency: 1, environment: { LATENCY_MS: '300' } },
    ],
  });
  const auth = await createAuth();
  client = await createFunctionsClient(auth, emulator.apiEndpoint);
  accessToken = (await auth.getAccessToken()) ?? '';
});

after(async () => {
  await client?.close();
  await emulator?.stop();
  // Every instance process the tests saw is gone.
  for (const pid of pids) assert.equal(processAlive(pid), false, `instance process ${pid} is gone after stop()`);
});

async function call(url: string, authorization?: string) {
  const res = await fetch(url, { headers: authorization ? { authorization } : {} });
  const instance = res.headers.get('x-instance-id');
  if (instance) pids.add(pidOfInstance(instance));
  await res.arrayBuffer();
  return { status: res.status, instance, uptimeMs: Number(res.headers.get('x-instance-uptime-ms')) };
}

async function idToken(audience: string): Promise<string> {
  const idClient = await new GoogleAuth().getIdTokenClient(audience);
  return (await idClient.getRequestHeaders()).get('authorization') ?? '';
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${emulator.apiEndpoint}/v2/${path}`, { ...init, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

function pollOperation(name: string): Promise<Record<string, unknown>> {
  return until(`operation ${name} to finish`, async () => {
    const op = (await (await api(`${name}?$alt=json%3Benum-encoding=int`)).json()) as Record<string, unknown>;
    return op.done === true ? op : undefined;
  }, { everyMs: 50 });
}

test('Functions API: string enums on get, numeric from the operation, and a Cloud Build behind every update', async () => {
  const [fn] = await client.getFunction({ name: fnName('hello') });
  assert.equal(fn.state, 'ACTIVE');
  assert.equal(fn.serviceConfig?.uri, emulator.functionUrl('hello'));
  assert.equal(fn.serviceConfig?.service, serviceName('hello'));
  assert.deepEqual(fn.serviceConfig?.environmentVariables, { GREETING: 'hi' });
  const before = fn.serviceConfig?.revision;
  assert.equal(emulator.templateOf('hello').revision, before, 'Cloud Functions names its revision in the service template');
  const [operation] = await client.updateFunction({ function: { name: fnName('hello'), serviceConfig: { environmentVariables: { GREETING: 'hi', X: '1' } } }, updateMask: { paths: [ENV_MASK] } });
  const [result] = await operation.promise();
  assert.equal(result.state, 1, 'the operation result is protobuf-decoded: numeric enum');
  assert.notEqual(result.serviceConfig?.revision, before);
  assert.equal(emulator.templateOf('hello').revision, result.serviceConfig?.revision, 'the new revision is named in the template too');
  assert.deepEqual(emulator.environmentOf('hello'), { GREETING: 'hi', X: '1' }, 'the map is replaced as a whole');
  assert.equal(emulator.builds('hello'), 1, 'an environment change built the function');
});

test('Functions API raw REST: camelCase masks, @type on operations, 409 while running, 400 on a bad mask, 401 without a token', async () => {
  const base = `${fnName('hello')}`;
  // The operation is held until released: the second PATCH always meets it running.
  const release = emulator.holdOperations('hello');
  const patch = await api(`${base}?updateMask=serviceConfig.environmentVariables`, { method: 'PATCH', body: JSON.stringify({ serviceConfig: { environmentVariables: { GREETING: 'hi' } }, labels: {} }) });
  assert.equal(patch.status, 200);
  const op = (await patch.json()) as { name: string; done?: boolean; metadata: Record<string, unknown> };
  assert.equal(op.metadata['@type'], 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata');
  assert.notEqual(op.done, true);
  const second = await api(`${base}?updateMask=service_config.environment_variables`, { method: 'PATCH', body: '{}' });
  assert.equal(second.status, 409, 'a second update while one runs is refused');
  await second.arrayBuffer();
  release();
  const done = await pollOperation(op.name);
  assert.equal((done.response as Record<string, unknown>)['@type'], 'type.googleapis.com/google.cloud.functions.v2.Function');
  assert.equal((done.response as Record<string, unknown>).state, 1, 'numeric enums when asked');
  assert.deepEqual(emulator.environmentOf('hello'), { GREETING: 'hi' });
  assert.equal(emulator.builds('hello'), 2);
  const bad = await api(`${base}?updateMask=buildConfig.runtime`, { method: 'PATCH', body: '{}' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /buildConfig\.runtime/);
  const anonymous = await fetch(`${emulator.apiEndpoint}/v2/${base}`);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
});

test('Cloud Run API: a taken revision name with another configuration is 409 ALREADY_EXISTS; reserved annotations and foreign names are 400', async () => {
  const service = (await (await api(serviceName('hello'))).json()) as { template: Record<string, unknown>; terminalCondition: { state: string } };
  assert.equal(service.terminalCondition.state, 'CONDITION_SUCCEEDED');
  const named = service.template.revision as string;
  const changed = { ...service, template: { ...service.template, annotations: { note: 'x' } } };
  const taken = await api(serviceName('hello'), { method: 'PATCH', body: JSON.stringify(changed) });
  assert.equal(taken.status, 409);
  const body = (await taken.json()) as { error: { status: string; message: string } };
  assert.equal(body.error.status, 'ALREADY_EXISTS');
  assert.equal(body.error.message, `Revision named '${named}' with different configuration already exists.`);
  const reserved = await api(serviceName('hello'), { method: 'PATCH', body: JSON.stringify({ ...service, template: { ...service.template, revision: '', annotations: { 'run.googleapis.com/x': '1' } } }) });
  assert.equal(reserved.status, 400);
  await reserved.arrayBuffer();
  const foreign = await api(serviceName('hello'), { method: 'PATCH', body: JSON.stringify({ ...service, template: { ...service.template, revision: 'other-00001-abc' } }) });
  assert.equal(foreign.status, 400);
  await foreign.arrayBuffer();
  const numeric = (await (await api(`${serviceName('web')}?$alt=json%3Benum-encoding=int`)).json()) as { terminalCondition: { state: number }; generation: string };
  assert.equal(numeric.terminalCondition.state, 4, 'numeric enums when asked');
  assert.equal(typeof numeric.generation, 'string', 'int64 as text, as proto3 JSON has it');
});

test('the metadata server needs Metadata-Flavor: Google and issues ID tokens for the asked audience', async () => {
  const plain = await fetch(`http://${emulator.metadataHost}/computeMetadata/v1/project/project-id`);
  assert.equal(plain.status, 403);
  await plain.arrayBuffer();
  const flavored = await fetch(`http://${emulator.metadataHost}/computeMetadata/v1/project/project-id`, { headers: { 'metadata-flavor': 'Google' } });
  assert.equal(flavored.headers.get('metadata-flavor'), 'Google');
  assert.equal(await flavored.text(), 'coldbench-local');
  const token = (await idToken('https://example.invalid/fn')).replace(/^Bearer /, '');
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud: string; exp: number };
  assert.equal(claims.aud, 'https://example.invalid/fn');
  assert.ok(claims.exp * 1000 > Date.now());
});

test('fronts accept an ID token for the service URL origin (any request path), or a custom audience, and refuse the rest', async () => {
  const origin = emulator.functionUrl('hello');
  assert.equal(new URL(origin).pathname, '/', 'a service URL is an origin');
  assert.equal((await call(origin)).status, 401, 'no token');
  assert.equal((await call(origin, await idToken('https://elsewhere.example'))).status, 401, 'wrong audience');
  assert.equal((await call(`${origin}/x`, await idToken(`${origin}/x`))).status, 401, 'an audience with a path is refused');
  assert.equal((await call(origin, await idToken(`${origin}?q=1`))).status, 401, 'an audience with a query is refused');
  const good = await idToken(origin);
  const [head, body, signature] = good.replace(/^Bearer /, '').split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { exp: number };
  const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.${signature}`;
  assert.equal((await call(origin, `Bearer ${forged}`)).status, 401, 'forged token');
  const first = await call(`${origin}/deep/path?x=1`, good);
  assert.equal(first.status, 200, 'a request with a path, an origin audience');
  assert.equal((await call(origin, await idToken(`${origin}/`))).status, 200, 'a trailing slash is still the origin');
  assert.equal((await call(emulator.serviceUrl('web'), await idToken('https://api.example.com'))).status, 200, 'a custom audience');
  const rejections = [...emulator.stats('hello').rejections];
  assert.ok(rejections.includes('no bearer token') && rejections.includes('bad signature'));
  assert.ok(rejections.some((r) => r.startsWith(`wrong audience ${origin}/x`)));
  assert.equal((await call(emulator.functionUrl('public'))).status, 200, 'a public function needs no token');
});

test('instances are real processes: reaped after idle; a deployment starts one that serves the first request, then goes', async () => {
  const url = emulator.functionUrl('short-idle');
  const token = await idToken(url);
  const first = await call(url, token);
  assert.equal(first.status, 200);
  const pid = pidOfInstance(first.instance);
  await waitFor(() => !processAlive(pid), 'the idle instance process to exit', 10_000, 50);
  assert.equal(emulator.liveInstances('short-idle'), 0);
  const second = await call(url, token);
  assert.notEqual(second.instance, first.instance, 'the next call starts a new instance');

  // A new revision through the Cloud Run API: the deployment starts an instance before it is ready.
  const service = (await (await api(serviceName('short-idle'))).json()) as { template: Record<string, unknown> };
  const patch = await api(serviceName('short-idle'), { method: 'PATCH', body: JSON.stringify({ ...service, template: { ...service.template, revision: '', annotations: { n: '1' } } }) });
  const op = (await patch.json()) as { name: string; metadata: Record<string, unknown> };
  assert.equal(op.metadata['@type'], 'type.googleapis.com/google.cloud.run.v2.Service');
  await pollOperation(op.name);
  assert.equal(emulator.builds('short-idle'), 0, 'the Cloud Run API builds nothing');
  const revision = emulator.revisionOf('short-idle');
  assert.equal(emulator.liveInstances('short-idle') >= 1, true, 'the deployment left an instance running');
  const third = await call(url, token);
  assert.ok(third.instance?.startsWith(revision), 'the new revision serves');
  assert.ok(third.uptimeMs > 0, 'the instance reports its uptime');
  assert.equal(emulator.stats('short-idle').servedByDeploymentInstance, 1, 'the first request landed on the deployment instance');
  await waitFor(() => !processAlive(pidOfInstance(second.instance)), 'the old revision instance to stop', 10_000, 50);
});

test('concurrency: one request at a time per instance at concurrency 1; at maxInstanceCount requests wait for a free one', async () => {
  const pair = await Promise.all([call(emulator.serviceUrl('single')), call(emulator.serviceUrl('single'))]);
  assert.equal(new Set(pair.map((r) => r.instance)).size, 2, 'concurrency 1: two instances for two concurrent requests');
  const one = emulator.serviceUrl('one');
  const token = await idToken(one);
  const started = Date.now();
  const queued = await Promise.all([call(one, token), call(one, token)]);
  assert.ok(queued.every((r) => r.status === 200));
  assert.equal(new Set(queued.map((r) => r.instance)).size, 1, 'one instance at most');
  assert.ok(Date.now() - started >= 550, 'the second request waited for the first (300 ms each)');
});

test('emulator options are validated with an error naming the bad option', () => {
  assert.throws(() => parseCloudFunctionsOptions({ functions: [{ name: 'ok', idle: 'soon' }] }), /emulators\.cloud-functions\.functions\[0\]\.idle: /);
  assert.throws(() => parseCloudFunctionsOptions({ functions: [] }), /emulators\.cloud-functions\.functions: expected at least one function or service/);
  assert.throws(() => parseCloudFunctionsOptions({ port: 'x', functions: [{ name: 'ok' }] }), /emulators\.cloud-functions\.port: /);
  assert.throws(() => parseCloudFunctionsOptions({ functions: [{ name: 'ok', colour: 'red' }] }), /emulators\.cloud-functions\.functions\[0\]/);
  assert.throws(() => parseCloudFunctionsOptions({ services: [{ name: 'ok', maxInstanceRequestConcurrency: 5000 }] }), /emulators\.cloud-functions\.services\[0\]\.maxInstanceRequestConcurrency/);
});
