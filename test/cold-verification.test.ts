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
  const service = await startHttpService({ name: 'svc', idle: 150, initDelay: 50, latency: 2 });
  after(() => service.stop());
  const base = {
    name: 'svc', kind: 'http' as const, region: 'local', url: service.url, method: 'GET', headers: {}, timeoutMs: 10_000,
    warm: null, thresholds: [], pricing: {},
  };
  const ctx = { baseDir: process.cwd(), signal: new AbortController().signal, log: () => {}, journal: nullJournal, timeoutMs: 10_000 };

  const coldTarget: HttpTarget = { ...base, cold: { samples: 3, strategy: 'idle', idleMs: 400, instanceHeader: 'x-instance-id', waitTimeoutMs: 10_000, pollIntervalMs: 0 } };
  const seen = new Set<string>();
  const cold = await runColdPhase(new HttpAdapter(coldTarget, ctx), coldTarget.cold!, { signal: ctx.signal, seenInstances: seen });
  assert.equal(cold.verified, 3, JSON.stringify(cold.samples.map((s) => [s.instance, s.cold])));
  assert.equal(new Set(cold.samples.map((s) => s.instance)).size, 3, 'every sample served by a new process');
  assert.equal(service.starts, 3);
  assert.equal(cold.summary.count, 3);

  await new Promise((resolve) => setTimeout(resolve, 500)); // let the last instance be reaped
  const warmTarget: HttpTarget = { ...base, cold: { samples: 3, strategy: 'none', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 10_000, pollIntervalMs: 0 } };
  const warm = await runColdPhase(new HttpAdapter(warmTarget, ctx), warmTarget.cold!, { signal: ctx.signal, seenInstances: seen });
  // The first request starts an instance (cold), the next two reuse it: flagged, kept, not in the histogram.
  assert.deepEqual(warm.samples.map((s) => s.cold), [true, false, false]);
  assert.equal(warm.samples.length, 3);
  assert.equal(warm.summary.count, 1);
  assert.equal(warm.notCold, 2);
  assert.ok(warm.samples[0]!.latencyUs > warm.samples[1]!.latencyUs, 'a process start is slower than a warm answer');
});
