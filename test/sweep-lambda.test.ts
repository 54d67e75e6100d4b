// Done-when of `sweep:` on Lambda: a function whose init time falls with memory (the emulator's
// cpuByMemory: init CPU share = memory / 1,769 MB, as Lambda allocates CPU) swept over three memory
// sizes gives three target entries, each verified cold at its own memory, in the right order, and
// the function has its original memory afterwards, with nothing left pending in the journal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration } from '../bench/adapters/lambda-control.js';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { sweepModel } from '../bench/report-model/sweep.js';
import { startLambdaForTest, type LocalLambda } from './helpers/lambda.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-sweep-lambda-'));

before(async () => {
  lambda = await startLambdaForTest({ functions: [{ name: 'scaled', handler: 'hello.handler', memorySize: 512, cpuByMemory: true }] });
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  control?.destroy();
  await lambda?.stop();
});

test('a memory sweep gives one verified entry per variant, cold p50 falling with memory, and the original memory back', async () => {
  const file = path.join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `targets:
  - name: scaled
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: scaled
    sweep: { memory: [128, 256, 1024] }
    cold: { samples: 3, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 10, connections: 1 }
`,
  );
  const out = path.join(dir, 'out');
  const outcome = await runConfig(loadTargetFile(file), { out, progress: silentProgress, signal: new AbortController().signal });
  assert.equal(outcome.exitCode, 0);
  const targets = outcome.results.targets;
  assert.deepEqual(targets.map((t) => t.name), ['scaled[memory=128]', 'scaled[memory=256]', 'scaled[memory=1024]']);
  const coldP50 = targets.map((t) => {
    assert.equal(t.status, 'ok', t.failure);
    assert.equal(t.variantOf, 'scaled');
    assert.ok(t.platform.kind === 'lambda');
    assert.equal(t.platform.memorySizeMb, t.variant?.memory, 'each variant measured at its own memory');
    const cold = t.phases.cold!;
    assert.equal(cold.verified, 3, `${t.name}: every cold sample verified by Init Duration`);
    for (const s of cold.samples) assert.equal(s.extra.memorySizeMb, t.variant?.memory);
    assert.equal(t.phases.warm?.summary.errors, 0);
    assert.ok(t.cost?.per1MRequests !== null && t.cost?.per1MRequests !== undefined);
    return cold.summary.p50Us;
  });
  assert.ok(coldP50[0]! > coldP50[1]! && coldP50[1]! > coldP50[2]!, `cold p50 falls with memory: ${coldP50.join(' > ')} us`);

  const after = await readConfiguration(control, 'scaled');
  assert.equal(after.MemorySize, 512, 'the original memory is back');
  assert.deepEqual(pendingChanges(out), [], 'every journaled change restored');

  const model = sweepModel(outcome.results);
  assert.equal(model.length, 1);
  assert.deepEqual(model[0]!.rows.map((r) => r.label), ['memory=128', 'memory=256', 'memory=1024']);
});
