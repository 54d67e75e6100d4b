// The local Lambda emulator through the real SDK: execution environments are real processes, one
// invocation at a time each, a new one when all are busy, reaped when idle, retired by an update;
// UpdateFunctionConfiguration is InProgress for a while (old configuration serving, 409 on a second
// update); reserved concurrency gives 429; errors have AWS's shapes; stop() leaves no process.
// Windows are far apart from the test's own steps (environments idle 60 s, updates in progress
// 2 s, concurrent calls overlap by a second); what must pass is waited for, never slept for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { parseReport } from '../bench/adapters/lambda-report.js';
import { parseLambdaEmulatorOptions } from '../platforms/lambda/index.js';
import { processAlive, startLambdaForTest, startLocalLambda, until, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let client: LambdaClient;
const alive = processAlive;
const invoke = async (name: string, payload: unknown = {}, tail = true) => {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), ...(tail ? { LogType: 'Tail' as const } : {}) }));
  const body = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'));
  const report = out.LogResult ? parseReport(Buffer.from(out.LogResult, 'base64').toString('utf8')) : null;
  return { out, body, report };
};

before(async () => {
  lambda = await startLambdaForTest({
    idleTimeout: '60s',
    updateDuration: '2s',
    functions: [
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi' } },
      { name: 'heavy', handler: 'heavy-init.handler', memorySize: 256 },
      { name: 'limited', handler: 'hello.handler', reservedConcurrency: 1 },
      { name: 'json-logs', handler: 'hello.handler', logFormat: 'JSON' },
      { name: 'slow', handler: 'hello.handler', timeout: 1 },
    ],
  });
  client = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  client?.destroy();
  await lambda?.stop();
});

test('the first invoke starts a real process and reports Init Duration; the next reuses it without one', async () => {
  const first = await invoke('hello');
  assert.equal(first.out.StatusCode, 200);
  assert.equal(first.out.ExecutedVersion, '$LATEST');
  assert.ok(first.report && first.report.initDurationMs !== null && first.report.initDurationMs > 0, 'cold invoke must carry Init Duration');
  assert.equal(first.report?.memorySizeMb, 128);
  assert.ok((first.report?.maxMemoryUsedMb ?? 0) > 10, 'Max Memory Used is the process RSS');
  assert.ok((first.report?.billedDurationMs ?? 0) >= Math.ceil(first.report!.initDurationMs!), 'init is billed');
  const [pid] = lambda.functions.get('hello')!.pids;
  assert.ok(pid !== undefined && pid !== process.pid && alive(pid), 'the environment is a live child process');

  const second = await invoke('hello');
  assert.equal(second.report?.initDurationMs, null);
  assert.equal(second.body.environment, first.body.environment);
  assert.equal(second.body.invocations, 2);
  assert.equal(second.body.greeting, 'hi', 'the function sees its environment variables');
});

test('heavy module initialisation shows up in Init Duration', async () => {
  const heavy = await invoke('heavy');
  const light = await invoke('json-logs'); // another light function's first invoke
  assert.equal(heavy.body.entries, 150000);
  // The function timed its own module initialisation; the platform's Init Duration (process start
  // to ready) must contain it. (Comparing with a light function's Init Duration would compare two
  // process starts on a machine that may be busy.)
  assert.ok(heavy.body.initMs > 0);
  assert.ok(heavy.report!.initDurationMs! >= heavy.body.initMs - 0.01, `Init Duration ${heavy.report!.initDurationMs} ms holds the module's ${heavy.body.initMs} ms`);
  assert.ok(light.report!.initDurationMs! > 0);
  assert.equal(heavy.report?.memorySizeMb, 256);
});

test('JSON log format carries a platform.report record', async () => {
  const { out, report } = await invoke('json-logs');
  const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
  assert.ok(log.split('\n').some((line) => line.includes('"type":"platform.report"')));
  assert.equal(typeof report?.durationMs, 'number');
});

test('concurrent invocations get separate environments, one invocation at a time each', async () => {
  const results = await Promise.all([0, 1, 2].map(() => invoke('hello', { sleepMs: 1500 })));
  const environments = new Set(results.map((r) => r.body.environment));
  assert.equal(environments.size, 3);
  assert.ok(lambda.functions.get('hello')!.environmentCount >= 3);
});

test('a handler error is status 200 with X-Amz-Function-Error and the error JSON', async () => {
  const { out, body } = await invoke('hello', { fail: 'broken on purpose' });
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal(body.errorType, 'TypeError');
  assert.equal(body.errorMessage, 'broken on purpose');
});

test('a timed-out invocation is an Unhandled error and its environment is killed', async () => {
  const fn = lambda.functions.get('slow')!;
  const { out, body, report } = await invoke('slow', { sleepMs: 3000 });
  assert.equal(out.FunctionError, 'Unhandled');
  assert.match(body.errorMessage, /Task timed out after 1\.00 seconds/);
  assert.equal(report?.status, 'timeout');
  await until('the timed-out environment to be killed', () => fn.environmentCount === 0);
});

test('reserved concurrency: beyond it the call gets 429 TooManyRequestsException, never retried with maxAttempts 1', async () => {
  const fn = lambda.functions.get('limited')!;
  // Busy for 2 s (the function's timeout is 3 s): far longer than the second call takes to arrive.
  const busy = invoke('limited', { sleepMs: 2000 });
  await until('the first call to occupy the one allowed environment', () => fn.busyCount === 1);
  await assert.rejects(invoke('limited'), (err: { name: string; $metadata: { httpStatusCode: number; attempts: number }; Reason?: string }) => {
    assert.equal(err.name, 'TooManyRequestsException');
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.$metadata.attempts, 1);
    assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    return true;
  });
  assert.equal((await busy).out.StatusCode, 200);
});

