import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { runClosedModel } from '../bench/phases/warm-closed.js';
import { startServer } from './helpers/servers.js';

test('closed model with a request count: every answer recorded, duration ends at the last answer', async () => {
  const REQUESTS = 20;
  // The last answer is held until the engine's first progress tick after it arrived. autocannon
  // checks for a finished request count on its own one-second tick, which runs just before the
  // progress tick (same period, created first), so it notices the end a whole tick after the last
  // answer: a duration that ran to autocannon's callback would include that second.
  let held: http.ServerResponse | null = null;
  let releasedAtMs: number | null = null;
  const server = await startServer((_req, res, n) => {
    if (n === REQUESTS) held = res;
    else setTimeout(() => res.end('ok'), 5);
  });
  after(() => server.close());
  const onProgress = (_done: number, elapsedMs: number) => {
    if (!held || releasedAtMs !== null) return;
    releasedAtMs = elapsedMs;
    held.end('ok');
  };
  const calledAt = process.hrtime.bigint();
  const result = await runClosedModel(
    { url: server.url, method: 'GET', headers: {} },
    { requests: REQUESTS, connections: 1, maxConnections: 1, warmupMs: 0 },
    { timeoutMs: 30_000, signal: new AbortController().signal, onProgress },
  );
  const callUs = Number((process.hrtime.bigint() - calledAt) / 1000n);
  assert.equal(result.requests, REQUESTS);
  assert.equal(result.histogram.count, REQUESTS);
  assert.equal(server.requests, REQUESTS);
  const s = result.histogram.summary();
  // Node timers may fire up to ~1 ms early against a clock read elsewhere: allow for it.
  assert.ok(s.minUs >= 4000, `every answer took about the server's 5 ms (min ${s.minUs} us)`);
  assert.ok(result.durationUs >= (REQUESTS - 1) * 4000, 'one connection: about 19 x 5 ms at least');
  assert.ok(releasedAtMs !== null, 'the last answer was released on a progress tick');
  // The duration runs to the last answer: after its release, and a tick (less the answer's way
  // back) before autocannon's callback ended the call.
  assert.ok(result.durationUs >= releasedAtMs * 1000, `duration ${result.durationUs} us includes the last answer (released at ${releasedAtMs} ms)`);
  assert.ok(callUs - result.durationUs >= 100_000, `duration ${result.durationUs} us stops at the last answer, not at autocannon's next tick (the call took ${callUs} us)`);
});
