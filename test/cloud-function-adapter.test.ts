// The cloud-function adapter end to end against the local emulator, through the real
// @google-cloud/functions v2 client and google-auth-library (credentials and ID tokens from the
// emulator's metadata server): forced cold samples land on new instances, warm calls reuse one,
// every call carries an ID token for the function URL, and the variables come back exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudFunctionAdapter, NONCE_VARIABLE } from '../bench/adapters/cloud-function.js';
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

test('update-config cold samples each start a new instance; warm calls reuse it; variables restored exactly', async () => {
  const original = emulator.environmentOf('hello');
  const ctx = testContext();
  const subject = new CloudFunctionAdapter(cloudFunctionTarget(emulator), ctx);
  adapter = subject;
  await subject.prepare();

  const url = emulator.functionUrl('hello');
  const seen = new Set<string>();
  const revisions = new Set<string>([emulator.revisionOf('hello')]);
  for (let seq = 0; seq < 3; seq += 1) {
    const prep = await subject.forceCold(seq);
    assert.ok((prep.controlPlaneUs ?? 0) > 0, 'control-plane time is reported');
    const revision = emulator.revisionOf('hello');
    assert.ok(!revisions.has(revision), `sample ${seq} runs on a new revision`);
    revisions.add(revision);
    assert.match(emulator.environmentOf('hello')[NONCE_VARIABLE] ?? '', new RegExp(`-${seq}$`));

    const cold = await subject.sampleCold(seq);
    assert.equal(cold.status, 200, cold.errorMessage);
    assert.equal(cold.error, null);
    assert.ok(cold.instance, 'the instance header is captured');
    assert.ok(!seen.has(cold.instance), `sample ${seq} is served by an instance never seen before`);
    assert.ok(cold.instance.startsWith(revision), 'the instance runs the new revision');
    assert.equal(cold.extra?.revision, revision);
    assert.ok(cold.timing?.connectUs !== null, 'a cold sample opens a fresh connection');
    seen.add(cold.instance);

    const warm = await subject.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.equal(warm.instance, cold.instance, 'a warm call right after reuses the instance');
  }

  const stats = emulator.stats('hello');
  assert.equal(stats.rejected, 0, `no call was refused: ${[...stats.rejections].join(', ')}`);
  assert.deepEqual([...stats.audiences], [url], 'every ID token had the function URL as audience');
  assert.equal(stats.served, 6);
  assert.equal(stats.starts, 3);

  // Original variables (including a would-be secret) are back, exactly, and the journal closed.
  await subject.restore();
  assert.deepEqual(emulator.environmentOf('hello'), original);
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
