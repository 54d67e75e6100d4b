// A whole run (runConfig: cold phase, warm invoke loop, reports) against the emulator: every
// forced cold sample verified with the platform's Init Duration, platform numbers in samples.csv,
// and the function's environment restored exactly after a failure injected mid-run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration } from '../bench/adapters/lambda-control.js';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-run-'));

before(async () => {
  lambda = await startLambdaForTest();
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  control?.destroy();
  await lambda?.stop();
});

function targetFile(name: string, body: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `targets:\n${body}`);
  return file;
}

const lambdaTargetYaml = (name: string, fn: string, samples: number) => `
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: ${fn}
    cold: { samples: ${samples}, pollInterval: 50ms, waitTimeout: 10s }
    warm: { duration: 1s, connections: 3 }
`;

test('a run gives verified cold samples with init_ms and platform columns, a warm phase, and restores the environment', async () => {
  const original = await readConfiguration(control, 'hello');
  const heavyBefore = await readConfiguration(control, 'heavy');
  const out = path.join(dir, 'ok');
  const config = loadTargetFile(targetFile('ok', lambdaTargetYaml('hello-lambda', 'hello', 3)));
  const outcome = await runConfig(config, { out, progress: silentProgress, signal: new AbortController().signal });
  assert.equal(outcome.exitCode, 0);
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);
  const cold = target.phases.cold!;
  assert.equal(cold.samples.length, 3);
  assert.equal(cold.verified, 3, 'every forced sample verified cold by Init Duration');
  for (const s of cold.samples) {
    assert.ok(s.initUs && s.initUs > 0);
    assert.ok((s.controlPlaneUs ?? 0) > 0);
    assert.equal(s.strategy, 'update-config');
  }
  const warm = target.phases.warm!;
  // Each of the 3 workers starts a call at once, so at least 3 whatever the machine's speed; the
  // phase lasts its configured second.
  assert.ok(warm.requests >= 3, `warm phase made ${warm.requests} calls`);
  assert.equal(warm.connections, 3);
  assert.ok(warm.durationUs >= 1_000_000, `warm phase lasted ${warm.durationUs} us`);
  assert.equal(warm.summary.count, warm.requests);
  assert.equal(warm.summary.errors, 0);
  assert.ok(target.platform.kind === 'lambda', 'the platform facts carry their kind');
  assert.equal(target.platform.memorySizeMb, 128);

  const csv = readFileSync(path.join(out, 'samples.csv'), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  for (const column of ['init_ms', 'cold']) assert.ok(header.includes(column), `samples.csv lacks ${column}`);
  assert.ok(header.some((h) => /billed/i.test(h)), `samples.csv has no billed-duration column: ${csv[0]}`);
  const row = csv[1]!.split(',');
  assert.equal(row[header.indexOf('cold')], 'true');
  assert.ok(Number(row[header.indexOf('init_ms')]) > 0);

  assert.deepEqual((await readConfiguration(control, 'hello')).Environment, original.Environment);
  assert.equal((await readConfiguration(control, 'heavy')).RevisionId, heavyBefore.RevisionId, 'the other function is untouched');
  assert.deepEqual(pendingChanges(out), [], 'the journal shows the change restored');
});

test('an update that fails mid-run fails the target with the platform\'s reason, and the environment is still restored exactly', async () => {
  const original = await readConfiguration(control, 'hello');
  lambda.functions.get('hello')!.failUpdate('KMS key is disabled (injected)', 1); // the 2nd update fails
  const out = path.join(dir, 'failed');
  const config = loadTargetFile(targetFile('failed', lambdaTargetYaml('hello-lambda', 'hello', 3)));
  const outcome = await runConfig(config, { out, progress: silentProgress, signal: new AbortController().signal });
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'failed');
  assert.match(target.failure ?? '', /hello.*KMS key is disabled \(injected\)/);
  assert.ok(!/could not restore/.test(target.failure ?? ''), target.failure);
  const restored = await readConfiguration(control, 'hello');
  assert.equal(restored.LastUpdateStatus, 'Successful');
  assert.deepEqual(restored.Environment, original.Environment);
  assert.deepEqual(pendingChanges(out), []);
});

test('with a Function URL the warm phase is plain HTTP load through the normal warm engine', async () => {
  const urlFile = targetFile('url', `
  - name: hello-url
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: hello
    url: ${lambda.endpoint}/lambda-url/hello/
    cold: false
    warm: { requests: 30, connections: 2 }
`);
  const outcome = await runConfig(loadTargetFile(urlFile), { out: path.join(dir, 'url'), progress: silentProgress, signal: new AbortController().signal });
  const warm = outcome.results.targets[0]!.phases.warm!;
  assert.notEqual(warm.model, 'invoke');
  assert.equal(warm.requests, 30, `warm phase made ${warm.requests} requests`);
  assert.equal(warm.summary.count, 30);
  assert.equal(warm.summary.errors, 0);
  const response = await fetch(`${lambda.endpoint}/lambda-url/hello/`);
  assert.equal(response.status, 200);
  assert.ok(response.headers.get('x-instance-id'), 'the function names its environment');
  assert.equal((await response.json()).message, 'hello');
});
