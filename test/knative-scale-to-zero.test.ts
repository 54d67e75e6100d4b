// The knative adapter end to end against the emulator through the real client library: the URL
// comes from the Service's status.url; scale-to-zero waits (bounded, with progress) until no pod
// is Pending or Running without a deletion timestamp, including the revision's initial pod; every
// cold sample is verified cold and no faster than the pod's real start-up; warm calls reuse the pod;
// `host` is sent for ingress routing; the idle strategy works too; a wait past its bound fails clearly.
// Nothing here depends on how fast the machine is: the short idle window of `fn` is only ever waited
// out, and what must not scale down in between (warm calls) runs against `busy` (60 s window).
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
  // The revision started one pod by itself. Its idle window is short: on a slow machine it may
  // already be terminating or gone (listed in deletions), even before it became ready.
  const podsEver = new Set([...kube.cluster.podsOf(service).map((p) => p.name), ...kube.cluster.deletions.filter((d) => d.owner === 'default/fn').map((d) => d.pod)]);
  assert.equal(podsEver.size, 1, 'a new revision starts with one pod');
  const [initialPod] = [...podsEver] as [string];
  const calledAt = Date.now();
  const prep = await adapter.forceCold(0);
  const returnedAt = Date.now();
  assert.ok(
    kube.cluster.podsOf(service).every((p) => p.deletionTimestamp !== null),
    'after forceCold no pod is Pending or Running without a deletion timestamp',
  );
  // forceCold waited for the idle window to remove the initial pod: the removal happened before it
  // returned, and the control-plane time covers the wait from the call to the removal.
  const removedAt = kube.cluster.deletions.find((d) => d.pod === initialPod)?.at;
  assert.ok(removedAt !== undefined && removedAt <= returnedAt, 'the initial pod was removed before forceCold returned');
  assert.ok((prep.controlPlaneUs ?? 0) / 1000 >= removedAt - calledAt - 5, `control-plane time ${prep.controlPlaneUs} us covers the wait for the idle window`);

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

  await adapter.restore();
  assert.deepEqual(ctx.journal.changes, [], 'scale-to-zero changes nothing on the platform');
});

test('warm calls reuse the running pod: no new pod starts', async () => {
  // Against `busy` (60 s idle window): with fn's 0.6 s window a slow machine could scale it to zero
  // between two warm calls, and the test would measure the machine, not the adapter.
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service: 'busy' });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, strategy: 'none' } }, ctx);
  await adapter.prepare();
  const first = await adapter.sampleCold(0);
  assert.equal(first.status, 200);
  const startupsOfBusy = () => kube.cluster.startups.filter((p) => p.owner === 'default/busy').length;
  const startupsAfter = startupsOfBusy();
  for (let i = 0; i < 5; i++) {
    const warm = await adapter.invoke({ fresh: false });
    assert.equal(warm.status, 200);
    assert.equal(warm.instance, first.instance);
  }
  assert.equal(startupsOfBusy(), startupsAfter);
  await adapter.restore();
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
  const target = knativeTarget({ service: 'busy' });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, waitTimeoutMs: 900, pollIntervalMs: 50 } }, ctx);
  await adapter.prepare();
  await kube.cluster.waitForReadyPod({ kind: 'KnativeService', namespace: 'default', name: 'busy' }, 10_000);
  await assert.rejects(adapter.forceCold(0), (err: unknown) => {
    assert.ok(err instanceof TargetFailure);
    assert.match(err.message, /^target knative-test: timed out after 1 s waiting for knative service "busy" in namespace "default" to scale to zero \(last seen: 1 Running\); check the revision's autoscaling.knative.dev\/window/);
    return true;
  });
  assert.equal(kube.cluster.readyPodsOf(kube.cluster.getKnativeService('default', 'busy')!).length, 1, 'the wait gave up while the pod still ran');
  assert.ok(ctx.lines.some((l) => /waiting for knative service "busy" .* 1 Running/.test(l)), `progress reported: ${ctx.lines.join(' | ')}`);
});

test("Knative's at-zero rule: no Pending pod and no Running pod without a deletion timestamp", () => {
  assert.equal(isAtZero([]), true);
  assert.equal(isAtZero([{ name: 'a', phase: 'Running', deleting: true, ready: false }]), true);
  assert.equal(isAtZero([{ name: 'a', phase: 'Succeeded', deleting: false, ready: false }]), true);
  assert.equal(isAtZero([{ name: 'a', phase: 'Running', deleting: false, ready: true }]), false);
  assert.equal(isAtZero([{ name: 'a', phase: 'Pending', deleting: true, ready: false }]), false);
});
