// The knative adapter end to end against the emulator through the real client library: the URL
// comes from the Service's status.url; scale-to-zero waits (bounded, with progress) until no pod
// is Pending or Running without a deletion timestamp, including the revision's initial pod; every
// cold sample is verified cold and no faster than the pod's real start-up; warm calls reuse the pod;
// `host` is sent for ingress routing; the idle strategy works too; a wait past its bound fails clearly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KnativeAdapter, isAtZero } from '../bench/adapters/knative.js';
import type { TimedResponse } from '../bench/http/timed-request.js';
import { runColdPhase } from '../bench/phases/cold.js';
import { TargetFailure } from '../bench/errors.js';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    knativeServices: [
      { name: 'fn', idle: '600ms', initDelay: '100ms', terminationDelay: '200ms', cpu: '1', memory: '512Mi' },
      { name: 'busy', idle: '60s' },
      // Kept from zero by something the up-front checks cannot see: its window annotation says
      // 0.5 s, but it stays up for 60 s (as with traffic from elsewhere).
      { name: 'stuck', idle: '60s', annotations: { 'autoscaling.knative.dev/window': '0.5s' } },
    ],
  });
});
after(() => kube?.close());

test('scale-to-zero: URL from status.url, the initial pod is waited out, every sample verified cold', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'fn' });
  const adapter = new KnativeAdapter(target, ctx);
  await adapter.prepare();
  const facts = adapter.describe();
  assert.equal(`${facts.url}/`, kube.knativeUrls.fn, 'URL read from the Service status.url');
  assert.deepEqual([facts.revision, facts.scaleToZeroWindow, facts.cpuRequestCores, facts.memoryRequestMiB], ['fn-00001', '0.6s', 1, 512]);

  const service = kube.cluster.getKnativeService('default', 'fn')!;
  // The revision started one pod by itself; with its short idle window it may be gone already on a
  // slow machine: the emulator's pod history has it either way.
  const podsEver = new Set(kube.cluster.podEvents.filter((e) => e.type === 'ADDED' && e.pod.owner.name === 'fn').map((e) => e.pod.name));
  assert.equal(podsEver.size, 1, 'a new revision starts with one pod');
  const [initialPod] = [...podsEver] as [string];
  const prep = await adapter.forceCold(0);
  assert.ok((prep.controlPlaneUs ?? 0) > 0, 'the wait is timed as control plane');
  assert.ok(
    kube.cluster.podsOf(service).every((p) => p.deletionTimestamp !== null),
    'after forceCold no pod is Pending or Running without a deletion timestamp',
  );

  const startupsBefore = kube.cluster.startups.length;
  const seen = new Set<string>([initialPod]);
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: seen });
  assert.equal(phase.samples.length, 3);
  assert.equal(phase.verified, 3);
  assert.equal(phase.summary.errors, 0, 'the activator holds cold requests: no 503, no refusal');
  const startups = kube.cluster.startups.slice(startupsBefore);
  for (const s of phase.samples) {
    assert.equal(s.status, 200);
    const pod = startups.find((p) => p.pod === s.instance);
    assert.ok(pod, `sample ${s.seq} served by a pod started for it`);
    assert.ok(s.latencyUs / 1000 >= pod.startupMs, `sample ${s.seq}: ${s.latencyUs / 1000} ms >= start-up ${pod.startupMs} ms`);
    assert.ok(s.connectUs !== null, 'a fresh connection');
  }

  // Warm: the last sample's pod serves, no new pod starts.
  const last = phase.samples.at(-1)!.instance;
  const startupsAfter = kube.cluster.startups.length;
  for (let i = 0; i < 5; i++) {
    const warm = await adapter.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.equal(warm.instance, last);
  }
  assert.equal(kube.cluster.startups.length, startupsAfter);
  await adapter.restore();
  assert.deepEqual(ctx.journal.changes, [], 'scale-to-zero changes nothing on the platform');
});

test('host: the Host header is sent on cold and warm requests (calling through an ingress address)', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'busy', host: 'busy.default.example.com', url: kube.knativeUrls.busy! });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, strategy: 'none' } }, ctx);
  await adapter.prepare();
  const load = adapter.warmLoad();
  assert.equal(load.type === 'http' && load.request.headers.host, 'busy.default.example.com');
  const response = (await adapter.sampleCold(0)) as TimedResponse;
  assert.equal(response.status, 200);
  assert.equal(response.headers['x-request-host'], 'busy.default.example.com');
});

test('strategy idle waits the given time and then samples a new pod', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'fn' });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, strategy: 'idle', idleMs: 1_500 } }, ctx);
  await adapter.prepare();
  const before = (await adapter.invoke({ fresh: true })).instance;
  await adapter.forceCold(0);
  const after = await adapter.sampleCold(0);
  assert.equal(after.status, 200);
  assert.notEqual(after.instance, before, 'the 600 ms idle window passed: a new pod served');
  assert.match(ctx.lines.join('\n'), /idle 1\.5s/);
});

test('a service that does not reach zero within cold.waitTimeout fails clearly, with progress lines', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'stuck' });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, waitTimeoutMs: 900, pollIntervalMs: 50 } }, ctx);
  await adapter.prepare();
  await kube.cluster.waitForReadyPod({ kind: 'KnativeService', namespace: 'default', name: 'stuck' }, 10_000);
  const started = Date.now();
  await assert.rejects(adapter.forceCold(0), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /^target knative-test: timed out after 1 s waiting for knative service "stuck" in namespace "default" to scale to zero \(last seen: 1 Running\); check the revision's autoscaling.knative.dev\/window/);
    return true;
  });
  assert.ok(Date.now() - started < 25_000, 'the wait gave up (a hang would run to the 60 s idle window)');
  assert.ok(ctx.lines.some((l) => /waiting for knative service "stuck" .* 1 Running/.test(l)), `progress reported: ${ctx.lines.join(' | ')}`);
});

test('a cold.waitTimeout shorter than the stable window is refused up front, naming both, before any wait', async () => {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'busy' });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, waitTimeoutMs: 900 } }, ctx);
  const since = kube.api.requests.length;
  await assert.rejects(adapter.prepare(), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /cold\.waitTimeout 0\.9 s is shorter than the 60 s knative service "busy" takes at least to scale to zero \(stable window 60 s, .*\): raise cold\.waitTimeout/);
    return true;
  });
  assert.deepEqual(kube.api.requests.slice(since).filter((r) => r.path.endsWith('/pods')), [], 'no wait began: the pods were never listed');
});

test("Knative's at-zero rule: no Pending pod and no Running pod without a deletion timestamp", () => {
  assert.equal(isAtZero([]), true);
  const pod = (phase: string, deleting: boolean) => ({ metadata: { name: 'a', ...(deleting ? { deletionTimestamp: new Date() } : {}) }, status: { phase } });
  assert.equal(isAtZero([pod('Running', true)]), true);
  assert.equal(isAtZero([pod('Succeeded', false)]), true);
  assert.equal(isAtZero([pod('Failed', false)]), true, 'an evicted pod stays listed but does not keep the service from zero');
  assert.equal(isAtZero([pod('Running', false)]), false);
  assert.equal(isAtZero([pod('Pending', true)]), false);
});
