// The cloud-run adapter against the local emulator through the real @google-cloud/run client:
// update-config deploys new revisions of the same image (nothing built), four samples all verified
// cold by the instance's uptime, the template restored exactly (also from the journal alone after
// a killed run, and by `coldbench restore`); a target `url` with a path and a query still gets a token the service accepts
// (audience: the origin), and the service's concurrency serves a burst from one instance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import { CloudRunAdapter, cloudRunJournal } from '../bench/adapters/cloud-run.js';
import { COLD_START_ANNOTATION } from '../bench/adapters/cloud-run-revisions.js';
import { verifyCold } from '../bench/phases/cold.js';
import { cloudRunTarget, DEPLOYMENT_INSTANCE_IDLE, runColdbench, startCloudFunctionsForTest, testContext, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
const adapters: CloudRunAdapter[] = [];

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [],
    services: [
      { name: 'web', region: TEST_REGION, idle: '30s', deployDelay: '100ms', deploymentInstanceIdle: DEPLOYMENT_INSTANCE_IDLE, environment: { GREETING: 'hi', DB_PASSWORD: 's3cret-value-123' } },
      { name: 'burst', region: TEST_REGION, idle: '30s', maxInstanceRequestConcurrency: 80, environment: { LATENCY_MS: '300' } },
    ],
  });
});

after(async () => {
  for (const adapter of adapters) {
    await adapter.restore().catch(() => undefined);
    await adapter.close();
  }
  await emulator?.stop();
});

function newAdapter(service: string, extra: Record<string, unknown> = {}) {
  const ctx = testContext();
  const adapter = new CloudRunAdapter(cloudRunTarget(emulator, service, extra), ctx);
  adapters.push(adapter);
  return { adapter, ctx };
}

test('update-config: four verified cold samples on new revisions of the same image; the template comes back exactly', async () => {
  const original = emulator.templateOf('web');
  assert.equal(original.revision, undefined, 'a plain service lets Cloud Run name its revisions');
  const { adapter, ctx } = newAdapter('web');
  await adapter.prepare();
  const seen = new Set<string>();
  const revisions = new Set([emulator.revisionOf('web')]);
  for (let seq = 0; seq < 4; seq += 1) {
    await adapter.forceCold(seq);
    const revision = emulator.revisionOf('web');
    assert.ok(!revisions.has(revision), `sample ${seq} runs on a new revision`);
    revisions.add(revision);
    const cold = await adapter.sampleCold(seq);
    assert.equal(cold.status, 200, cold.errorMessage);
    assert.ok(cold.instance?.startsWith(revision));
    assert.equal(verifyCold(cold, seen, true), true, `sample ${seq} is verified cold (uptime ${cold.instanceUptimeUs} µs, latency ${cold.latencyUs} µs)`);
    seen.add(cold.instance ?? '');
  }
  const image = (template: Record<string, unknown>) => (template.containers as Array<{ image: string }>)[0]?.image;
  assert.equal(image(emulator.templateOf('web')), image(original), 'the new revisions run the same image');
  assert.equal(emulator.revisionsOf('web').length, 5, 'one revision per sample, after the original');
  assert.equal(emulator.stats('web').servedByDeploymentInstance, 0);
  assert.deepEqual([...emulator.stats('web').audiences], [emulator.serviceUrl('web')]);

  await adapter.restore();
  assert.deepEqual(emulator.templateOf('web'), original, 'the template is exactly the original');
  assert.deepEqual(ctx.restored, [ctx.entries[0]?.id]);
  assert.ok(!JSON.stringify(ctx.entries).includes('s3cret-value-123'), 'the journal holds no variable value');
  const facts = adapter.describe();
  assert.equal(facts.availableMemory, '512Mi');
  assert.equal(facts.cpu, 1);
  assert.equal(facts.maxInstanceRequestConcurrency, 80);
  assert.equal(facts.ready, 'CONDITION_SUCCEEDED');
});

test('a killed run is undone from its journal entry alone', async () => {
  const original = emulator.templateOf('web');
  const { adapter, ctx } = newAdapter('web');
  await adapter.prepare();
  await adapter.forceCold(0);
  await adapter.forceCold(1);
  assert.ok((emulator.templateOf('web').annotations as Record<string, string>)[COLD_START_ANNOTATION]);
  const entry = ctx.entries[0]!;
  await cloudRunJournal.restore(entry);
  assert.deepEqual(emulator.templateOf('web'), original);
  const updates = emulator.serviceUpdates('web').length;
  await cloudRunJournal.restore(entry); // nothing left to undo: no update
  assert.equal(emulator.serviceUpdates('web').length, updates);
  await assert.rejects(cloudRunJournal.restore({ ...entry, undo: { annotation: 7 } }), /undo\.annotation/);
});

test('coldbench restore <dir> puts the template back from the journal file of a killed run', async () => {
  const original = emulator.templateOf('web');
  const out = mkdtempSync(path.join(tmpdir(), 'coldbench-run-restore-'));
  try {
    const adapter = new CloudRunAdapter(cloudRunTarget(emulator, 'web'), { ...testContext(), journal: fileJournal(out) });
    await adapter.prepare();
    await adapter.forceCold(0);
    await adapter.close();
    // Killed here: no restore(); the journal file holds the change.
    assert.equal(pendingChanges(out).length, 1);
    const cli = await runColdbench(['restore', out], { env: emulator.env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(emulator.templateOf('web'), original);
    assert.deepEqual(pendingChanges(out), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a url with a path and a query gets a token for the origin, which the service accepts', async () => {
  const base = emulator.serviceUrl('web');
  const { adapter } = newAdapter('web', { url: `${base}/api/v1/items?limit=5`, cold: { samples: 1, strategy: 'none', instanceHeader: 'x-instance-id' } });
  await adapter.prepare();
  const before = emulator.stats('web').rejected;
  const result = await adapter.invoke({ fresh: true });
  assert.equal(result.status, 200, result.errorMessage);
  assert.equal(emulator.stats('web').rejected, before);
  assert.equal(emulator.issuedAudiences().at(-1), base, 'the token was asked for the origin');
  const load = adapter.warmLoad();
  assert.equal(load.request.url, `${base}/api/v1/items?limit=5`);
  // What Cloud Run refuses: the same call with a token whose audience has the path.
  const { GoogleAuth } = await import('google-auth-library');
  const pathToken = await (await new GoogleAuth().getIdTokenClient(`${base}/api/v1/items`)).getRequestHeaders();
  const refused = await fetch(load.request.url, { headers: { authorization: pathToken.get('authorization') ?? '' } });
  assert.equal(refused.status, 401);
  await refused.arrayBuffer();
});

test('maxInstanceRequestConcurrency: a burst of 8 concurrent requests is served by one instance', async () => {
  const { adapter } = newAdapter('burst', { cold: { samples: 1, strategy: 'none', instanceHeader: 'x-instance-id' } });
  await adapter.prepare();
  await adapter.invoke({ fresh: true }); // one instance up
  const results = await Promise.all(Array.from({ length: 8 }, () => adapter.invoke({ fresh: true })));
  assert.ok(results.every((r) => r.status === 200));
  assert.equal(new Set(results.map((r) => r.instance)).size, 1, 'one instance took all eight at once');
  assert.equal(emulator.stats('burst').starts, 1);
});
