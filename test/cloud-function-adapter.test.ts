// The cloud-function adapter end to end against the local emulator, through the real
// @google-cloud/functions and @google-cloud/run clients and google-auth-library (credentials and
// ID tokens from the emulator's metadata server): update-config deploys new revisions of the
// function's Cloud Run service through the Cloud Run API (no Cloud Build), four samples are all
// verified cold by the instance's uptime, warm calls reuse the instance, every call carries an ID
// token for the service URL's origin, and the service's template comes back exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { COLD_START_ANNOTATION, CloudFunctionAdapter } from '../bench/adapters/cloud-function.js';
import { verifyCold } from '../bench/phases/cold.js';
import { cloudFunctionTarget, startCloudFunctionsForTest, testContext, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
let adapter: CloudFunctionAdapter | null = null;

before(async () => {
  emulator = await startCloudFunctionsForTest();
});

after(async () => {
  await adapter?.restore().catch(() => undefined);
  await adapter?.close();
  await emulator?.stop();
});

test('update-config: four cold samples on new revisions, all verified cold, zero builds, template restored exactly', async () => {
  const originalTemplate = emulator.templateOf('hello');
  const originalEnv = emulator.environmentOf('hello');
  const originalRevision = emulator.revisionOf('hello');
  assert.ok(originalTemplate.revision, 'Cloud Functions named the revision in the template');
  const ctx = testContext();
  const subject = new CloudFunctionAdapter(cloudFunctionTarget(emulator, {}), ctx);
  adapter = subject;
  await subject.prepare();

  const seen = new Set<string>();
  const revisions = new Set<string>([originalRevision]);
  for (let seq = 0; seq < 4; seq += 1) {
    const prep = await subject.forceCold(seq);
    assert.ok((prep.controlPlaneUs ?? 0) > 0, 'control-plane time is reported');
    const revision = emulator.revisionOf('hello');
    assert.ok(!revisions.has(revision), `sample ${seq} runs on a new revision`);
    revisions.add(revision);
    assert.match(String((emulator.templateOf('hello').annotations as Record<string, string>)[COLD_START_ANNOTATION]), new RegExp(`-${seq}$`));

    const cold = await subject.sampleCold(seq);
    assert.equal(cold.status, 200, cold.errorMessage);
    const instance = cold.instance ?? '';
    assert.ok(instance.startsWith(revision), 'the instance runs the new revision');
    assert.ok(!seen.has(instance), `sample ${seq} is served by an instance never seen before`);
    assert.equal(typeof cold.instanceUptimeUs, 'number', 'the uptime header is read');
    assert.ok((cold.instanceUptimeUs ?? Infinity) <= cold.latencyUs, 'the instance started after the request was sent');
    assert.equal(verifyCold(cold, seen, true), true, `sample ${seq} is verified cold`);
    assert.equal(cold.extra?.revision, revision);
    seen.add(instance);

    const warm = await subject.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.equal(warm.instance, instance, 'a warm call right after reuses the instance');
    assert.equal(verifyCold(warm, seen, true), false, 'a warm call is verified not cold by its uptime');
  }

  assert.equal(emulator.builds('hello'), 0, 'no Cloud Build ran');
  assert.deepEqual(emulator.updateRequests('hello'), [], 'the Functions API was never asked to update');
  const updates = emulator.serviceUpdates('hello');
  assert.equal(updates.length, 4);
  assert.ok(updates.every((u) => u.outcome === 'started' && u.revision === ''), 'each update cleared the revision name and deployed');
  const stats = emulator.stats('hello');
  assert.equal(stats.rejected, 0, `no call was refused: ${[...stats.rejections].join(', ')}`);
  assert.deepEqual([...stats.audiences], [emulator.functionUrl('hello')], 'every ID token had the service URL origin as audience');
  assert.equal(stats.servedByDeploymentInstance, 0, 'no sample landed on an instance a deployment started');
  assert.ok(stats.deploymentStarts >= 4, 'each deployment started an instance');

  // The template (revision name included) is back exactly, with no build, and the journal closed.
  await subject.restore();
  assert.deepEqual(emulator.templateOf('hello'), originalTemplate);
  assert.deepEqual(emulator.environmentOf('hello'), originalEnv);
  assert.equal(emulator.revisionOf('hello'), originalRevision, 'the original revision serves again');
  assert.equal(emulator.builds('hello'), 0);
  assert.deepEqual(ctx.restored, [ctx.entries[0]?.id]);
  await subject.restore(); // idempotent
  assert.equal(ctx.restored.length, 1);

  // The journal and describe() hold no variable values and no token.
  const written = JSON.stringify({ journal: ctx.entries, describe: subject.describe() });
  assert.ok(!written.includes('s3cret-value-123'), 'no variable value in the journal or describe()');
  assert.ok(!written.includes('eyJ'), 'no token in the journal or describe()');
});

test('describe() gives the memory and CPU configuration for cost estimates', async () => {
  assert.ok(adapter);
  const facts = adapter.describe();
  assert.equal(facts.availableMemory, '256M');
  assert.equal(facts.memoryMb, 256);
  assert.equal(facts.availableCpu, '0.1666');
  assert.equal(facts.cpu, 0.1666);
  assert.equal(facts.url, emulator.functionUrl('hello'));
  assert.equal(facts.state, 'ACTIVE');
});

test('warm load is plain HTTP with an Authorization header, and refreshHeaders() gives a working token', async () => {
  assert.ok(adapter);
  const load = adapter.warmLoad();
  assert.equal(load.type, 'http');
  assert.equal(load.request.url, emulator.functionUrl('hello'));
  assert.match(load.request.headers.authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const before = emulator.stats('hello').served;
  for (const headers of [load.request.headers, await load.request.refreshHeaders!()]) {
    const res = await fetch(load.request.url, { method: load.request.method, headers });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-instance-id'));
    await res.arrayBuffer();
  }
  assert.equal(emulator.stats('hello').served, before + 2);
  assert.equal(emulator.stats('hello').rejected, 0);
});
