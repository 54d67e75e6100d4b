// Every warm engine reads the instance header of each timed response (closed model: autocannon's
// parser; open model: the undici handler), so a warm phase says how many instances served it and
// how many of them were never seen before; without an instance header it says it cannot tell.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { HttpAdapter } from '../bench/adapters/http.js';
import type { HttpTarget, WarmConfig } from '../bench/config/schema.js';
import { nullJournal } from '../bench/journal.js';
import { runWarmPhase } from '../bench/phases/warm.js';
import { startHttpService } from './helpers/servers.js';

const ctx = { baseDir: process.cwd(), signal: new AbortController().signal, log: () => {}, journal: nullJournal, timeoutMs: 10_000 };

function target(url: string, warm: WarmConfig, instanceHeader?: string): HttpTarget {
  return {
    name: 'svc', kind: 'http', region: 'local', url, method: 'GET', headers: {}, timeoutMs: 10_000, thresholds: [], pricing: {}, warm,
    cold: { samples: 1, strategy: 'none', idleMs: 0, instanceHeader, waitTimeoutMs: 10_000, pollIntervalMs: 0 },
  };
}

test('open model: pre-warmed to rate x latency, instances read from every response', async () => {
  const service = await startHttpService({ name: 'open', idle: 60_000, latency: 40, concurrency: 1 });
  after(() => service.stop());
  // 50 requests/s at 40 ms each keep 2 in flight (Little's law): the pre-warm starts that many.
  const warm: WarmConfig = { durationMs: 1000, connections: 1, rate: 50, maxConnections: 8, warmupMs: 0 };
  const t = target(service.url, warm, 'x-instance-id');
  const logs: string[] = [];
  const seen = new Set<string>();
  const phase = await runWarmPhase(new HttpAdapter(t, ctx), warm, { timeoutMs: 10_000, signal: ctx.signal, seenInstances: seen, instanceHeader: 'x-instance-id', log: (m) => logs.push(m) });
  assert.equal(phase.model, 'open');
  assert.ok(phase.prewarm! >= 2 && phase.prewarm! <= 8, `prewarm ${phase.prewarm}: ceil(50/s x the measured latency, >= 40 ms)`);
  assert.ok(phase.instances! >= 1 && phase.instances! <= service.starts, `instances ${phase.instances} of ${service.starts} started`);
  assert.equal(typeof phase.coldInWarm, 'number');
  assert.equal(seen.size, service.starts, 'every instance that ever answered is known to the run');
  assert.match(logs.join('\n'), new RegExp(`pre-warm: ${phase.prewarm} concurrent requests`));
});

test('closed model: every instance that served is counted; without an instance header nothing can be told', async () => {
  const service = await startHttpService({ name: 'closed', idle: 60_000, latency: 5, concurrency: 1 });
  after(() => service.stop());
  const warm: WarmConfig = { requests: 200, connections: 3, maxConnections: 8, warmupMs: 0 };
  const seen = new Set<string>();
  const counted = await runWarmPhase(new HttpAdapter(target(service.url, warm, 'x-instance-id'), ctx), warm, { timeoutMs: 10_000, signal: ctx.signal, seenInstances: seen, instanceHeader: 'x-instance-id' });
  assert.equal(counted.prewarm, 3);
  assert.ok(counted.instances! >= 3 && counted.instances! <= service.starts, `three connections, one request per instance: ${counted.instances} of ${service.starts}`);
  assert.equal(seen.size, service.starts);
  const blind = await runWarmPhase(new HttpAdapter(target(service.url, warm), ctx), warm, { timeoutMs: 10_000, signal: ctx.signal, seenInstances: new Set() });
  assert.equal(blind.coldInWarm, null);
  assert.equal(blind.instances, null);
  assert.equal(blind.prewarm, 3);
});
