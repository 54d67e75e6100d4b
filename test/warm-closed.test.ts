import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { runClosedModel } from '../bench/phases/warm-closed.js';
import { startServer } from './helpers/servers.js';

test('closed model with a request count: every answer recorded, duration ends at the last answer', async () => {
  const server = await startServer((_req, res) => setTimeout(() => res.end('ok'), 5));
  after(() => server.close());
  const result = await runClosedModel(
    { url: server.url, method: 'GET', headers: {} },
    { requests: 20, connections: 1, maxConnections: 1, warmupMs: 0 },
    { timeoutMs: 5000, signal: new AbortController().signal },
  );
  assert.equal(result.requests, 20);
  assert.equal(result.histogram.count, 20);
  assert.equal(server.requests, 20);
  const s = result.histogram.summary();
  // Node timers may fire up to ~1 ms early against a clock read elsewhere: allow for it.
  assert.ok(s.minUs >= 4000, `every answer took about the server's 5 ms (min ${s.minUs} us)`);
  assert.ok(result.durationUs >= 20 * 4000, 'one connection: about 20 x 5 ms at least');
  // autocannon notices the end of `amount` on a one-second tick; the duration must not include it.
  assert.ok(result.durationUs < 900_000, `duration ${result.durationUs} us stops at the last answer`);
});
