// What keeps a Knative service from zero is found before the first wait, not after waitTimeout:
// min-scale (and its old spelling minScale), the HPA autoscaler class, the cluster's min-scale and
// enable-scale-to-zero in config-autoscaler are refused within seconds with the reason; initial-scale
// is a warning; the wait per sample is predicted from the window, scale-down delay, pod retention and
// grace period; an unreadable config-autoscaler is said, and the checks go on with the defaults.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { TargetFailure } from '../bench/errors.js';
import type { KubeEmulatorInput } from '../platforms/kubernetes/index.js';

const started: TestKube[] = [];
after(() => Promise.allSettled(started.map((k) => k.close())));

async function kube(input: KubeEmulatorInput): Promise<TestKube> {
  const k = await startTestKube(input);
  started.push(k);
  return k;
}

/** prepare() of a scale-to-zero target of `service`: the TargetFailure message, or the log lines. */
async function prepareOf(service: string, waitTimeoutMs = 120_000): Promise<{ refused?: string; lines: string[]; ms: number }> {
  const ctx = kubeAdapterContext();
  const target = knativeTarget({ service });
  const adapter = new KnativeAdapter({ ...target, cold: { ...target.cold!, waitTimeoutMs } }, ctx);
  const t0 = Date.now();
  try {
    await adapter.prepare();
    return { lines: ctx.lines, ms: Date.now() - t0 };
  } catch (err) {
    assert.ok(err instanceof TargetFailure, `a TargetFailure, not ${String(err)}`);
    return { refused: err.message, lines: ctx.lines, ms: Date.now() - t0 };
  } finally {
    await adapter.restore();
  }
}

test('min-scale "1" (and minScale, and the HPA class) is refused up front, within seconds, naming min-scale', async () => {
  const k = await kube({
    knativeServices: [
      { name: 'pinned', idle: '1s', minScale: 1 },
      { name: 'legacy', idle: '1s', annotations: { 'autoscaling.knative.dev/minScale': '2' } },
      { name: 'hpa', idle: '1s', annotations: { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev' } },
    ],
  });
  const since = k.api.requests.length;
  const pinned = await prepareOf('pinned');
  assert.match(pinned.refused ?? '', /knative service "pinned" has min-scale "1" \(autoscaling\.knative\.dev\/min-scale\): it keeps 1 pod\(s\) and never scales to zero, so waiting for zero would last until cold\.waitTimeout; set it to "0" for the run/);
  assert.ok(pinned.ms < 10_000, `refused within seconds (${pinned.ms} ms), not after the 120 s waitTimeout`);
  assert.deepEqual(k.api.requests.slice(since).filter((r) => r.path.endsWith('/pods')), [], 'no wait began');
  assert.match((await prepareOf('legacy')).refused ?? '', /has min-scale "2"/);
  assert.match((await prepareOf('hpa')).refused ?? '', /autoscaling\.knative\.dev\/class: hpa\.autoscaling\.knative\.dev, which never scales to zero/);
  // The emulator keeps what min-scale says: the pinned revision never went to zero.
  assert.equal(k.cluster.getKnativeService('default', 'pinned')!.scale, 1);
});

test("the cluster's config-autoscaler: min-scale and enable-scale-to-zero are refused; initial-scale is a warning", async () => {
  const noZero = await kube({ knativeAutoscaler: { 'enable-scale-to-zero': 'false' }, knativeServices: [{ name: 'fn', idle: '1s' }] });
  assert.match((await prepareOf('fn')).refused ?? '', /config-autoscaler sets enable-scale-to-zero: "false": no service scales to zero/);
  await noZero.close();
  const globalMin = await kube({ knativeAutoscaler: { 'min-scale': '1' }, knativeServices: [{ name: 'fn', idle: '1s' }] });
  assert.match((await prepareOf('fn')).refused ?? '', /config-autoscaler sets min-scale "1": knative service "fn" never scales to zero.*annotate it autoscaling\.knative\.dev\/min-scale: "0"/);
  await globalMin.close();
  await kube({ knativeServices: [{ name: 'fn', idle: '1s', initialScale: 3 }] });
  const initial = await prepareOf('fn');
  assert.equal(initial.refused, undefined);
  assert.ok(initial.lines.some((l) => /^warning: knative service "fn" has initial-scale 3: a new revision starts 3 pods/.test(l)), initial.lines.join(' | '));
});

test('the wait per sample is predicted from the window, scale-down delay, retention and grace period', async () => {
  await kube({
    knativeAutoscaler: { 'scale-to-zero-grace-period': '10s', 'scale-to-zero-pod-retention-period': '1m30s' },
    knativeServices: [{ name: 'fn', idle: '20s', annotations: { 'autoscaling.knative.dev/scale-down-delay': '5s' } }],
  });
  const ok = await prepareOf('fn', 120_000);
  assert.equal(ok.refused, undefined);
  assert.ok(
    ok.lines.includes('each cold sample first waits for scale to zero: 90-100 s (stable window 20 s, scale-down delay 5 s, pod retention 90 s, grace period up to 10 s)'),
    ok.lines.join(' | '),
  );
  const short = await prepareOf('fn', 60_000);
  assert.match(short.refused ?? '', /cold\.waitTimeout 60 s is shorter than the 90 s knative service "fn" takes at least to scale to zero .*raise cold\.waitTimeout to 110s/);
  const tight = await prepareOf('fn', 95_000);
  assert.ok(tight.lines.some((l) => /^warning: cold\.waitTimeout 95 s may be short: knative service "fn" takes 90 s to 100 s/.test(l)), tight.lines.join(' | '));
});

test('an unreadable config-autoscaler (RBAC) is said, and the checks go on with the defaults', async () => {
  const k = await kube({ knativeServices: [{ name: 'fn', idle: '1s' }] });
  k.api.injectFault({ pathIncludes: '/configmaps/config-autoscaler', status: 403, times: 1 });
  const result = await prepareOf('fn', 120_000);
  assert.equal(result.refused, undefined);
  assert.ok(result.lines.some((l) => /^could not read knative-serving\/config-autoscaler \(HTTP 403 Forbidden: .*\): assuming Knative's defaults/.test(l)), result.lines.join(' | '));
});
