// The open model's bookkeeping against real local servers: latency from the intended send time
// when the connection bound holds requests back, late and dropped counts (scheduled = sent +
// dropped), errors by kind, and abort.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import type { WarmConfig } from '../bench/config/schema.js';
import { runOpenModel } from '../bench/phases/open-model.js';
import { listenOnLoopback, until } from './helpers/servers.js';

const servers: http.Server[] = [];

/** A server on 127.0.0.1:0 answering with `handler`; closed by the after() hook. */
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  return `http://127.0.0.1:${await listenOnLoopback(server)}/`;
}

after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

const warmOf = (partial: Partial<WarmConfig>): WarmConfig => ({ connections: 1, maxConnections: 16, warmupMs: 0, ...partial });
const get = (url: string) => ({ url, method: 'GET', headers: {} });
const bounded = () => AbortSignal.timeout(30_000);

describe('open model: accounting', () => {
  it('times requests held back by the connection bound from their intended send time', async () => {
    // One connection, 40 ms per answer, a request every 10 ms: request k is answered near
    // 40 (k + 1) ms but was intended at 10 k ms, so it waits 30 k + 40 ms. A generator timing from the
    // actual send would report 40 ms for every request.
    const serviceMs = 40;
    const url = await serve((_req, res) => setTimeout(() => res.end('ok'), serviceMs));
    const result = await runOpenModel(get(url), warmOf({ rate: 100, requests: 10, maxConnections: 1 }), {
      timeoutMs: 10_000,
      signal: bounded(),
    });
    const summary = result.histogram.summary();
    assert.equal(result.scheduled, 10);
    assert.equal(result.sent, 10);
    assert.equal(result.dropped, 0);
    assert.equal(result.connections, 1, 'never more connections than maxConnections');
    assert.equal(summary.count, 10);
    assert.ok(summary.minUs >= (serviceMs - 2) * 1000, `min ${summary.minUs} us includes the service time`);
    // Request 9: intended at 90 ms, answered after 10 x 40 = 400 ms: about 310 ms.
    assert.ok(summary.maxUs >= 290_000, `max ${summary.maxUs} us includes the queueing behind the bound`);
    assert.ok(result.late! >= 8, `requests 1..9 left late (${result.late})`);
    result.histogram.destroy();
  });

  it('drops requests that waited the timeout and keeps scheduled = sent + dropped', async () => {
    // No answer ever comes, the timeout is 300 ms (undici fires it within about a second), one
    // connection: each sent request times out, and those that waited 300 ms behind it are dropped
    // without being sent.
    const url = await serve(() => {});
    const result = await runOpenModel(get(url), warmOf({ rate: 50, requests: 20, maxConnections: 1 }), {
      timeoutMs: 300,
      signal: bounded(),
    });
    assert.equal(result.scheduled, 20);
    assert.equal(result.sent! + result.dropped!, 20, 'scheduled = sent + dropped');
    assert.ok(result.dropped! >= 5, `dropped ${result.dropped}`);
    assert.ok(result.sent! >= 1, `sent ${result.sent}`);
    assert.equal(result.requests, result.sent, 'each sent request ended (in a timeout)');
    assert.equal(result.errorsByKind.timeout, result.sent, 'every sent request timed out');
    assert.equal(result.histogram.count, 0, 'no failed or dropped request is in the latency histogram');
    result.histogram.destroy();
  });

  it('counts errors by kind and records only successes', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      n += 1;
      res.statusCode = n % 3 === 0 ? 503 : n % 3 === 1 ? 200 : 404;
      res.end();
    });
    const result = await runOpenModel(get(url), warmOf({ rate: 500, requests: 60 }), { timeoutMs: 5000, signal: bounded() });
    const errors = (result.errorsByKind.http5xx ?? 0) + (result.errorsByKind.http4xx ?? 0);
    assert.equal(result.requests, 60);
    assert.ok((result.errorsByKind.http5xx ?? 0) >= 15, `http5xx ${result.errorsByKind.http5xx}`);
    assert.ok((result.errorsByKind.http4xx ?? 0) >= 15, `http4xx ${result.errorsByKind.http4xx}`);
    assert.equal(result.histogram.count + errors, 60, 'every request is either recorded or counted as an error');
    result.histogram.destroy();
  });

  it('counts refused connections as connection-refused', async () => {
    const url = await serve((_req, res) => res.end());
    const closed = servers.pop()!;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runOpenModel(get(url), warmOf({ rate: 200, requests: 20 }), { timeoutMs: 2000, signal: bounded() });
    assert.equal(result.requests, 20);
    assert.equal(result.errorsByKind['connection-refused'], 20);
    assert.equal(result.histogram.count, 0);
    result.histogram.destroy();
  });

  it('sends the method, headers and body of the request spec', async () => {
    const seen: Array<{ method?: string; token?: string; body: string }> = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, token: req.headers['x-token'] as string | undefined, body });
        res.end();
      });
    });
    const result = await runOpenModel(
      { url: `${url}path?q=1`, method: 'post', headers: { 'x-token': 'abc' }, body: '{"x":1}' },
      warmOf({ rate: 100, requests: 3 }),
      { timeoutMs: 5000, signal: bounded() },
    );
    assert.equal(result.histogram.count, 3);
    assert.ok(seen.length >= 3);
    for (const request of seen) assert.deepEqual(request, { method: 'POST', token: 'abc', body: '{"x":1}' });
    result.histogram.destroy();
  });

  it('stops promptly on abort, keeping what it measured and scheduled = sent + dropped', async () => {
    const url = await serve((_req, res) => res.end('ok'));
    const controller = new AbortController();
    // Abort once the engine reports measured requests (on the next turn, outside its own loop); the
    // guard starts with the abort: the run must end soon after it, not at the 60 s schedule's end.
    let guard: Promise<'hung'> | undefined;
    const abort = () => {
      if (controller.signal.aborted) return;
      controller.abort();
      guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref());
    };
    const run = runOpenModel(get(url), warmOf({ rate: 100, durationMs: 60_000 }), {
      timeoutMs: 5000,
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) setImmediate(abort);
      },
    });
    await until('the engine to report measured requests', () => guard);
    const result = await Promise.race([run, guard!]);
    assert.notEqual(result, 'hung', 'the run ended soon after the abort');
    if (result === 'hung') return;
    assert.ok(result.scheduled! < 6000, `the schedule stopped early (${result.scheduled} of 6000)`);
    assert.ok(result.scheduled! > 0);
    assert.equal(result.sent! + result.dropped!, result.scheduled);
    assert.ok(result.histogram.count > 0, 'what was measured before the abort is kept');
    result.histogram.destroy();
  });

  it('stops promptly on abort even before the schedule starts (target not answering)', async () => {
    // Abort as soon as the first (untimed, pre-schedule) request reaches the server, which never
    // answers it; the guard starts with the abort and is far below the 30 s request timeout.
    const controller = new AbortController();
    let guard: Promise<'hung'> | undefined;
    const url = await serve(() => {
      if (controller.signal.aborted) return;
      controller.abort();
      guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref());
    });
    const run = runOpenModel(get(url), warmOf({ rate: 100, durationMs: 60_000 }), { timeoutMs: 30_000, signal: controller.signal });
    await until('the first request to reach the server', () => guard);
    const result = await Promise.race([run, guard!]);
    assert.notEqual(result, 'hung', 'the run ended soon after the abort, not after the 30 s timeout');
    if (result === 'hung') return;
    assert.equal(result.scheduled, 0, 'nothing was scheduled yet');
    assert.equal(result.sent, 0);
    assert.equal(result.histogram.count, 0);
    result.histogram.destroy();
  });

  it('reports progress while it runs', async () => {
    const url = await serve((_req, res) => res.end('ok'));
    const calls: Array<[number, number]> = [];
    const result = await runOpenModel(get(url), warmOf({ rate: 100, durationMs: 2500 }), {
      timeoutMs: 5000,
      signal: bounded(),
      onProgress: (done, elapsedMs) => calls.push([done, elapsedMs]),
    });
    assert.ok(calls.length >= 1, 'at least one progress report in 2.5 s');
    for (const [done, elapsedMs] of calls) {
      assert.ok(done > 0 && done <= result.requests);
      assert.ok(elapsedMs >= 1000);
    }
    result.histogram.destroy();
  });
});
