// The Lambda adapter against the local emulator through the real SDK: forced cold samples verified
// by Init Duration, concurrent warm invokes, strategies idle and none, error kinds, and the
// environment restored exactly with other functions untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaAdapter, NONCE_KEY } from '../bench/adapters/lambda.js';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { readConfiguration } from '../bench/adapters/lambda-control.js';
import { TargetFailure } from '../bench/errors.js';
import { adapterContext, lambdaTarget, memoryJournal, startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let control: ReturnType<typeof createLambdaClient>;
const config = (name: string) => readConfiguration(control, name);

before(async () => {
  lambda = await startLambdaForTest({
    // Far above the gap between two calls of one test (no environment is reaped in between), far
    // below strategy idle's wait (the reaper runs in this process, so the wait always outlasts it).
    idleTimeout: '2s',
    functions: [
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi', DB_PASSWORD: 'not-in-journal' } },
      { name: 'heavy', handler: 'heavy-init.handler', memorySize: 256 },
      { name: 'bystander', handler: 'hello.handler', environment: { KEEP: 'me' } },
      { name: 'throttled', handler: 'hello.handler', reservedConcurrency: 0 },
    ],
  });
  control = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  control?.destroy();
  await lambda?.stop();
});

test('update-config: every forced sample is verified cold with Init Duration; warm invokes are not; the environment comes back exactly', async () => {
  const original = await config('hello');
  const bystander = await config('bystander');
  const journal = memoryJournal();
  const adapter = new LambdaAdapter(lambdaTarget(lambda), adapterContext(journal));
  try {
    await adapter.prepare();
    assert.equal(adapter.describe().memorySizeMb, 128);
    assert.equal(adapter.describe().architecture, 'x86_64');
    assert.deepEqual(adapter.warmLoad(), { type: 'invoke' });
    const nonces = new Set<string>();
    for (let seq = 0; seq < 3; seq++) {
      const prep = await adapter.forceCold(seq);
      assert.ok((prep.controlPlaneUs ?? 0) > 0, 'control-plane time is recorded');
      nonces.add(prep.note ?? '');
      const live = await config('hello');
      assert.equal(live.LastUpdateStatus, 'Successful', 'forceCold returns only after the update finished');
      assert.equal(live.Environment?.Variables?.GREETING, 'hi', 'existing variables are kept');
      assert.equal(live.Environment?.Variables?.DB_PASSWORD, 'not-in-journal');
      const sample = await adapter.sampleCold(seq);
      assert.equal(sample.error, null, sample.errorMessage);
      assert.equal(sample.status, 200);
      assert.equal(sample.platformCold, true, `sample ${seq} not verified cold`);
      assert.ok(sample.initUs && sample.initUs > 0 && Number.isInteger(sample.initUs));
      assert.ok(sample.latencyUs > sample.initUs, 'the measured latency contains the init');
      assert.equal(sample.extra?.memorySizeMb, 128);
      assert.equal(typeof sample.extra?.durationMs, 'number');
      assert.equal(typeof sample.extra?.billedDurationMs, 'number');
      assert.equal(typeof sample.extra?.maxMemoryUsedMb, 'number');
      assert.equal(sample.extra?.restoreMs, null);
    }
    assert.equal(nonces.size, 3, 'each sample sets a new nonce');

    const warm = await Promise.all(Array.from({ length: 8 }, () => adapter.invoke({ fresh: false })));
    for (const w of warm) {
      assert.equal(w.error, null, w.errorMessage);
      assert.equal(w.platformCold, undefined, 'warm calls do not ask for the log tail');
    }
    assert.equal(journal.entries.length, 1, 'one journal entry per target, written before the first change');
    assert.ok(!JSON.stringify(journal.entries).includes('not-in-journal'), 'the journal never holds the function\'s own variable values');

    await adapter.restore();
    await adapter.restore(); // idempotent
    const restored = await config('hello');
    assert.deepEqual(restored.Environment, original.Environment, 'environment back exactly as it was');
    assert.equal(restored.Environment?.Variables?.[NONCE_KEY], undefined);
    assert.deepEqual(journal.restored, [journal.entries[0]?.id]);
    assert.equal((await config('bystander')).RevisionId, bystander.RevisionId, 'a function the target does not name is untouched');
  } finally {
    await adapter.close();
  }
});

test("a cold sample's initUs is the platform's Init Duration, for a light and a heavy module init", async () => {
  // The emulator test checks that Init Duration holds the module's own initialisation; here the
  // adapter must pass the platform's number through exactly (comparing the two functions' times
  // would compare two process starts on a machine that may be busy).
  const initOf = async (fn: string) => {
    const adapter = new LambdaAdapter(lambdaTarget(lambda, { function: fn }), adapterContext(memoryJournal()));
    try {
      await adapter.prepare();
      await adapter.forceCold(0);
      const sample = await adapter.sampleCold(0);
      assert.equal(sample.platformCold, true);
      return { initUs: sample.initUs ?? 0, reportedMs: lambda.functions.get(fn)!.reportedInitsMs.at(-1) };
    } finally {
      await adapter.restore();
      await adapter.close();
    }
  };
  for (const fn of ['hello', 'heavy']) {
    const { initUs, reportedMs } = await initOf(fn);
    assert.ok(reportedMs !== undefined && reportedMs > 0, `${fn}: the platform reported an Init Duration`);
    assert.equal(initUs, Math.round(reportedMs * 1000), `${fn}: initUs ${initUs} is the reported ${reportedMs} ms`);
  }
});

test('strategy idle gives natural cold starts without touching the configuration; none gives warm ones', async () => {
  const before_ = await config('hello');
  const journal = memoryJournal();
  const idle = new LambdaAdapter(lambdaTarget(lambda, { cold: { samples: 1, strategy: 'idle', idleMs: 3000, waitTimeoutMs: 5000, pollIntervalMs: 50 } }), adapterContext(journal));
  const none = new LambdaAdapter(lambdaTarget(lambda, { cold: { samples: 1, strategy: 'none', idleMs: 0, waitTimeoutMs: 5000, pollIntervalMs: 50 } }), adapterContext(journal));
  try {
    await idle.prepare();
    await idle.invoke({ fresh: false });
    await idle.forceCold(0);
    assert.equal((await idle.sampleCold(0)).platformCold, true, 'after more than idleTimeout the environment was reaped');
    await none.prepare();
    await none.forceCold(0);
    assert.equal((await none.sampleCold(0)).platformCold, false, 'without forcing, the warm environment answers');
    assert.equal(journal.entries.length, 0);
    assert.equal((await config('hello')).RevisionId, before_.RevisionId);
  } finally {
    await idle.restore();
    await none.restore();
    await idle.close();
    await none.close();
  }
});

test('error kinds: a throttle is "throttled" (one attempt), a handler error "function-error", a dead endpoint a network error', async () => {
  const throttled = new LambdaAdapter(lambdaTarget(lambda, { function: 'throttled' }), adapterContext(memoryJournal()));
  const failing = new LambdaAdapter(lambdaTarget(lambda, { payload: { fail: 'no luck' }, cold: null }), adapterContext(memoryJournal()));
  try {
    // Reserved concurrency 0 is refused up front (every invoke would be throttled); invoked anyway,
    // the throttle is counted as such.
    await assert.rejects(throttled.prepare(), (err: Error) => err instanceof TargetFailure && /reserved concurrency is 0/.test(err.message));
    const t = await throttled.invoke({ fresh: false });
    assert.equal(t.error, 'throttled');
    assert.equal(t.status, 429);
    assert.match(t.errorMessage ?? '', /TooManyRequestsException/);

    await failing.prepare();
    const f = await failing.invoke({ fresh: false });
    assert.equal(f.error, 'function-error');
    assert.equal(f.status, 200);
    assert.equal(f.errorMessage, 'Unhandled: TypeError: no luck');
  } finally {
    await throttled.close();
    await failing.close();
  }
  const dead = new LambdaAdapter(lambdaTarget(lambda, { endpoint: 'http://127.0.0.1:1' }), adapterContext(memoryJournal()));
  try {
    const d = await dead.invoke({ fresh: false });
    assert.equal(d.error, 'connection-refused');
    assert.equal(d.status, null);
    await assert.rejects(dead.prepare(), (err: Error) => err instanceof TargetFailure && err.message.includes('hello'));
  } finally {
    await dead.close();
  }
});

test('payload as JSON value, JSON text and @file; a Function URL switches the warm phase to HTTP', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-'));
  writeFileSync(path.join(dir, 'event.json'), '{"sleepMs": 1}');
  const { loadPayload } = await import('../bench/adapters/lambda.js');
  assert.equal(Buffer.from(await loadPayload({ a: 1 }, dir, 't')).toString(), '{"a":1}');
  assert.equal(Buffer.from(await loadPayload('{"b":2}', dir, 't')).toString(), '{"b":2}');
  assert.equal(Buffer.from(await loadPayload('plain', dir, 't')).toString(), '"plain"');
  assert.equal(Buffer.from(await loadPayload('@event.json', dir, 't')).toString(), '{"sleepMs": 1}');
  await assert.rejects(loadPayload('@missing.json', dir, 't'), (err: Error) => err instanceof TargetFailure && err.message.includes('missing.json'));
  const withUrl = new LambdaAdapter(lambdaTarget(lambda, { url: 'http://127.0.0.1:9/', body: '{}' }), adapterContext(memoryJournal()));
  assert.equal(withUrl.warmLoad().type, 'http');
  await withUrl.close();
});
