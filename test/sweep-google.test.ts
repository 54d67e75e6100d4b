// `sweep:` on Google against the emulator: a v2 function's memory and a Cloud Run service's
// concurrency, each variant a new revision of the same image measured as its own target entry
// whose platform facts show the variant; afterwards both templates are exactly the originals
// (a function's named revision included) and the journal has nothing pending.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { DEPLOYMENT_INSTANCE_IDLE, SETTLE, startCloudFunctionsForTest, TEST_REGION, type CloudFunctionsEmulator } from './helpers/cloud-function.js';

let emulator: CloudFunctionsEmulator;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-sweep-google-'));

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [{ name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '100ms', deploymentInstanceIdle: DEPLOYMENT_INSTANCE_IDLE }],
    services: [{ name: 'web', region: TEST_REGION, idle: '30s', deployDelay: '100ms', deploymentInstanceIdle: DEPLOYMENT_INSTANCE_IDLE }],
  });
});
after(async () => {
  await emulator?.stop();
});

test('a memory sweep of a function and a concurrency sweep of a service: new revisions measured, templates restored exactly', { timeout: 120_000 }, async () => {
  const functionBefore = emulator.templateOf('hello');
  const serviceBefore = emulator.templateOf('web');
  const cold = `{ strategy: update-config, samples: 1, instanceHeader: x-instance-id, instanceUptimeHeader: x-instance-uptime-ms, idle: ${SETTLE}, waitTimeout: 20s }`;
  const file = path.join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `targets:
  - name: fn
    kind: cloud-function
    project: ${emulator.project}
    region: ${TEST_REGION}
    function: hello
    apiEndpoint: ${emulator.apiEndpoint}
    sweep: { memory: ["512Mi", "1Gi"] }
    cold: ${cold}
    warm: { requests: 10, connections: 1 }
  - name: run
    kind: cloud-run
    project: ${emulator.project}
    region: ${TEST_REGION}
    service: web
    apiEndpoint: ${emulator.apiEndpoint}
    sweep: { concurrency: [1, 40] }
    cold: ${cold}
    warm: { requests: 10, connections: 1 }
`,
  );
  const out = path.join(dir, 'out');
  const outcome = await runConfig(loadTargetFile(file), { out, progress: silentProgress, signal: new AbortController().signal });
  const targets = outcome.results.targets;
  assert.deepEqual(targets.map((t) => t.name), ['fn[memory=512Mi]', 'fn[memory=1Gi]', 'run[concurrency=1]', 'run[concurrency=40]']);
  for (const t of targets) {
    assert.equal(t.status, 'ok', `${t.name}: ${t.failure ?? ''}`);
    assert.equal(t.phases.cold?.verified, 1, `${t.name}: its cold sample verified`);
    assert.equal(t.phases.warm?.summary.errors, 0);
  }
  const [fn512, fn1g, run1, run40] = targets;
  assert.ok(fn512!.platform.kind === 'cloud-function' && fn1g!.platform.kind === 'cloud-function');
  assert.deepEqual([fn512!.platform.availableMemory, fn1g!.platform.availableMemory], ['512Mi', '1Gi'], 'each variant measured with its own memory');
  assert.ok(run1!.platform.kind === 'cloud-run' && run40!.platform.kind === 'cloud-run');
  assert.deepEqual([run1!.platform.maxInstanceRequestConcurrency, run40!.platform.maxInstanceRequestConcurrency], [1, 40]);

  assert.deepEqual(emulator.templateOf('hello'), functionBefore, "the function's template is exactly the original");
  assert.deepEqual(emulator.templateOf('web'), serviceBefore, "the service's template is exactly the original");
  assert.deepEqual(pendingChanges(out), [], 'every journaled change restored');
});
