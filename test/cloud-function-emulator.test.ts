// The local Cloud Functions emulator behaves as Google does on the points the adapter relies on
// (PLATFORMS.md): v2 REST shapes and enums, update masks in both spellings, operations with
// `@type`, 409 while an operation runs, 401 without credentials, a metadata server that needs
// `Metadata-Flavor: Google`, ID tokens checked for audience, real Functions Framework instances
// that scale to zero, are replaced on a new revision and are all gone after stop().
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleAuth } from 'google-auth-library';
import { createAuth, createFunctionsClient, ENV_MASK, updateEnvironment, type FunctionServiceClient } from '../bench/adapters/cloud-function-client.js';
import { parseCloudFunctionsOptions } from '../platforms/cloud-functions/index.js';
import { pidOfInstance, processAlive, startCloudFunctionsForTest, TEST_REGION, until, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
let client: FunctionServiceClient;
let accessToken: string;
const pids = new Set<number>();
const name = (fn: string) => `projects/coldbench-local/locations/${TEST_REGION}/functions/${fn}`;

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [
      // Windows far apart from the test's own steps: an update runs 1.5 s (the second PATCH right
      // after the first always meets it), an idle instance lives 2 s (checked alive at once, then
      // waited out).
      { name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '1500ms', environment: { GREETING: 'hi' } },
      { name: 'short-idle', region: TEST_REGION, idle: '2s', deployDelay: '100ms' },
      { name: 'public', region: TEST_REGION, allowUnauthenticated: true, availableMemory: '1Gi' },
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

async function callFunction(fn: string, authorization?: string) {
  const res = await fetch(emulator.functionUrl(fn), { headers: authorization ? { authorization } : {} });
  const instance = res.headers.get('x-instance-id');
  if (instance) pids.add(pidOfInstance(instance));
  await res.arrayBuffer();
  return { status: res.status, instance };
}

async function idToken(audience: string): Promise<string> {
  const idClient = await new GoogleAuth().getIdTokenClient(audience);
  return (await idClient.getRequestHeaders()).get('authorization') ?? '';
}

test('getFunction answers with string enums; an update operation resolves to numeric enums and a new revision', async () => {
  const [fn] = await client.getFunction({ name: name('hello') });
  assert.equal(fn.state, 'ACTIVE');
  assert.equal(fn.serviceConfig?.uri, emulator.functionUrl('hello'));
  assert.deepEqual(fn.serviceConfig?.environmentVariables, { GREETING: 'hi' });
  const before = fn.serviceConfig?.revision;
  const [operation] = await client.updateFunction({ function: { name: name('hello'), serviceConfig: { environmentVariables: { GREETING: 'hi', X: '1' } } }, updateMask: { paths: [ENV_MASK] } });
  const [result] = await operation.promise();
  assert.equal(result.state, 1, 'the operation result is protobuf-decoded: numeric enum');
  assert.notEqual(result.serviceConfig?.revision, before);
  assert.deepEqual(emulator.environmentOf('hello'), { GREETING: 'hi', X: '1' }, 'the map is replaced as a whole');
});

test('raw REST: camelCase masks are accepted, operations carry @type, numeric enums on request, 409 while running, 401 without a token', async () => {
  const base = `${emulator.apiEndpoint}/v2/${name('hello')}`;
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const patch = await fetch(`${base}?updateMask=serviceConfig.environmentVariables`, { method: 'PATCH', headers: auth, body: JSON.stringify({ serviceConfig: { environmentVariables: { GREETING: 'hi' } }, labels: {} }) });
  assert.equal(patch.status, 200);
  const op = (await patch.json()) as { name: string; done?: boolean; metadata: Record<string, unknown> };
  assert.equal(op.metadata['@type'], 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata');
  assert.notEqual(op.done, true);

  const second = await fetch(`${base}?updateMask=service_config.environment_variables`, { method: 'PATCH', headers: auth, body: '{}' });
  assert.equal(second.status, 409, 'a second update while one runs is refused');
  await second.arrayBuffer();

  const done = await until('the operation to finish', async () => {
    const polled = (await (await fetch(`${emulator.apiEndpoint}/v2/${op.name}?$alt=json%3Benum-encoding=int`, { headers: auth })).json()) as {
      done?: boolean;
      response?: Record<string, unknown>;
    };
    return polled.done ? polled : undefined;
  }, { everyMs: 50 });
  assert.equal(done.done, true);
  assert.equal(done.response?.['@type'], 'type.googleapis.com/google.cloud.functions.v2.Function');
  assert.equal(done.response?.state, 1, 'numeric enums when asked');
  assert.deepEqual(emulator.environmentOf('hello'), { GREETING: 'hi' });

  const bad = await fetch(`${base}?updateMask=buildConfig.runtime`, { method: 'PATCH', headers: auth, body: '{}' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /buildConfig\.runtime/);

  const anonymous = await fetch(base);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
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

test('the function front refuses calls without an ID token for its URL and serves those with one', async () => {
  assert.equal((await callFunction('hello')).status, 401, 'no token');
  assert.equal((await callFunction('hello', await idToken('https://elsewhere.example/hello'))).status, 401, 'wrong audience');
  const good = await idToken(emulator.functionUrl('hello'));
  // Same claims with a later expiry, signature kept: the front must check the signature.
  const [head, body, signature] = good.replace(/^Bearer /, '').split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { exp: number };
  const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.${signature}`;
  assert.equal((await callFunction('hello', `Bearer ${forged}`)).status, 401, 'forged token');
  const first = await callFunction('hello', good);
  assert.equal(first.status, 200);
  assert.ok(first.instance);
  assert.equal((await callFunction('hello', good)).instance, first.instance, 'the instance stays warm');
  const stats = emulator.stats('hello');
  assert.equal(stats.rejected, 3);
  assert.deepEqual([...stats.rejections].sort(), ['bad signature', 'no bearer token', 'wrong audience'].sort());
  assert.equal((await callFunction('public')).status, 200, 'a public function needs no token');
});

test('instances are real processes: reaped after idle, replaced on a new revision', async () => {
  const token = await idToken(emulator.functionUrl('short-idle'));
  const first = await callFunction('short-idle', token);
  assert.equal(first.status, 200);
  const pid = pidOfInstance(first.instance);
  assert.equal(processAlive(pid), true);
  await until('the idle instance process to exit', () => !processAlive(pid));
  assert.equal(emulator.liveInstances('short-idle'), 0);
  const second = await callFunction('short-idle', token);
  assert.notEqual(second.instance, first.instance, 'the next call starts a new instance');

  await updateEnvironment(client, name('short-idle'), { NONCE: '1' }, { timeoutMs: 10_000, pollIntervalMs: 50 });
  const third = await callFunction('short-idle', token);
  assert.notEqual(third.instance, second.instance, 'a new revision gets a new instance');
  assert.ok(third.instance?.startsWith(emulator.revisionOf('short-idle')));
  await until('the old revision instance to be stopped', () => !processAlive(pidOfInstance(second.instance)));
});

test('emulator options are validated with an error naming the bad option', () => {
  assert.throws(() => parseCloudFunctionsOptions({ functions: [{ name: 'ok', idle: 'soon' }] }), /emulators\.cloud-functions\.functions\[0\]\.idle: /);
  assert.throws(() => parseCloudFunctionsOptions({ functions: [] }), /emulators\.cloud-functions\.functions: expected at least one function/);
  assert.throws(() => parseCloudFunctionsOptions({ port: 'x', functions: [{ name: 'ok' }] }), /emulators\.cloud-functions\.port: /);
  assert.throws(() => parseCloudFunctionsOptions({ functions: [{ name: 'ok', colour: 'red' }] }), /emulators\.cloud-functions\.functions\[0\]/);
});
