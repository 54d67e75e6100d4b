// Cold strategy publish-version against the emulator: per sample a nonce change, PublishVersion,
// a wait until the version is Active (a SnapStart version's snapshot built), and an invoke of that
// version. SnapStart samples are all verified by Restore Duration (start_type restore, init_ms the
// restore time), on-demand ones by Init Duration (start_type init). Every version the run published
// is gone afterwards and $LATEST's environment is as before: at the end, after Ctrl-C, and after
// kill -9 followed by `coldbench restore`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaAdapter } from '../bench/adapters/lambda.js';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration } from '../bench/adapters/lambda-control.js';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import type { RunResults } from '../bench/results/types.js';
import { adapterContext, checkpointedColdSamples, lambdaTarget, memoryJournal, runColdbench, spawnColdbench, startLambdaForTest, waitFor, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-publish-version-'));
const kills: Array<() => void> = [];

before(async () => {
  lambda = await startLambdaForTest({
    snapStartDelay: '300ms',
    functions: [
      { name: 'snap', handler: 'snap-init.handler', snapStart: true, environment: { STAGE: 'bench', API_KEY: 'not-in-journal' } },
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi' } },
    ],
  });
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 20_000 });
});
after(async () => {
  for (const kill of kills) kill();
  control?.destroy();
  await lambda?.stop();
});

function targetFile(name: string, fn: string, samples: number, warm = 'false'): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: ${fn}
    cold: { strategy: publish-version, samples: ${samples}, pollInterval: 50ms, waitTimeout: 60s }
    warm: ${warm}
`,
  );
  return file;
}

const versionsLeft = (fn: string) => lambda.functions.get(fn)!.versionNumbers;

test('SnapStart: every sample is verified by Restore Duration; no version is left and $LATEST is restored', async () => {
  const original = await readConfiguration(control, 'snap');
  const out = path.join(dir, 'snap-run');
  const outcome = await runConfig(loadTargetFile(targetFile('snap-target', 'snap', 3, '{ requests: 20, connections: 1 }')), { out, progress: silentProgress, signal: new AbortController().signal });
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);
  const cold = target.phases.cold!;
  assert.equal(cold.samples.length, 3);
  assert.equal(cold.verified, 3, 'every sample verified cold by the platform');
  for (const s of cold.samples) {
    assert.equal(s.cold, true);
    assert.equal(s.extra.startType, 'restore');
    assert.ok((s.initUs ?? 0) > 0 && s.initUs === Math.round(Number(s.extra.restoreMs) * 1000), 'init_ms carries the Restore Duration');
    assert.ok((s.controlPlaneUs ?? 0) > 0);
    assert.equal(s.strategy, 'publish-version');
  }
  assert.equal(target.phases.warm?.summary.errors, 0, 'the warm phase invokes the last published version');
  assert.equal(target.platform.kind === 'lambda' && target.platform.snapStart, 'On', 'SnapStart applies to what is invoked');

  const csv = readFileSync(path.join(out, 'samples.csv'), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  assert.ok(header.indexOf('start_type') > header.indexOf('init_ms'), 'start_type comes after the contract columns');
  for (const row of csv.slice(1)) assert.equal(row.split(',')[header.indexOf('start_type')], 'restore');

  assert.deepEqual(versionsLeft('snap'), [], 'every published version was deleted');
  assert.ok(lambda.mutatingCalls('snap').filter((c) => c.operation === 'PublishVersion').length >= 3);
  assert.deepEqual((await readConfiguration(control, 'snap')).Environment, original.Environment);
  assert.deepEqual(pendingChanges(out), [], 'both journaled changes are marked restored');
  assert.ok(!readFileSync(path.join(out, 'journal.ndjson'), 'utf8').includes('not-in-journal'));
});

test('without SnapStart publish-version samples are verified by Init Duration (start_type init); SnapStart is reported for what is invoked', async () => {
  const out = path.join(dir, 'hello-run');
  const outcome = await runConfig(loadTargetFile(targetFile('hello-target', 'hello', 2)), { out, progress: silentProgress, signal: new AbortController().signal });
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);
  assert.deepEqual(target.phases.cold!.samples.map((s) => [s.cold, s.extra.startType]), [[true, 'init'], [true, 'init']]);
  assert.equal(target.platform.kind === 'lambda' && target.platform.snapStart, 'Off');
  assert.deepEqual(versionsLeft('hello'), []);

  // A SnapStart function invoked at $LATEST: SnapStart is not in play.
  const latest = new LambdaAdapter(lambdaTarget(lambda, { function: 'snap', cold: null }), adapterContext(memoryJournal()));
  try {
    await latest.prepare();
    assert.equal(latest.describe().snapStart, 'Off', "$LATEST's ApplyOn PublishedVersions is not reported as SnapStart in play");
  } finally {
    await latest.close();
  }
});

function readResults(out: string): RunResults {
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
}

test('Ctrl-C mid-run deletes every version published so far and restores $LATEST', async () => {
  const original = await readConfiguration(control, 'snap');
  const out = path.join(dir, 'ctrl-c');
  const run = spawnColdbench(['run', targetFile('snap-ctrl-c', 'snap', 100), '--out', out]);
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) >= 2, 'two publish-version samples', 120_000);
  assert.ok(versionsLeft('snap').length >= 1, 'the run has versions out');
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  assert.deepEqual(versionsLeft('snap'), [], 'no published version left');
  assert.deepEqual((await readConfiguration(control, 'snap')).Environment, original.Environment);
  assert.deepEqual(pendingChanges(out), []);
  const cold = readResults(out).targets[0]?.phases.cold;
  assert.ok(cold && cold.samples.length >= 2 && cold.samples.every((s) => s.cold === true && s.extra.startType === 'restore'));
});

test('kill -9 mid-run: `coldbench restore` deletes the leftover versions (found by their marker) and restores $LATEST', async () => {
  const original = await readConfiguration(control, 'snap');
  const out = path.join(dir, 'kill-9');
  const run = spawnColdbench(['run', targetFile('snap-kill', 'snap', 100), '--out', out]);
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) >= 1 && versionsLeft('snap').length >= 2, 'a sample taken and a second version published', 120_000);
  run.child.kill('SIGKILL');
  await run.done;
  assert.ok(versionsLeft('snap').length >= 2, 'the killed run left versions behind');
  assert.deepEqual(pendingChanges(out).map((c) => c.id).sort(), ['lambda:snap-kill:environment', 'lambda:snap-kill:versions']);

  const restore = await runColdbench(['restore', out]);
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /restored 2 platform changes/);
  assert.deepEqual(versionsLeft('snap'), [], 'every version of the killed run deleted');
  assert.deepEqual((await readConfiguration(control, 'snap')).Environment, original.Environment);
  assert.deepEqual(pendingChanges(out), []);
});
