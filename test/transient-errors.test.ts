// Which control-plane failures are worth retrying, read from the errors the real SDKs raise
// against local servers: AWS SDK (TooManyRequestsException with Retry-After, 409), Gaxios (REST
// 429 with Retry-After), client-node (ApiException 429 / 503 / 404), Node and undici network
// errors (reset: yes; refused: no); gax's gRPC codes on its own error class.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { v2 } from '@google-cloud/functions';
import { OAuth2Client } from 'google-auth-library';
import { GoogleError, Status } from 'google-gax';
import { connectKube } from '../bench/adapters/kube-client.js';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { classifyTransient, parseRetryAfter } from '../bench/control/transient.js';
import { startLambdaForTest, startTestKube, type LocalLambda, type TestKube } from './helpers/servers.js';

let lambda: LocalLambda;
let kube: TestKube;
const servers: http.Server[] = [];

before(async () => {
  [lambda, kube] = await Promise.all([
    startLambdaForTest({ functions: [{ name: 'hello', handler: 'hello.handler' }, { name: 'limited', handler: 'hello.handler', reservedConcurrency: 0 }] }),
    startTestKube({ deployments: [{ name: 'web', replicas: 1 }], throttle: { every: 2, pathIncludes: '/deployments/web', retryAfter: '1s' } }),
  ]);
});
after(async () => {
  for (const server of servers) server.close();
  await Promise.all([lambda?.stop(), kube?.close()]);
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

test('AWS SDK: a throttle with Retry-After is transient; a 409 conflict is not', async () => {
  const client = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 5_000 });
  try {
    const throttle = await caught(client.send(new InvokeCommand({ FunctionName: 'limited' })));
    assert.deepEqual(classifyTransient(throttle), { kind: 'throttled', reason: 'HTTP 429 TooManyRequestsException', retryAfterMs: 1000 });
    const update = new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Environment: { Variables: { MARK: '1' } } });
    await client.send(update);
    const conflict = await caught(client.send(update)); // the first update is still in progress
    assert.equal((conflict as { name?: string }).name, 'ResourceConflictException');
    assert.equal(classifyTransient(conflict), null);
  } finally {
    client.destroy();
  }
});

test('Google REST (Gaxios): 429 with Retry-After is a throttle; gax gRPC codes: UNAVAILABLE yes, NOT_FOUND no', async () => {
  const host = await serve((req, res) => {
    req.resume();
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
    res.end(JSON.stringify({ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }));
  });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'local', expiry_date: Date.now() + 3_600_000 });
  const [hostname, port] = host.split(':');
  const client = new v2.FunctionServiceClient({ authClient: auth, fallback: true, apiEndpoint: hostname, port: Number(port), protocol: 'http' });
  try {
    const err = await caught(client.getFunction({ name: 'projects/p/locations/l/functions/f' }));
    assert.deepEqual(classifyTransient(err), { kind: 'throttled', reason: 'HTTP 429', retryAfterMs: 2000 });
  } finally {
    await client.close();
  }
  const unavailable = new GoogleError('backend unavailable');
  unavailable.code = Status.UNAVAILABLE;
  assert.equal(classifyTransient(unavailable)?.kind, 'unavailable');
  const exhausted = new GoogleError('quota');
  exhausted.code = Status.RESOURCE_EXHAUSTED;
  assert.equal(classifyTransient(exhausted)?.kind, 'throttled');
  const missing = new GoogleError('no such function');
  missing.code = Status.NOT_FOUND;
  assert.equal(classifyTransient(missing), null);
});

test('client-node ApiException: 429 (Retry-After) and 503 are transient, 404 is not', async () => {
  const apps = connectKube({ namespace: 'default', what: 'test' }).apps;
  const read = (name: string) => caught(apps.readNamespacedDeployment({ name, namespace: 'default' }));
  await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' }); // the 1st of every 2 passes
  assert.deepEqual(classifyTransient(await read('web')), { kind: 'throttled', reason: 'HTTP 429', retryAfterMs: 1000 });
  assert.equal(classifyTransient(await read('ghost')), null, '404');
  kube.api.injectFault({ method: 'GET', pathIncludes: '/deployments/other', status: 503, times: 1 });
  assert.deepEqual(classifyTransient(await read('other')), { kind: 'unavailable', reason: 'HTTP 503' });
});

test('network errors: a reset connection is transient (node:http and fetch), a refused one is not', async () => {
  const host = await serve((req) => req.socket.destroy());
  const viaHttp = await caught(new Promise((resolve, reject) => http.get(`http://${host}/`, resolve).on('error', reject)));
  assert.equal(classifyTransient(viaHttp)?.kind, 'unavailable', String(viaHttp));
  const viaFetch = await caught(fetch(`http://${host}/`));
  assert.equal(classifyTransient(viaFetch)?.kind, 'unavailable', String(viaFetch));
  const refused = await caught(fetch('http://127.0.0.1:1/'));
  assert.equal(classifyTransient(refused), null);
});

test('Retry-After is delta-seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('0.5'), 500);
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});
