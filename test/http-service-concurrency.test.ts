// The HTTP services emulator's per-instance concurrency: with `concurrency: N` an instance serves at
// most N requests at a time and a request that finds every instance full starts a new process (as
// Lambda and Cloud Run / Cloud Functions at concurrency 1 do); without it one instance serves all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHttpService, processAlive } from './helpers/servers.js';

/** `n` requests in flight together (each on its own connection); the instance ids that answered. */
function concurrent(url: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<string>((resolve, reject) => {
          http
            .get(url, { agent: false }, (res) => {
              res.resume();
              res.on('end', () => resolve(String(res.headers['x-instance-id'])));
            })
            .on('error', reject);
        }),
    ),
  );
}

test('concurrency 1: four requests in flight together are served by four instance processes; later ones reuse them', async () => {
  // The answer takes long enough that the four requests overlap on any machine.
  const service = await startHttpService({ name: 'one-each', idle: 30_000, latency: 300, concurrency: 1 });
  after(() => service.stop());
  const ids = await concurrent(service.url, 4);
  assert.equal(new Set(ids).size, 4, `distinct instances: ${ids.join(', ')}`);
  assert.equal(service.starts, 4);
  assert.equal(service.instances, 4);
  const again = await concurrent(service.url, 4);
  assert.deepEqual(new Set(again), new Set(ids), 'idle instances are reused, none started');
  assert.equal(service.starts, 4);
  const pids = ids.map((id) => Number(id.split('-')[0]));
  await service.stop();
  assert.ok(pids.every((pid) => !processAlive(pid)), 'every instance process is gone after stop');
});

test('concurrency 2: four requests in flight need two instances', async () => {
  const service = await startHttpService({ name: 'two-each', idle: 30_000, latency: 300, concurrency: 2 });
  after(() => service.stop());
  const ids = await concurrent(service.url, 4);
  assert.equal(new Set(ids).size, 2, ids.join(', '));
  assert.equal(service.starts, 2);
});

test('no concurrency option: one instance serves every request, as before', async () => {
  const service = await startHttpService({ name: 'shared', idle: 30_000, latency: 300 });
  after(() => service.stop());
  const ids = await concurrent(service.url, 4);
  assert.equal(new Set(ids).size, 1);
  assert.equal(service.starts, 1);
});

test('instances beyond the first are reaped when idle; an always-on one stays', async () => {
  const service = await startHttpService({ name: 'reaped', idle: 200, latency: 100, concurrency: 1, alwaysOn: true });
  after(() => service.stop());
  await concurrent(service.url, 3);
  assert.equal(service.starts, 3, 'the always-on instance and two on demand');
  const deadline = Date.now() + 10_000;
  while (service.instances > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(service.instances, 1, 'the two on-demand instances were reaped');
  assert.equal(service.running, true);
});
