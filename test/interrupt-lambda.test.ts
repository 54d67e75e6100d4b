// Interrupting forced Lambda cold starts (cold.strategy: update-config) against the local Lambda
// emulator, which runs in this test process so it outlives the harness: Ctrl-C (once, or twice
// without waiting) leaves the function's environment exactly as before, read back through
// GetFunctionConfiguration; after kill -9 the journal says what is pending, `coldbench restore`
// undoes it and `coldbench report` rebuilds the reports from the checkpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { checkpointedColdSamples, runColdbench, spawnColdbench, startLambdaForTest, waitFor, type LocalLambda } from './helpers/servers.js';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import type { RunResults } from '../bench/results/types.js';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
const ENV = { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

let dir = '';
let lambda: LocalLambda;
let client: LambdaClient;
const kills: Array<() => void> = [];
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-interrupt-lambda-'));
  lambda = await startLambdaForTest();
  client = new LambdaClient({ region: lambda.region, endpoint: lambda.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  for (const kill of kills) kill();
  client?.destroy();
  await lambda?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function environmentOf(fn: string): Promise<Record<string, string> | undefined> {
  const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
  return config.Environment?.Variables;
}

/** A target file that forces many cold starts of `hello` (far more than any test waits for). */
function writeTargetFile(name: string, on: LocalLambda = lambda): { file: string; out: string } {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: lambda-${name}
    kind: lambda
    region: ${on.region}
    endpoint: ${on.endpoint}
    function: hello
    cold: { samples: 200, strategy: update-config, pollInterval: 25ms, waitTimeout: 20s }
    warm: { requests: 10, connections: 1 }
`,
  );
  return { file, out: path.join(dir, `out-${name}`) };
}

function readResults(out: string): RunResults {
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
}

test('Ctrl-C in the middle of forced Lambda cold starts restores the environment exactly and writes partial results', async () => {
  const original = await environmentOf('hello');
  assert.deepEqual(original, { GREETING: 'hi', DB_PASSWORD: 'not-in-journal' });
  const { file, out } = writeTargetFile('ctrl-c');
  const run = spawnColdbench(['run', file, '--out', out], { env: ENV });
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) >= 3, 'three forced cold samples');
  assert.ok((await environmentOf('hello'))?.COLDBENCH_NONCE, 'the run really changed the environment');
  run.child.kill('SIGINT');
  const result = await run.done;

  assert.equal(result.code, 130, result.stderr);
  assert.deepEqual(await environmentOf('hello'), original, 'environment exactly as before');
  assert.deepEqual(pendingChanges(out), [], 'the journal marks the change restored');

  const results = readResults(out);
  assert.equal(results.run.partial, true);
  const cold = results.targets[0]?.phases.cold;
  const checkpointed = checkpointedColdSamples(out);
  assert.ok(cold, 'the cold phase is in results.json although it ended by the interrupt');
  assert.equal(cold.samples.length, checkpointed, 'every sample taken so far');
  assert.ok(checkpointed >= 3);
  assert.ok(cold.samples.every((s) => s.cold === true && (s.initUs ?? 0) > 0), 'forced samples were verified cold (Init Duration)');
  assert.equal(results.targets[0]?.phases.warm, undefined);
});

test('a second Ctrl-C skips waiting but still restores; the reports can be rebuilt from the checkpoint', async () => {
  // An emulator of its own whose updates stay InProgress 2 s: the restore that the first Ctrl-C
  // starts has to wait for the update in flight, so the second Ctrl-C always arrives during it.
  const slow = await startLambdaForTest({ updateDuration: '2s' });
  const slowClient = new LambdaClient({ region: slow.region, endpoint: slow.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  after(async () => {
    slowClient.destroy();
    await slow.stop();
  });
  const environment = async () => (await slowClient.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }))).Environment?.Variables;
  const original = await environment();
  const { file, out } = writeTargetFile('double-ctrl-c', slow);
  const run = spawnColdbench(['run', file, '--out', out], { env: ENV });
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) >= 2, 'two forced cold samples');
  run.child.kill('SIGINT');
  await waitFor(() => run.stderr().includes('SIGINT: stopping'), 'the run to take the first Ctrl-C');
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /SIGINT again: restoring platform changes now/, 'the second Ctrl-C was taken while restoring');
  assert.deepEqual(await environment(), original, 'environment exactly as before');
  assert.deepEqual(pendingChanges(out), []);

  const rebuilt = path.join(dir, 'rebuilt-double');
  const report = await runColdbench(['report', out, '--out', rebuilt]);
  assert.equal(report.code, 0, report.stderr);
  const results = readResults(rebuilt);
  assert.equal(results.run.partial, true);
  assert.ok((results.targets[0]?.phases.cold?.samples.length ?? 0) >= 2);
});

test('kill -9 mid-run: `coldbench restore` undoes the journalled change, `coldbench report` rebuilds from the checkpoint', async () => {
  const original = await environmentOf('hello');
  const { file, out } = writeTargetFile('kill-9');
  const run = spawnColdbench(['run', file, '--out', out], { env: ENV });
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) >= 3, 'three forced cold samples');
  run.child.kill('SIGKILL');
  const killed = await run.done;
  assert.equal(killed.signal, 'SIGKILL');
  assert.ok(!existsSync(path.join(out, 'results.json')), 'a killed run wrote no results.json');
  const pending = pendingChanges(out);
  assert.equal(pending.length, 1, 'the journal names the change left behind');
  assert.equal(pending[0]?.kind, 'lambda');
  // The nonce is set from the first forced sample on (an update left InProgress carries one too).
  const leftBehind = await environmentOf('hello');
  assert.notDeepEqual(leftBehind, original, 'the killed run left the environment changed');

  const restore = await runColdbench(['restore', out], { env: ENV });
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /restored 1 platform change/);
  assert.deepEqual(await environmentOf('hello'), original, 'environment exactly as before');
  assert.deepEqual(pendingChanges(out), []);
  const again = await runColdbench(['restore', out], { env: ENV });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /nothing to restore/);

  const checkpointed = checkpointedColdSamples(out);
  const report = await runColdbench(['report', out]);
  assert.equal(report.code, 0, report.stderr);
  for (const name of ['results.json', 'summary.csv', 'samples.csv', 'summary.md', 'report.html']) assert.ok(existsSync(path.join(out, name)), `${name} rebuilt`);
  const results = readResults(out);
  assert.equal(results.run.partial, true);
  const target = results.targets[0]!;
  assert.equal(target.name, 'lambda-kill-9');
  assert.equal(target.kind, 'lambda', 'the kind comes from the checkpoint');
  assert.equal(target.region, lambda.region);
  assert.equal(target.phases.cold?.samples.length, checkpointed, 'at most the sample in flight is lost');
  assert.ok(checkpointed >= 3);
});

test('`coldbench restore` that cannot reach the platform exits 3 naming the change, and keeps it pending', async () => {
  const out = mkdtempSync(path.join(dir, 'unreachable-'));
  fileJournal(out).begin({
    id: 'lambda:gone:environment',
    kind: 'lambda',
    target: 'gone',
    undo: { key: 'COLDBENCH_NONCE', originalValue: null },
    location: { region: lambda.region, function: 'hello', endpoint: 'http://127.0.0.1:1' },
  });
  const result = await runColdbench(['restore', out], { env: ENV });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /^restoring gone: lambda:gone:environment\ncoldbench: could not restore gone \(lambda:gone:environment\): .+; the journal keeps them pending/);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  assert.equal(pendingChanges(out).length, 1);
});
