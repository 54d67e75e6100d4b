// The whole harness (CLI -> runner -> phases -> reporters) against the local Google emulator: a
// Cloud Functions target makes four cold samples through the Cloud Run API, all verified cold by the
// instance's uptime, with zero builds; a warm phase through the HTTP engine with the ID token;
// platform facts in results.json; no token or variable value in any output; and the function's
// service template restored exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResults } from '../bench/results/types.js';
import { runColdbench, SETTLE, startCloudFunctionsForTest, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;

before(async () => {
  emulator = await startCloudFunctionsForTest();
});
after(async () => {
  await emulator?.stop();
});

test('coldbench run: four forced cold samples all verified, zero builds, warm phase authorised, template restored', async () => {
  const original = emulator.templateOf('hello');
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-gcf-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: gcf
    kind: cloud-function
    project: ${emulator.project}
    region: ${TEST_REGION}
    function: hello
    apiEndpoint: ${emulator.apiEndpoint}
    cold:
      samples: 4
      strategy: update-config
      instanceHeader: x-instance-id
      instanceUptimeHeader: x-instance-uptime-ms
      idle: ${SETTLE}
      waitTimeout: 20s
    warm:
      requests: 150
      connections: 2
`,
  );
  const out = path.join(dir, 'report');
  // The CLI finds the emulator's metadata server through the environment, as ADC does on Google.
  const cli = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 90_000, env: emulator.env });
  assert.equal(cli.code, 0, cli.stderr);

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const target = results.targets[0]!;
  assert.equal(target.kind, 'cloud-function');
  const cold = target.phases.cold!;
  assert.equal(cold.samples.length, 4);
  assert.ok(cold.samples.every((s) => s.status === 200 && s.cold === true), 'every cold sample verified cold by its uptime');
  assert.equal(cold.verified, 4);
  assert.ok(cold.samples.every((s) => typeof s.extra.instanceUptimeMs === 'number' && typeof s.extra.revision === 'string'));
  const warm = target.phases.warm!;
  assert.equal(warm.requests, 150);
  assert.equal(warm.summary.errors, 0);
  assert.ok(target.platform.kind === 'cloud-function', 'the platform facts carry their kind');
  assert.equal(target.platform.memoryMb, 256);
  assert.equal(target.platform.availableCpu, '0.1666');

  const stats = emulator.stats('hello');
  assert.equal(stats.rejected, 0, `no call refused: ${[...stats.rejections].join(', ')}`);
  assert.deepEqual([...stats.audiences], [emulator.functionUrl('hello')]);
  assert.ok(stats.starts >= 4);
  assert.equal(emulator.builds('hello'), 0, 'no Cloud Build ran');
  assert.deepEqual(emulator.templateOf('hello'), original, 'the service template restored exactly');

  for (const name of readdirSync(out)) {
    const text = readFileSync(path.join(out, name), 'utf8');
    assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(text), `${name} holds no ID token`);
    assert.ok(!text.includes('s3cret-value-123'), `${name} holds no variable value`);
  }
});
