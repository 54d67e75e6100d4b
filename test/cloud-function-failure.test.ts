// The cloud-function adapter when things go wrong: an update whose operation fails, Ctrl-C in the
// middle of an operation, a function that does not exist, and a run killed before restore() (the
// journal entry alone undoes the change). In every case the variables come back exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudFunctionAdapter, NONCE_VARIABLE, restoreFromJournal } from '../bench/adapters/cloud-function.js';
import { TargetFailure } from '../bench/errors.js';
import { cloudFunctionTarget, startCloudFunctionsForTest, testContext, TEST_REGION, until, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
const adapters: CloudFunctionAdapter[] = [];

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [
      { name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '100ms', environment: { GREETING: 'hi', API_KEY: 's3cret-value-123' } },
      { name: 'slow', region: TEST_REGION, idle: '30s', deployDelay: '1500ms', environment: { MODE: 'slow' } },
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

function newAdapter(fn: string, extra: Record<string, unknown> = {}) {
  const ctx = testContext();
  const adapter = new CloudFunctionAdapter(cloudFunctionTarget(emulator, extra, fn), ctx);
  adapters.push(adapter);
  return { adapter, ctx };
}

test('a failed update operation fails the target with the platform reason; restore() brings the variables back', async () => {
  const original = emulator.environmentOf('hello');
  const { adapter, ctx } = newAdapter('hello');
  await adapter.prepare();
  await adapter.forceCold(0);
  emulator.injectUpdateFailures('hello', 1);
  await assert.rejects(adapter.forceCold(1), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /gcf-hello/);
    assert.match(err.message, /injected failure/);
    return true;
  });
  assert.ok(emulator.environmentOf('hello')[NONCE_VARIABLE], 'the failed update left the nonce behind');
  await adapter.restore();
  assert.deepEqual(emulator.environmentOf('hello'), original);
  assert.deepEqual(ctx.restored, [ctx.entries[0]?.id]);
});

test('Ctrl-C during an update stops the wait promptly, and restore() still works afterwards', async () => {
  const original = emulator.environmentOf('slow');
  const { adapter, ctx } = newAdapter('slow');
  await adapter.prepare();
  // The operation is held on the platform until released: the abort always meets it running.
  const release = emulator.holdOperations('slow');
  const pending = adapter.forceCold(0);
  pending.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  await until('the update operation to be running', () => emulator.pendingOperation('slow') !== null);
  ctx.abort.abort();
  await assert.rejects(pending);
  assert.notEqual(emulator.pendingOperation('slow'), null, 'the wait ended while the operation still ran');
  release();
  // The operation is still running on the platform: restore waits for it (409) and then restores.
  await adapter.restore();
  assert.deepEqual(emulator.environmentOf('slow'), original);
  assert.equal(ctx.restored.length, 1);
});

test('a function that does not exist gives one clear sentence naming it', async () => {
  const { adapter } = newAdapter('does-not-exist');
  await assert.rejects(adapter.prepare(), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /^cloud-function target gcf-does-not-exist: /);
    assert.match(err.message, /functions\/does-not-exist/);
    assert.match(err.message, /not found/);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
});

test('restoreFromJournal undoes a killed run from the journal entry alone, without storing any value', async () => {
  const original = emulator.environmentOf('hello');
  const { adapter, ctx } = newAdapter('hello');
  await adapter.prepare();
  await adapter.forceCold(0);
  await adapter.forceCold(1);
  assert.notDeepEqual(emulator.environmentOf('hello'), original);
  // The run "dies" here: no restore(). The journal has one open entry for the change.
  assert.equal(ctx.entries.length, 1);
  const entry = ctx.entries[0]!;
  assert.ok(!JSON.stringify(entry).includes('s3cret-value-123'), 'the journal holds no variable value');
  await restoreFromJournal(entry);
  assert.deepEqual(emulator.environmentOf('hello'), original);
  await restoreFromJournal(entry); // nothing left to undo: no error, no change
  assert.deepEqual(emulator.environmentOf('hello'), original);
});
