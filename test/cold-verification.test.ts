import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyCold, runColdPhase } from '../bench/phases/cold.js';
import { HttpAdapter } from '../bench/adapters/http.js';
import type { Invocation } from '../bench/adapters/types.js';
import type { HttpTarget } from '../bench/config/schema.js';
import { nullJournal } from '../bench/journal.js';
import { startHttpService } from './helpers/servers.js';

const ok = (over: Partial<Invocation>): Invocation => ({ startedAtMs: 0, latencyUs: 1, status: 200, error: null, ...over });

test('the platform word wins; else an unseen instance is cold; else unknown', () => {
  const seen = new Set(['a']);
  assert.equal(verifyCold(ok({ platformCold: true, instance: 'a' }), seen, true), true);
  assert.equal(verifyCold(ok({ platformCold: false, instance: 'new' }), seen, true), false);
  assert.equal(verifyCold(ok({ instance: 'b' }), seen, true), true);
  assert.equal(verifyCold(ok({ instance: 'a' }), seen, true), false);
  assert.equal(verifyCold(ok({ instance: null }), seen, true), null, 'header configured but missing');
  assert.equal(verifyCold(ok({ instance: 'b' }), seen, false), null, 'no instanceHeader configured');
  assert.equal(verifyCold(ok({ error: 'http5xx', instance: 'b' }), seen, true), null, 'a failed call says nothing');
  assert.equal(verifyCold(ok({ platformCold: null, instance: 'b' }), seen, true), null, 'the platform says nothing can tell: unverified even when new');
});

test("an instance's uptime decides before its id: cold only if it started after the request was sent", () => {
  const seen = new Set(['a']);
  const latencyUs = 400_000;
  assert.equal(verifyCold(ok({ latencyUs, instanceUptimeUs: 250_000, instance: 'b' }), seen, true), true, 'up 250 ms after a 400 ms request');
  assert.equal(verifyCold(ok({ latencyUs, instanceUptimeUs: 5_000_000, instance: 'b' }), seen, true), false, 'new id, but up before the request');
  assert.equal(verifyCold(ok({ latencyUs, instanceUptimeUs: 250_000, instance: 'a' }), seen, false), true, 'no instance header needed');
  assert.equal(verifyCold(ok({ latencyUs, instanceUptimeUs: null, instance: 'b' }), seen, true), true, 'no uptime in the answer: the id decides');
});

test('against a real scale-to-zero service: idle waits give verified cold starts, none gives warm ones', async () => {
  // Two services, so no outcome hangs on scheduling: `brief` (150 ms idle window) is only ever
  // waited out (strategy idle waits 400 ms; both timers run in this process, so the window always
  // closes first); `steady` (60 s window) serves the calls that must find its instance still up.
  const initDelayMs = 50;
  const brief = await startHttpService({ name: 'brief', idle: 150, initDelay: initDelayMs, latency: 2 });
  after(() => brief.stop());
  const steady = await startHttpService({ name: 'steady', idle: 60_000, initDelay: initDelayMs, latency: 2 });
  after(() => steady.stop());
  const base = {
    kind: 'http' as const, region: 'local', method: 'GET', headers: {}, timeoutMs: 10_000,
    warm: null, thresholds: [], pricing: {},
  };
  const ctx = { baseDir: process.cwd(), signal: new AbortController().signal, log: () => {}, journal: nullJournal, timeoutMs: 10_000 };

  const coldTarget: HttpTarget = { ...base, name: 'brief', url: brief.url, cold: { samples: 3, strategy: 'idle', idleMs: 400, instanceHeader: 'x-instance-id', waitTimeoutMs: 10_000, pollIntervalMs: 0 } };
  const seen = new Set<string>();
  const cold = await runColdPhase(new HttpAdapter(coldTarget, ctx), coldTarget.cold!, { signal: ctx.signal, seenInstances: seen });
  assert.equal(cold.verified, 3, JSON.stringify(cold.samples.map((s) => [s.instance, s.cold])));
  assert.equal(new Set(cold.samples.map((s) => s.instance)).size, 3, 'every sample served by a new process');
  assert.equal(brief.starts, 3);
  assert.equal(cold.summary.count, 3);

  const warmTarget: HttpTarget = { ...base, name: 'steady', url: steady.url, cold: { samples: 3, strategy: 'none', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 10_000, pollIntervalMs: 0 } };
  const warm = await runColdPhase(new HttpAdapter(warmTarget, ctx), warmTarget.cold!, { signal: ctx.signal, seenInstances: seen });
  // The first request starts an instance (cold), the next two reuse it: flagged, kept, not in the histogram.
  assert.deepEqual(warm.samples.map((s) => s.cold), [true, false, false]);
  assert.equal(steady.starts, 1, 'one instance served all three');
  assert.equal(warm.samples.length, 3);
  assert.equal(warm.summary.count, 1);
  assert.equal(warm.notCold, 2);
  // A process start is in the cold sample: at least the instance's initialisation (busy CPU work).
  assert.ok(warm.samples[0]!.latencyUs >= initDelayMs * 1000, `the cold sample (${warm.samples[0]!.latencyUs} us) includes the ${initDelayMs} ms initialisation`);
  for (const s of cold.samples) assert.ok(s.latencyUs >= initDelayMs * 1000, `cold sample ${s.seq} (${s.latencyUs} us) includes the initialisation`);
});