test('an update is InProgress with the old configuration serving, refuses a second update with 409, then retires every environment', async () => {
  const fn = lambda.functions.get('hello')!;
  const before_ = await invoke('hello');
  const oldPids = fn.pids;
  const updated = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Environment: { Variables: { GREETING: 'hey' } } }));
  assert.equal(updated.LastUpdateStatus, 'InProgress');
  assert.deepEqual(updated.Environment?.Variables, { GREETING: 'hey' });

  const during = await invoke('hello');
  assert.equal(during.body.greeting, 'hi', 'the old configuration serves while the update is in progress');
  assert.equal(during.report?.initDurationMs, null);
  await assert.rejects(
    client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello', Environment: { Variables: {} } })),
    (err: { name: string; $metadata: { httpStatusCode: number }; message: string }) =>
      err.name === 'ResourceConflictException' && err.$metadata.httpStatusCode === 409 && err.message.includes('An update is in progress'),
  );

  await until('the update to finish', async () => (await client.send(new GetFunctionCommand({ FunctionName: 'hello' }))).Configuration?.LastUpdateStatus === 'Successful', { everyMs: 50 });
  const after_ = await invoke('hello');
  assert.equal(after_.body.greeting, 'hey');
  assert.ok(after_.report?.initDurationMs !== null, 'the first invoke after an update is cold');
  assert.notEqual(after_.body.environment, before_.body.environment);
  await until('the old environments to be retired', () => !oldPids.some(alive));
});

test('idle environments are reaped after idleTimeout', async () => {
  // An emulator of its own with a short idle timeout: this test only ever waits it out.
  const own = await startLocalLambda({ idleTimeout: '300ms', functions: [{ name: 'hello', handler: 'hello.handler' }] });
  const ownClient = createLambdaClient({ region: own.region, endpoint: own.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
  try {
    await ownClient.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{}') }));
    const fn = own.functions.get('hello')!;
    const pids = fn.pids;
    assert.ok(pids.length > 0);
    await until('the idle environment to be reaped', () => fn.environmentCount === 0);
    await until('its process to exit', () => !pids.some(alive));
  } finally {
    ownClient.destroy();
    await own.stop();
  }
});

test('errors have AWS shapes: 404 ResourceNotFoundException, 400 for a non-JSON payload and reserved keys', async () => {
  await assert.rejects(client.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })), (err: { name: string; message: string; $metadata: { httpStatusCode: number } }) =>
    err.name === 'ResourceNotFoundException' && err.$metadata.httpStatusCode === 404 && err.message === `Function not found: arn:aws:lambda:us-east-1:${lambda.accountId}:function:nope`,
  );
  await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{not json') })), (err: { name: string }) => err.name === 'InvalidRequestContentException');
  await assert.rejects(
    client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'heavy', Environment: { Variables: { AWS_REGION: 'x' } } })),
    (err: { name: string; message: string }) => err.name === 'InvalidParameterValueException' && err.message.includes('AWS_REGION'),
  );
  const raw = await fetch(`${lambda.endpoint}/2015-03-31/functions/nope/configuration`);
  assert.equal(raw.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
  assert.ok(raw.headers.get('x-amzn-requestid'));
  assert.equal((await raw.json()).Message, `Function not found: arn:aws:lambda:us-east-1:${lambda.accountId}:function:nope`);
});

test('DryRun runs nothing (204) and Event is accepted (202)', async () => {
  const fn = lambda.functions.get('limited')!;
  const before_ = fn.environmentCount;
  const dry = await client.send(new InvokeCommand({ FunctionName: 'limited', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  assert.equal(fn.environmentCount, before_);
  const event = await client.send(new InvokeCommand({ FunctionName: 'hello', InvocationType: 'Event', Payload: Buffer.from('{}') }));
  assert.equal(event.StatusCode, 202);
});

test('bad options are refused with the option named', () => {
  assert.throws(() => parseLambdaEmulatorOptions({ functions: [{ name: 'x', handler: 'nothing-here.handler' }] }, process.cwd()), /functions\[0\]\.handler: no module nothing-here/);
  assert.throws(() => parseLambdaEmulatorOptions({ functions: [{ name: 'x', handler: 'hello.handler', memorySize: 64 }] }, process.cwd()), /emulators\.lambda\.functions\[0\]\.memorySize/);
  assert.throws(() => parseLambdaEmulatorOptions({ port: 'x', functions: [] }, process.cwd()), /emulators\.lambda\.port/);
  assert.throws(() => parseLambdaEmulatorOptions({ functions: [{ name: 'x', handler: 'hello.handler' }], idleTimeout: 'soon' }, process.cwd()), /emulators\.lambda\.idleTimeout/);
});

test('stop() kills every environment and leaves no process behind', async () => {
  const own = await startLocalLambda({ functions: [{ name: 'hello', handler: 'hello.handler' }] });
  const ownClient = createLambdaClient({ region: own.region, endpoint: own.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
  try {
    await Promise.all([0, 1].map(() => ownClient.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{"sleepMs":1000}') }))));
    const pids = own.functions.get('hello')!.pids;
    assert.equal(pids.length, 2);
    await own.stop();
    assert.ok(!pids.some(alive), 'no environment may survive stop()');
    await own.stop(); // idempotent
  } finally {
    ownClient.destroy();
    await own.stop();
  }
});
