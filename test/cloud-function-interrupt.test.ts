// Ctrl-C (SIGINT to the real CLI) while a Cloud Run operation on a function's service is pending:
// the target ends `partial` (interrupted, not failed), its template is restored, exit 130; a second SIGINT
// while the runner is already restoring does not restore a second time. The emulator runs in this
// process and holds the operations, so "pending" and "restoring" are states the test waits for,
// read from the emulator and from the CLI's own lines, never guessed with a sleep.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pendingChanges } from '../bench/journal.js';
import type { RunResults } from '../bench/results/types.js';
import { spawnColdbench, startCloudFunctionsForTest, TEST_REGION, waitFor, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-gcf-interrupt-'));
const kills: Array<() => void> = [];

before(async () => {
  emulator = await startCloudFunctionsForTest();
});
after(async () => {
  for (const kill of kills) kill();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function targetFile(name: string): { file: string; out: string } {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: gcf-${name}
    kind: cloud-function
    project: ${emulator.project}
    region: ${TEST_REGION}
    function: hello
    apiEndpoint: ${emulator.apiEndpoint}
    cold: { samples: 5, strategy: update-config, instanceHeader: x-instance-id, waitTimeout: 30s, pollInterval: 25ms }
    warm: { requests: 10, connections: 1 }
`,
  );
  return { file, out: path.join(dir, `out-${name}`) };
}

/** Cloud Run updates that put the original template back (they name its revision again). */
function restoringRequests(original: Record<string, unknown>, since: number) {
  return emulator.serviceUpdates('hello').slice(since).filter((u) => u.revision === original.revision);
}

/** Start a run, wait until its first update operation is pending (held by the emulator), interrupt
 *  it, and wait until it is restoring (its restoring update refused: the operation still runs). */
async function interruptWhilePending(name: string) {
  const original = emulator.templateOf('hello');
  const since = emulator.serviceUpdates('hello').length;
  const release = emulator.holdOperations('hello');
  const { file, out } = targetFile(name);
  const run = spawnColdbench(['run', file, '--out', out], { env: emulator.env });
  kills.push(run.kill, release);
  let stderr = '';
  run.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(() => emulator.pendingOperation('hello') !== null, 'the update operation to be pending');
  run.child.kill('SIGINT');
  await waitFor(() => /SIGINT: stopping/.test(stderr), 'the CLI to acknowledge the interrupt');
  await waitFor(() => restoringRequests(original, since).some((u) => u.outcome === 'busy'), 'the restoring update to meet the pending operation');
  return { run, out, original, since, release, stderr: () => stderr };
}

test('SIGINT while the deployment operation is pending: partial (not failed), template restored, exit 130', async () => {
  const { run, out, original, since, release } = await interruptWhilePending('once');
  release();
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  assert.deepEqual(emulator.templateOf('hello'), original, 'the template is exactly as before');
  assert.equal(restoringRequests(original, since).filter((u) => u.outcome !== 'busy').length, 1, 'restored once');
  assert.deepEqual(pendingChanges(out), [], 'the journal marks the change restored');
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  assert.equal(results.run.partial, true);
  const target = results.targets[0]!;
  assert.equal(target.status, 'partial', `an interrupted target is partial, not failed (failure: ${target.failure ?? 'none'})`);
  assert.equal(target.failure, undefined);
});

test('a second SIGINT while the runner is already restoring restores exactly once', async () => {
  const { run, out, original, since, release, stderr } = await interruptWhilePending('twice');
  run.child.kill('SIGINT');
  await waitFor(() => /SIGINT again/.test(stderr()), 'the CLI to acknowledge the second interrupt');
  release();
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  assert.deepEqual(emulator.templateOf('hello'), original, 'the template is exactly as before');
  const restoring = restoringRequests(original, since).filter((u) => u.outcome !== 'busy');
  assert.equal(restoring.length, 1, `one restoring update operation, not ${restoring.length}`);
  assert.deepEqual(pendingChanges(out), [], 'the journal marks the change restored');
});
