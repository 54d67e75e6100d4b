// The emulator's data plane: pods are real child processes; a Deployment's front answers 503 while
// no pod is ready; the Knative activator holds a request while a pod starts and the revision goes
// back to zero after its idle window; stop() leaves no process behind; bad options are named.
// Every window (pod start, idle, termination) is far longer than the test's own step it is raced
// against, and every wait is for a state, bounded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { HANG_MS, processAlive, startTestKube, until as untilValue, type TestKube } from './helpers/servers.js';
import { startKubeEmulator, parseKubeEmulatorOptions } from '../platforms/kubernetes/index.js';
import { startKubernetesEmulator } from '../platforms/kubernetes/index.js';

const started: TestKube[] = [];
after(async () => {
  await Promise.allSettled(started.map((k) => k.close()));
});

async function start(input: Parameters<typeof startTestKube>[0]): Promise<TestKube> {
  const kube = await startTestKube(input);
  started.push(kube);
  return kube;
}

const alive = processAlive;

const until = (what: string, check: () => boolean) => untilValue(what, check);

const get = async (url: string) => {
  const started = performance.now();
  const res = await fetch(url, { headers: { connection: 'close' } });
  const body = await res.text();
  return { status: res.status, instance: res.headers.get('x-instance-id'), body, ms: performance.now() - started };
};

test('a Deployment front answers 503 while no pod is ready, then proxies to a real pod process', async () => {
  const kube = await start({ deployments: [{ name: 'web', replicas: 0, initDelay: '1s' }] });
  const url = kube.deploymentUrls.web!;
  const deployment = kube.cluster.getDeployment('default', 'web')!;

  const atZero = await get(url);
  assert.equal(atZero.status, 503);
  assert.match(atZero.body, /no healthy upstream/);

  kube.cluster.setDeploymentReplicas(deployment, 1);
  const statuses: number[] = [];
  const served = await untilValue('a pod to become ready and serve', async () => {
    const r = await get(url);
    statuses.push(r.status);
    return r.status === 200 ? r : undefined;
  }, { everyMs: 10 });
  assert.equal(statuses[0], 503, 'answers 503 while the pod starts (initDelay 1 s)');
  const pods = kube.cluster.podsOf(deployment);
  assert.equal(pods.length, 1);
  assert.equal(served.instance, pods[0]!.name, 'x-instance-id names the serving pod');
  assert.ok(alive(pods[0]!.process.pid), 'the pod is a live process');
  assert.notEqual(pods[0]!.process.pid, process.pid);
  assert.ok(pods[0]!.startupMs! >= 1000, `start-up ${pods[0]!.startupMs} ms includes the 1 s init delay`);
});

test('the Knative activator holds a cold request until a pod is ready, and the revision scales to zero when idle', async () => {
  // A 2 s idle window: waited out twice, and far longer than the gap between the two requests that
  // must meet the same pod.
  const kube = await start({ knativeServices: [{ name: 'fn', idle: '2s', initDelay: '200ms', terminationDelay: '50ms' }] });
  const service = kube.cluster.getKnativeService('default', 'fn')!;
  const url = kube.knativeUrls.fn!;

  // The initial pod (initial scale 1) goes away after the idle window.
  await until('initial pod gone', () => kube.cluster.podsOf(service).length === 0);

  const first = await get(url);
  assert.equal(first.status, 200, 'a cold request is held, not refused');
  const startup = kube.cluster.startups.at(-1)!;
  assert.equal(first.instance, startup.pod);
  assert.ok(first.ms >= startup.startupMs, `cold request (${first.ms.toFixed(1)} ms) took at least the pod start-up (${startup.startupMs.toFixed(1)} ms)`);

  const warm = await get(url);
  assert.equal(warm.instance, first.instance, 'a warm request reuses the pod');

  await until('scaled to zero after idle', () => kube.cluster.podsOf(service).length === 0);
  const second = await get(url);
  assert.equal(second.status, 200);
  assert.notEqual(second.instance, first.instance, 'after scale to zero a new pod serves');
});

test('the activator answers 503 when no pod becomes ready within holdTimeout', async () => {
  const kube = await start({ knativeServices: [{ name: 'slow', idle: '10s', initDelay: '3s', holdTimeout: '200ms' }] });
  // The initial pod is still initialising (3 s): the request is held 200 ms, then refused with 503.
  const r = await get(kube.knativeUrls.slow!);
  assert.equal(r.status, 503);
  assert.match(r.body, /no pod of revision slow-00001 became ready within 200 ms/);
});

test('stop() terminates every pod process, including terminating ones, and is idempotent', async () => {
  const emulator = await startKubeEmulator({
    deployments: [{ name: 'a', replicas: 2, terminationDelay: '60s' }],
    knativeServices: [{ name: 'b', idle: '60s' }],
  });
  try {
    await until('3 pods ready', () => [...emulator.cluster.pods.values()].filter((p) => p.ready).length === 3);
    const pids = [...emulator.cluster.pods.values()].map((p) => p.process.pid);
    assert.equal(pids.length, 3);
    assert.ok(pids.every(alive));
    // One pod terminating with a long grace: stop() must still end it (SIGKILL after its bound).
    emulator.cluster.setDeploymentReplicas(emulator.cluster.getDeployment('default', 'a')!, 1);
    const started = Date.now();
    await emulator.stop();
    await emulator.stop();
    assert.ok(Date.now() - started < HANG_MS, 'did not wait for the 60 s termination delay');
    assert.deepEqual(pids.filter(alive), [], 'no pod process left');
    await assert.rejects(fetch(emulator.apiUrl + '/version'), 'the API server is closed');
  } finally {
    await emulator.stop();
  }
});

test('the runner entry point gives KUBECONFIG in env and stops cleanly', async () => {
  const running = await startKubernetesEmulator({ deployments: [{ name: 'x', replicas: 1 }] }, { baseDir: process.cwd(), log: () => undefined });
  try {
    assert.match(running.env?.KUBECONFIG ?? '', /kubeconfig$/);
    assert.match(running.description, /kubernetes API http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    await running.stop();
  }
});

test('bad emulator options throw an error naming the option', () => {
  assert.throws(() => parseKubeEmulatorOptions({ deployments: [{ name: 'ok' }, { name: 'Bad_Name' }] }), /emulators\.kubernetes\.deployments\[1\]\.name: expected a lower-case DNS label/);
  assert.throws(() => parseKubeEmulatorOptions({ knativeServices: [{ name: 'f', idle: 'soon' }] }), /emulators\.kubernetes\.knativeServices\[0\]\.idle: expected a duration/);
  assert.throws(() => parseKubeEmulatorOptions({ deployments: [{ name: 'x', replicas: -1 }] }), /deployments\[0\]\.replicas/);
  assert.throws(() => parseKubeEmulatorOptions({ prot: 1 }), /emulators\.kubernetes: .*prot/i);
  assert.throws(() => parseKubeEmulatorOptions({ deployments: [{ name: 'x' }, { name: 'x' }] }), /deployments\[1\]\.name: duplicate "x"/);
  const parsed = parseKubeEmulatorOptions({ knativeServices: [{ name: 'f' }] });
  assert.equal(parsed.knativeServices[0]!.idleMs, 2000, 'default idle window is short (2 s) for the demo');
});
