// The cloud-function adapter when things go wrong: a deployment whose revision fails to start,
// Ctrl-C in the middle of an operation, a function that does not exist or cannot be benchmarked
// (event-triggered, not ACTIVE: refused before any change), and a run killed before restore() (the
// journal entry alone undoes the change, also one an older coldbench wrote through the Functions
// API). In every case the service's template comes back exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { COLD_START_ANNOTATION, CloudFunctionAdapter, restoreFromJournal } from '../bench/adapters/cloud-function.js';
import { environmentDigest } from '../bench/adapters/cloud-function-journal.js';
import { TargetFailure } from '../bench/errors.js';
import { cloudFunctionTarget, until, startCloudFunctionsForTest, testContext, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

let emulator: CloudFunctionsEmulator;
const adapters: CloudFunctionAdapter[] = [];

before(async () => {
  emulator = await startCloudFunctionsForTest({
    functions: [
      { name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '100ms', buildDelay: '300ms', deploymentInstanceIdle: '300ms', environment: { GREETING: 'hi', API_KEY: 's3cret-value-123' } },
      { name: 'slow', region: TEST_REGION, idle: '30s', deployDelay: '1500ms', environment: { MODE: 'slow' } },
      { name: 'on-event', region: TEST_REGION, trigger: 'event' },
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

const annotation = (id: string) => (emulator.templateOf(id).annotations as Record<string, string> | undefined)?.[COLD_START_ANNOTATION];

test('a revision that fails to start fails the target with the platform reason; restore() brings the template back', async () => {
  const original = emulator.templateOf('hello');
  const { adapter, ctx } = newAdapter('hello');
  await adapter.prepare();
  await adapter.forceCold(0);
  emulator.injectUpdateFailures('hello', 1);
  await assert.rejects(adapter.forceCold(1), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /^cloud-function target gcf-hello: /);
    assert.match(err.message, /not ready and cannot serve traffic/);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
  assert.ok(annotation('hello'), 'the failed deployment left the annotation behind');
  await adapter.restore();
  assert.deepEqual(emulator.templateOf('hello'), original);
  assert.deepEqual(ctx.restored, [ctx.entries[0]?.id]);
});

test('Ctrl-C during a deployment stops the wait promptly, and restore() still works afterwards', async () => {
  const original = emulator.templateOf('slow');
  const { adapter, ctx } = newAdapter('slow');
  await adapter.prepare();
  // The operation is held on the platform until released: the abort always meets it running.
  const release = emulator.holdOperations('slow');
  const pending = adapter.forceCold(0);
  pending.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  await until('the deployment operation to be running', () => emulator.pendingOperation('slow') !== null);
  ctx.abort.abort();
  await assert.rejects(pending);
  assert.notEqual(emulator.pendingOperation('slow'), null, 'the wait ended while the operation still ran');
  release();
  // The operation may still run on the platform: restore waits for it (409) and then restores.
  await adapter.restore();
  assert.deepEqual(emulator.templateOf('slow'), original);
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

test('an event-triggered function is refused in prepare(), before any change', async () => {
  const { adapter, ctx } = newAdapter('on-event');
  await assert.rejects(adapter.prepare(), /cloud-function target gcf-on-event: function .*on-event is event-triggered .*not an HTTP function/);
  await adapter.forceCold(0).catch(() => undefined);
  assert.deepEqual(emulator.serviceUpdates('on-event'), [], 'no update was sent');
  assert.deepEqual(ctx.entries, [], 'nothing was journalled');
});

test('restoreFromJournal undoes a killed run from the journal entry alone, without storing any value', async () => {
  const original = emulator.templateOf('hello');
  const { adapter, ctx } = newAdapter('hello');
  await adapter.prepare();
  await adapter.forceCold(0);
  await adapter.forceCold(1);
  assert.notDeepEqual(emulator.templateOf('hello'), original);
  // The run "dies" here: no restore(). The journal has one open entry for the change.
  assert.equal(ctx.entries.length, 1);
  const entry = ctx.entries[0]!;
  assert.ok(!JSON.stringify(entry).includes('s3cret-value-123'), 'the journal holds no variable value');
  await restoreFromJournal(entry);
  assert.deepEqual(emulator.templateOf('hello'), original, 'the template and its revision name are back');
  await restoreFromJournal(entry); // nothing left to undo: no error, no change
  assert.deepEqual(emulator.templateOf('hello'), original);
  assert.equal(emulator.builds('hello'), 0, 'nothing was built');
});

test('an environment change journalled by an older coldbench is still undone (through the Functions API, which builds)', async () => {
  const original = emulator.environmentOf('hello');
  const { createAuth, createFunctionsClient, updateEnvironment } = await import('../bench/adapters/cloud-function-client.js');
  const client = await createFunctionsClient(await createAuth(), emulator.apiEndpoint);
  const name = `projects/${emulator.project}/locations/${TEST_REGION}/functions/hello`;
  try {
    await updateEnvironment(client, name, { ...original, COLDBENCH_COLD_START: 'old-run-0' }, { timeoutMs: 20_000, pollIntervalMs: 50 });
  } finally {
    await client.close();
  }
  const builds = emulator.builds('hello');
  assert.equal(builds, 1, 'a Functions-API update builds');
  await restoreFromJournal({
    id: 'cloud-function:old:environment',
    kind: 'cloud-function',
    target: 'old',
    undo: { nonceKey: 'COLDBENCH_COLD_START', originalNonceValue: null, originalDigest: environmentDigest(original) },
    location: { apiEndpoint: emulator.apiEndpoint, name },
  });
  assert.deepEqual(emulator.environmentOf('hello'), original);
  assert.equal(emulator.builds('hello'), builds + 1, 'and so does its undo');
});
