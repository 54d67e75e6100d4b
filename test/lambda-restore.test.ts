// Restoring the environment on the hard paths: Ctrl-C (AbortSignal) while an update is in progress,
// and a run killed with SIGKILL, undone afterwards by `coldbench restore <report-dir>` from the
// journal alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaAdapter, NONCE_KEY } from '../bench/adapters/lambda.js';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration } from '../bench/adapters/lambda-control.js';
import { Interrupted } from '../bench/errors.js';
import { JOURNAL_FILE, pendingChanges } from '../bench/journal.js';
import { adapterContext, lambdaTarget, memoryJournal, spawnColdbench, startLambdaForTest, until, withinHangBound, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-restore-'));

before(async () => {
  // An update stays InProgress 3 s: far longer than an abort takes to end the wait.
  lambda = await startLambdaForTest({ updateDuration: '3s' });
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  control?.destroy();
  await lambda?.stop();
});

test('Ctrl-C during an update: forceCold stops at once, and restore() still writes the original environment back', async () => {
  const original = await readConfiguration(control, 'hello');
  const controller = new AbortController();
  const adapter = new LambdaAdapter(lambdaTarget(lambda), adapterContext(memoryJournal(), controller.signal));
  try {
    await adapter.prepare();
    const forcing = adapter.forceCold(0);
    forcing.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
    await until('the update to be in progress', async () => (await readConfiguration(control, 'hello')).LastUpdateStatus === 'InProgress');
    controller.abort();
    await assert.rejects(forcing, (err) => err instanceof Interrupted);
    assert.equal((await readConfiguration(control, 'hello')).LastUpdateStatus, 'InProgress', 'the wait honours the signal: it ended before the update did');
    await adapter.restore(); // must ride out the 409 of the update still in progress
    const restored = await readConfiguration(control, 'hello');
    assert.equal(restored.LastUpdateStatus, 'Successful');
    assert.deepEqual(restored.Environment, original.Environment);
  } finally {
    await adapter.close();
  }
});

const cli = (args: string[]) => {
  const { child } = spawnColdbench(args);
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
};

test('a run killed with SIGKILL mid-phase is undone by `coldbench restore <dir>` from the journal', async () => {
  const original = await readConfiguration(control, 'hello');
  const file = path.join(dir, 'long.yaml');
  writeFileSync(
    file,
    `targets:
  - name: killed
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: hello
    cold: { samples: 50, pollInterval: 50ms }
    warm: false
`,
  );
  const out = path.join(dir, 'killed-run');
  const run = cli(['run', file, '--out', out]);
  const journal = path.join(out, JOURNAL_FILE);
  // Wait until the run has changed the function (nonce present), then kill it without warning.
  await until('the run to change the function', async () => existsSync(journal) && (await readConfiguration(control, 'hello')).Environment?.Variables?.[NONCE_KEY] !== undefined, {
    everyMs: 50,
    state: run.output,
  });
  run.child.kill('SIGKILL');
  await run.exited;
  assert.ok((await readConfiguration(control, 'hello')).Environment?.Variables?.[NONCE_KEY], `the run never changed the function:\n${run.output()}`);
  assert.equal(pendingChanges(out).length, 1);
  assert.ok(!readFileSync(journal, 'utf8').includes('not-in-journal'), 'no variable value of the function is written to the journal');

  const restore = cli(['restore', out]);
  const code = await withinHangBound(restore.exited, '`coldbench restore`');
  assert.equal(code, 0, restore.output());
  const restored = await readConfiguration(control, 'hello');
  assert.deepEqual(restored.Environment, original.Environment, 'environment back exactly as it was');
  assert.deepEqual(pendingChanges(out), []);
});
