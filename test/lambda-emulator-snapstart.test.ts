// Published versions and SnapStart in the local Lambda emulator, through the real SDK: a version
// freezes $LATEST's configuration; a SnapStart version stays Pending (invokes refused) while its
// snapshot is built and cached, then its environments are restored from the snapshot (a real
// process start) and report Restore Duration / Billed Restore Duration instead of Init Duration;
// PublishVersion returns the last version when nothing changed; versions are listed in pages and
// deleted, their numbers never reused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  paginateListVersionsByFunction,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { parseReport } from '../bench/adapters/lambda-report.js';
import { parseLambdaEmulatorOptions } from '../platforms/lambda/index.js';
import { processAlive, startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let client: LambdaClient;

before(async () => {
  lambda = await startLambdaForTest({
    snapStartDelay: '600ms',
    functions: [
      { name: 'snap', handler: 'snap-init.handler', snapStart: true, environment: { STAGE: 'one' } },
      { name: 'plain', handler: 'hello.handler', environment: { GREETING: 'v1' } },
      { name: 'broken-snap', handler: 'broken.handler', snapStart: true },
    ],
    functionsDir: await brokenFunctionsDir(),
  });
  client = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 20_000 });
});
after(async () => {
  client?.destroy();
  await lambda?.stop();
});

/** The demo functions plus a SnapStart module whose init throws. */
async function brokenFunctionsDir(): Promise<string> {
  const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { DEMO_FUNCTIONS_DIR } = await import('../platforms/lambda/index.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-snap-fns-'));
  cpSync(DEMO_FUNCTIONS_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'broken.cjs'), "throw new Error('cannot load the configuration');\n");
  return dir;
}

const configOf = (name: string, qualifier?: string) => client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }));

async function waitActive(name: string, version: string): Promise<FunctionConfiguration> {
  let config: FunctionConfiguration | undefined;
  for (let i = 0; i < 600; i++) {
    config = await configOf(name, version);
    if (config.State !== 'Pending') return config;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`version ${version} of ${name} still Pending`);
}

async function invoke(name: string, qualifier?: string) {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, LogType: 'Tail' }));
  const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
  return { out, log, report: parseReport(log), body: JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) };
}

async function update(name: string, variables: Record<string, string>): Promise<void> {
  await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: variables } }));
  for (let i = 0; i < 400; i++) {
    if ((await configOf(name)).LastUpdateStatus === 'Successful') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('update did not finish');
}

test('a SnapStart version is Pending while its snapshot is built, refuses invokes, then restores environments from the snapshot', async () => {
  const latest = await configOf('snap');
  assert.deepEqual(latest.SnapStart, { ApplyOn: 'PublishedVersions', OptimizationStatus: 'Off' }, 'SnapStart never applies to $LATEST');
  const published = await client.send(new PublishVersionCommand({ FunctionName: 'snap', Description: 'first' }));
  assert.equal(published.Version, '1');
  assert.equal(published.State, 'Pending');
  assert.equal(published.LastUpdateStatus, 'InProgress');
  assert.equal(published.Description, 'first');
  assert.match(published.FunctionArn ?? '', /:function:snap:1$/);
  await assert.rejects(invoke('snap', '1'), (err: Error) => err.name === 'ResourceConflictException' && /Pending/.test(err.message));

  const active = await waitActive('snap', '1');
  assert.equal(active.State, 'Active');
  assert.equal(active.LastUpdateStatus, 'Successful');
  assert.deepEqual(active.SnapStart, { ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' });

  const first = await invoke('snap', '1');
  assert.equal(first.out.ExecutedVersion, '1');
  assert.equal(first.report?.initDurationMs, null, 'a restored environment reports no Init Duration');
  assert.ok((first.report?.restoreDurationMs ?? 0) > 0, `Restore Duration expected in: ${first.log}`);
  assert.ok((first.report?.billedRestoreDurationMs ?? -1) >= 0, 'Billed Restore Duration is reported');
  assert.match(first.log, /RESTORE_START/);
  assert.equal(first.body.message, 'snap');
  const pids = lambda.functions.get('snap')!.pids;
  assert.equal(pids.length, 1);
  assert.ok(processAlive(pids[0]!), 'the restored environment is a live process');

  const second = await invoke('snap', '1');
  assert.equal(second.report?.restoreDurationMs, null, 'only the first invoke of an environment is a restore');
  assert.equal(second.body.fingerprint, first.body.fingerprint, 'the snapshot carries the initialised state');
});

test('a version freezes the configuration; PublishVersion without a change returns the last version; numbers are never reused', async () => {
  await update('plain', { GREETING: 'v1' });
  const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'plain' }));
  assert.equal(v1.State, 'Active', 'without SnapStart a version is Active at once');
  const again = await client.send(new PublishVersionCommand({ FunctionName: 'plain' }));
  assert.equal(again.Version, v1.Version, 'nothing changed: no new version');

  await update('plain', { GREETING: 'v2' });
  const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'plain' }));
  assert.equal(Number(v2.Version), Number(v1.Version) + 1);
  const fromV1 = await invoke('plain', v1.Version);
  assert.equal(fromV1.body.greeting, 'v1', 'version 1 keeps the environment it was published with');
  assert.ok((fromV1.report?.initDurationMs ?? 0) > 0, 'a version without SnapStart starts with an Init');
  assert.equal((await invoke('plain')).body.greeting, 'v2');

  await client.send(new DeleteFunctionCommand({ FunctionName: 'plain', Qualifier: v2.Version }));
  await assert.rejects(configOf('plain', v2.Version), (err: Error) => err.name === 'ResourceNotFoundException');
  await update('plain', { GREETING: 'v3' });
  const v3 = await client.send(new PublishVersionCommand({ FunctionName: 'plain' }));
  assert.equal(Number(v3.Version), Number(v2.Version) + 1, 'a deleted version number is not reused');
  await assert.rejects(client.send(new DeleteFunctionCommand({ FunctionName: 'plain', Qualifier: '$LATEST' })), (err: Error) => err.name === 'InvalidParameterValueException');
});

test('PublishVersion during an update is refused with 409; versions are listed in pages', async () => {
  await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'plain', Environment: { Variables: { GREETING: 'busy' } } }));
  await assert.rejects(client.send(new PublishVersionCommand({ FunctionName: 'plain' })), (err: Error) => err.name === 'ResourceConflictException');
  for (let i = 0; i < 400 && (await configOf('plain')).LastUpdateStatus !== 'Successful'; i++) await new Promise((resolve) => setTimeout(resolve, 25));

  const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'plain', MaxItems: 2 }));
  assert.equal(page.Versions?.length, 2);
  assert.ok(page.NextMarker, 'more than one page');
  const all: string[] = [];
  for await (const p of paginateListVersionsByFunction({ client, pageSize: 2 }, { FunctionName: 'plain' })) all.push(...(p.Versions ?? []).map((v) => v.Version ?? ''));
  assert.deepEqual(all, ['$LATEST', ...lambda.functions.get('plain')!.versionNumbers]);
});

test('a SnapStart version whose init fails ends Failed with the reason; bad SnapStart options are refused', async () => {
  await client.send(new PublishVersionCommand({ FunctionName: 'broken-snap' }));
  const failed = await waitActive('broken-snap', '1');
  assert.equal(failed.State, 'Failed');
  assert.match(failed.StateReason ?? '', /cannot load the configuration/);
  assert.throws(() => parseLambdaEmulatorOptions({ functions: [{ name: 'x', handler: 'hello.handler', snapStart: true }] }, process.cwd()), /snapStart: .*not a \.cjs module/);
});
