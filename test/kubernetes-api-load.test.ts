// The API server's load while the harness waits, and an API server that throttles now and then:
// pods are watched (one list, one long-lived watch) rather than polled, and through the service
// proxy every data-plane try is an API request, paced. From the emulator's request log, with
// timestamps, over real waits (pods that take 1.5 s to stop and 1.5 s to start): at most 10 requests
// in any second. With every 7th request answered 429 + Retry-After (watches and proxied requests
// included), the target still gets verified cold samples with no error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { runColdPhase } from '../bench/phases/cold.js';
import type { ApiRequestRecord } from '../platforms/kubernetes/api-server.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    throttle: { every: 7, retryAfter: '1s' },
    deployments: [{ name: 'web', replicas: 2, initDelay: '1500ms', terminationDelay: '1500ms' }],
    services: [{ name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }],
    knativeServices: [{ name: 'fn', idle: '2s', initDelay: '300ms', terminationDelay: '1s' }],
  });
});
after(() => kube?.close());

/** The most requests the API server answered within any 1000 ms. */
function peakPerSecond(requests: ApiRequestRecord[]): { peak: number; at: number } {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let peak = 0;
  let at = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 1000) i++;
    if (j - i + 1 > peak) [peak, at] = [j - i + 1, times[i]!];
  }
  return { peak, at };
}

test('scale-from-zero through the service proxy: at most 10 API requests per second while waiting, 429s survived', async () => {
  const ctx = kubeAdapterContext();
  const target = kubernetesTarget({ deployment: 'web', service: 'web', cold: { samples: 2, strategy: 'scale-from-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 30_000, pollIntervalMs: 0 } });
  const adapter = new KubernetesAdapter(target, ctx);
  await adapter.prepare();
  const since = kube.api.requests.length;
  const started = Date.now();
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: new Set() });
  const waited = Date.now() - started;
  await adapter.restore();
  assert.equal(phase.summary.errors, 0, `no errors: ${JSON.stringify(phase.samples.map((s) => s.errorMessage ?? s.status))}`);
  assert.equal(phase.verified, 2);
  const during = kube.api.requests.slice(since);
  assert.ok(during.some((r) => r.status === 429), 'the API server did throttle during the waits');
  assert.ok(during.some((r) => r.status === 429 && r.path.includes('/proxy')), 'proxied requests were throttled too');
  // Real waits: two scale-downs of pods that take 1.5 s to stop and two scale-ups of pods that take 1.5 s to start.
  assert.ok(waited >= 4 * 1500, `the waits were real (${waited} ms)`);
  const { peak, at } = peakPerSecond(during);
  assert.ok(peak <= 10, `at most 10 API requests in any second; ${peak} from ${at - started} ms: ${during.filter((r) => r.at >= at && r.at < at + 1000).map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`);
  assert.ok(during.filter((r) => r.watch).length >= 1, 'the pods were watched');
});

test('knative scale-to-zero: the wait for zero is watched, at most 10 API requests per second', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'fn', cold: { samples: 2, strategy: 'scale-to-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 60_000, pollIntervalMs: 0 } });
  const adapter = new KnativeAdapter(target, ctx);
  await adapter.prepare();
  const since = kube.api.requests.length;
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: new Set() });
  await adapter.restore();
  assert.equal(phase.summary.errors, 0);
  assert.equal(phase.verified, 2);
  const during = kube.api.requests.slice(since);
  const { peak } = peakPerSecond(during);
  assert.ok(peak <= 10, `at most 10 API requests in any second (${peak})`);
  assert.ok(during.length < 40, `a watch, not a poll: ${during.length} requests over two 2 s idle windows`);
});
