// Long closed-model phases refresh short-lived credentials (ID tokens) on an interval. A refresh
// that fails is logged and the connections keep the headers they have: no unhandled rejection
// (which ends a Node 20 process). A refresh that works reaches every connection. The interval is
// made short here; the test waits for the refresh events, not for a time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once, EventEmitter } from 'node:events';
import { runClosedModel } from '../bench/phases/warm-closed.js';
import { startServer } from './helpers/servers.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
after(() => void process.off('unhandledRejection', onUnhandled));

const warm = { durationMs: 120_000, connections: 2, maxConnections: 2, warmupMs: 0 };

/** A server that records each request's Authorization header and emits 'request'. */
async function recordingServer() {
  const seen: string[] = [];
  const events = new EventEmitter();
  const server = await startServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.end('ok');
    events.emit('request');
  });
  after(() => server.close());
  const until = async (condition: () => boolean) => {
    while (!condition()) await once(events, 'request');
  };
  return { url: server.url, seen, until };
}

test('a failed header refresh is logged, the old headers stay, and nothing is left unhandled', { timeout: 30_000 }, async () => {
  const { url, seen, until } = await recordingServer();
  const events = new EventEmitter();
  const lines: string[] = [];
  let refreshes = 0;
  const controller = new AbortController();
  const phase = runClosedModel(
    {
      url,
      method: 'GET',
      headers: { authorization: 'Bearer old-token' },
      refreshHeaders: async () => {
        refreshes += 1;
        throw new Error('the metadata server is down');
      },
    },
    warm,
    {
      timeoutMs: 5_000,
      signal: controller.signal,
      headerRefreshMs: 25,
      log: (line) => {
        lines.push(line);
        events.emit('line');
      },
    },
  );
  // Two failed refreshes in a row: the phase survived the first one.
  while (lines.length < 2) await once(events, 'line');
  const answeredBefore = seen.length;
  await until(() => seen.length > answeredBefore + 5); // and the load went on after them
  controller.abort();
  const result = await phase;
  result.histogram.destroy();
  assert.ok(refreshes >= 2);
  assert.match(lines[0]!, /refreshing the request headers failed \(the metadata server is down\); keeping the current ones/);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
  assert.ok(seen.length > 0 && seen.every((h) => h === 'Bearer old-token'), 'every request kept the old header');
  assert.ok(result.requests > 0);
});

test('a header refresh that works reaches every connection', { timeout: 30_000 }, async () => {
  const { url, seen, until } = await recordingServer();
  const controller = new AbortController();
  const phase = runClosedModel(
    { url, method: 'GET', headers: { authorization: 'Bearer old-token' }, refreshHeaders: async () => ({ authorization: 'Bearer new-token' }) },
    warm,
    { timeoutMs: 5_000, signal: controller.signal, headerRefreshMs: 25 },
  );
  await until(() => seen.filter((h) => h === 'Bearer new-token').length >= 10);
  controller.abort();
  const result = await phase;
  result.histogram.destroy();
  assert.equal(seen[0], 'Bearer old-token', 'the phase starts with the headers it was given');
  const firstNew = seen.indexOf('Bearer new-token');
  assert.ok(seen.slice(firstNew + 2).every((h) => h === 'Bearer new-token'), 'after the refresh, only the new token is sent');
  assert.deepEqual(unhandled, []);
});
