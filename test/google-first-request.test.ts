// The first request after a new revision (docs/platforms.md): deploying a revision starts an
// instance, which the emulator keeps for `deploymentInstanceIdle` and which serves the first
// request if one comes. Its id was never seen before, so an instance header alone would call the
// sample cold: the uptime header shows the instance started before the request (not cold), and
// without an uptime header the sample stays unverified (never `true`), with a warning up front.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudRunAdapter } from '../bench/adapters/cloud-run.js';
import { runColdPhase, verifyCold } from '../bench/phases/cold.js';
import { cloudRunTarget, startCloudFunctionsForTest, testContext, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
const adapters: CloudRunAdapter[] = [];

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [],
    services: [{ name: 'linger', region: TEST_REGION, idle: '30s', deployDelay: '50ms', deploymentInstanceIdle: '30s' }],
  });
});

after(async () => {
  for (const adapter of adapters) {
    await adapter.restore().catch(() => undefined);
    await adapter.close();
  }
  await emulator?.stop();
});

function newAdapter(cold: Record<string, unknown>) {
  const ctx = testContext();
  const adapter = new CloudRunAdapter(cloudRunTarget(emulator, 'linger', { cold: { samples: 2, strategy: 'update-config', waitTimeout: '20s', ...cold } }), ctx);
  adapters.push(adapter);
  return { adapter, ctx };
}

test('a sample served by the instance the deployment started is new to the run but not cold', async () => {
  const { adapter } = newAdapter({ instanceHeader: 'x-instance-id', instanceUptimeHeader: 'x-instance-uptime-ms' });
  await adapter.prepare();
  const servedBefore = emulator.stats('linger').servedByDeploymentInstance;
  await adapter.forceCold(0);
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200, sample.errorMessage);
  assert.equal(emulator.stats('linger').servedByDeploymentInstance, servedBefore + 1, 'the deployment instance served the sample');
  assert.ok((sample.instanceUptimeUs ?? 0) > sample.latencyUs, 'its uptime is longer than the request took');
  assert.equal(verifyCold({ ...sample, instanceUptimeUs: undefined }, new Set(), true), true, 'by its id alone it would pass as cold');
  assert.equal(verifyCold(sample, new Set(), true), false, 'by its uptime it is not cold');
  await adapter.restore();
});

test('the cold phase records such samples as not cold and leaves them out of the histogram', async () => {
  const { adapter } = newAdapter({ instanceHeader: 'x-instance-id', instanceUptimeHeader: 'x-instance-uptime-ms' });
  await adapter.prepare();
  const cold = adapter['target'].cold!;
  const result = await runColdPhase(adapter, cold, { signal: new AbortController().signal, seenInstances: new Set() });
  assert.equal(result.samples.length, 2);
  assert.ok(result.samples.every((s) => s.cold === false && s.error === null));
  assert.equal(result.notCold, 2);
  assert.equal(result.verified, 0);
  assert.equal(result.summary.count, 0, 'no warm sample in the cold histogram');
  await adapter.restore();
});

test('without an uptime header, samples after a new revision stay unverified, and prepare() says why', async () => {
  const { adapter, ctx } = newAdapter({ instanceHeader: 'x-instance-id' });
  await adapter.prepare();
  assert.ok(ctx.lines.some((l) => /warning: .*cold samples will stay unverified.*cold\.instanceUptimeHeader/.test(l)), ctx.lines.join('\n'));
  await adapter.forceCold(0);
  const sample = await adapter.sampleCold(0);
  assert.equal(sample.status, 200);
  assert.ok(sample.instance, 'a new instance id came back');
  assert.equal(sample.platformCold, null);
  assert.equal(verifyCold(sample, new Set(), true), null, 'unverified, never true');
  await adapter.restore();
});
