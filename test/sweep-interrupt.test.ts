// A sweep interrupted (Ctrl-C: the run's signal aborted) in the middle of its second variant puts
// the original memory back, keeps what it measured (marked partial) and leaves nothing pending in
// the journal; after a killed run, `coldbench restore` puts it back from the journal alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration, waitUntilUpdated } from '../bench/adapters/lambda-control.js';
import { loadTargetFile } from '../bench/config/load.js';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import type { Progress } from '../bench/progress.js';
import { restoreFromReportDir } from '../bench/restore.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/lambda.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-sweep-interrupt-'));

before(async () => {
  lambda = await startLambdaForTest({ functions: [{ name: 'scaled', handler: 'hello.handler', memorySize: 512 }] });
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  control?.destroy();
  await lambda?.stop();
});

test('Ctrl-C during the second variant: what was measured stays, the original memory comes back', { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `targets:
  - name: scaled
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: scaled
    sweep: { memory: [256, 1024, 2048] }
    cold: { samples: 3, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 5, connections: 1 }
`,
  );
  const controller = new AbortController();
  // The first cold sample of the second variant is the moment to press Ctrl-C.
  const progress: Progress = {
    log() {},
    status(message) {
      if (message.startsWith('scaled[memory=1024]') && message.includes('cold 1/3')) controller.abort();
    },
    done() {},
  };
  const out = path.join(dir, 'interrupted');
  const outcome = await runConfig(loadTargetFile(file), { out, progress, signal: controller.signal });
  assert.equal(outcome.exitCode, 130);
  assert.equal(outcome.results.run.partial, true);
  const names = outcome.results.targets.map((t) => t.name);
  assert.deepEqual(names, ['scaled[memory=256]', 'scaled[memory=1024]'], 'the third variant was never applied');
  assert.equal(outcome.results.targets[0]!.status, 'ok');
  assert.equal(outcome.results.targets[1]!.status, 'partial');
  assert.ok((outcome.results.targets[1]!.phases.cold?.samples.length ?? 0) >= 1, 'the sample measured before Ctrl-C is kept');
  assert.equal((await readConfiguration(control, 'scaled')).MemorySize, 512);
  assert.deepEqual(pendingChanges(out), []);
});

test('after a killed run, coldbench restore puts the original memory back from the journal', { timeout: 60_000 }, async () => {
  const out = path.join(dir, 'killed');
  // What a run killed between the journal entry and its restore leaves: the entry, and the change.
  fileJournal(out).begin({
    id: 'sweep-lambda:scaled:memory',
    kind: 'sweep-lambda',
    target: 'scaled',
    undo: { memorySizeMb: 512 },
    location: { region: lambda.region, endpoint: lambda.endpoint, function: 'scaled' },
  });
  await control.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'scaled', MemorySize: 2048 }));
  await waitUntilUpdated(control, 'scaled', { timeoutMs: 10_000, pollIntervalMs: 50, log: () => undefined, label: 'scaled' });
  assert.equal((await readConfiguration(control, 'scaled')).MemorySize, 2048);

  const restored = await restoreFromReportDir(out, () => undefined);
  assert.equal(restored, 1);
  assert.equal((await readConfiguration(control, 'scaled')).MemorySize, 512);
  assert.deepEqual(pendingChanges(out), []);
});
