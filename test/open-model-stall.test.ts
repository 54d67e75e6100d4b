// An open-model run against a local server that stalls once: the stall must show up in the tail
// (maximum and the count of slow requests), which a closed-loop generator would hide.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { runOpenModel } from '../bench/phases/open-model.js';
import type { WarmConfig } from '../bench/config/schema.js';
import { listenOnLoopback } from './helpers/servers.js';

const STALL_MS = 400;
const STALL_AT_REQUEST = 150; // after the engine's untimed pre-warm requests (at most ~25)

describe('open model: a target that stalls once', () => {
  let server: http.Server;
  let url = '';
  let stallUntil = 0;
  let received = 0;

  before(async () => {
    // Every request that arrives while the stall is on is held until it ends.
    server = http.createServer((_req, res) => {
      received += 1;
      if (received === STALL_AT_REQUEST) stallUntil = Date.now() + STALL_MS;
      const left = stallUntil - Date.now();
      if (left > 0) setTimeout(() => res.end('ok'), left);
      else res.end('ok');
    });
    url = `http://127.0.0.1:${await listenOnLoopback(server)}/`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('records the stall in the maximum and in as many slow requests as were scheduled during it', async () => {
    const rate = 200;
    const maxConnections = 8;
    const warm: WarmConfig = { rate, durationMs: 2000, connections: 1, maxConnections, warmupMs: 0 };
    const result = await runOpenModel({ url, method: 'GET', headers: {} }, warm, {
      timeoutMs: 10_000,
      signal: AbortSignal.timeout(30_000),
    });

    assert.equal(received >= STALL_AT_REQUEST, true, `the stall was triggered (${received} requests seen)`);
    assert.equal(result.model, 'open');
    assert.equal(result.scheduled, 400, '200 requests/s for 2 s');
    assert.equal(result.sent! + result.dropped!, result.scheduled, 'scheduled = sent + dropped');
    assert.equal(result.dropped, 0);
    assert.equal(result.requests, result.sent, 'every sent request completed');
    assert.deepEqual(result.errorsByKind, {});
    assert.equal(result.histogram.count, 400);
    assert.ok(result.connections! <= maxConnections, `connections ${result.connections} within the bound`);

    const summary = result.histogram.summary();
    // The first request held by the stall waited all of it, measured from its intended send time.
    assert.ok(summary.maxUs >= (STALL_MS - 20) * 1000, `max ${summary.maxUs} us shows the ${STALL_MS} ms stall`);
    // Requests intended during the first half of the stall waited at least half of it: about
    // rate x stall / 2 = 40 of them. A closed-loop generator would show at most maxConnections.
    const slowerThanHalf = countAtOrAbove(result.histogram.distribution(), summary.count, (STALL_MS / 2) * 1000);
    assert.ok(slowerThanHalf > maxConnections * 2, `${slowerThanHalf} requests >= ${STALL_MS / 2} ms`);
    assert.ok(result.late! > maxConnections, `requests held back behind the stall count as late (${result.late})`);
    result.histogram.destroy();
  });
});

/** Requests at or above a latency, read from the percentile distribution (an underestimate). */
function countAtOrAbove(points: Array<[number, number]>, count: number, thresholdUs: number): number {
  const first = points.find(([, valueUs]) => valueUs >= thresholdUs);
  if (!first) return 0;
  return Math.floor(count * (1 - first[0] / 100));
}
