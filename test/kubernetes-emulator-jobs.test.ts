// The local Kubernetes platform's Jobs, through client-node: each pod a real process (image ->
// this checkout's runtime), volumes and Secrets as the kubelet provides them, pod logs followed to
// the end, the Job controller's retries and deadline, RBAC for the pods' service accounts, the
// API's default of orphaning a Job's pods on deletion, and the kubelet's waiting reasons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { BatchV1Api, CoreV1Api, KubeConfig, Log, RbacAuthorizationV1Api, type V1Job } from '@kubernetes/client-node';
import { processAlive, startTestKube, waitFor, type TestKube } from './helpers/servers.js';

let kube: TestKube;
let core: CoreV1Api;
let batch: BatchV1Api;
let rbac: RbacAuthorizationV1Api;
let config: KubeConfig;
let serial = 0;

before(async () => {
  kube = await startTestKube({ namespaces: ['jobs'], deployments: [{ name: 'hello', namespace: 'jobs', replicas: 0 }] });
  config = new KubeConfig();
  config.loadFromFile(kube.kubeconfigPath);
  config.clusters[0] = { ...config.clusters[0]!, skipTLSVerify: true };
  core = config.makeApiClient(CoreV1Api);
  batch = config.makeApiClient(BatchV1Api);
  rbac = config.makeApiClient(RbacAuthorizationV1Api);
});
after(async () => {
  await kube?.close();
});

function job(command: string[], spec: Partial<NonNullable<V1Job['spec']>> = {}, pod: Record<string, unknown> = {}, container: Record<string, unknown> = {}): V1Job {
  return {
    metadata: { name: `job-${++serial}` },
    spec: {
      backoffLimit: 0,
      ...spec,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'coldbench/coldbench:local', command, ...container }], ...pod } },
    },
  };
}

/** The message of the Status body an API error carries. */
function statusMessage(err: { body?: unknown }): string {
  const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  return String((body as { message?: unknown } | undefined)?.message ?? '');
}

async function podOf(name: string): Promise<string> {
  let pod = '';
  await waitFor(() => {
    pod = [...kube.jobs.pods.values()].find((p) => p.spec.job.name === name)?.spec.name ?? '';
    return pod !== '';
  }, `a pod of job ${name}`);
  const listed = await core.listNamespacedPod({ namespace: 'jobs', labelSelector: `job-name=${name}` });
  assert.deepEqual(listed.items.map((p) => p.metadata?.name), [pod], 'listed by the job-name label');
  return pod;
}

async function jobCondition(name: string): Promise<string> {
  let condition = '';
  await waitFor(() => {
    const c = kube.jobs.get('jobs', name)?.condition;
    condition = c ? `${c.type}/${c.reason}` : '';
    return condition !== '';
  }, `job ${name} to finish`, 30_000);
  return condition;
}

test('a Job runs its pod as a real process; the log is followed to the end; the Job completes', async () => {
  const created = await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', "console.log('hello from ' + process.env.HOSTNAME); setTimeout(() => console.error('bye'), 200)"]) });
  const name = created.metadata!.name!;
  const pod = await podOf(name);
  await waitFor(() => kube.jobs.pods.get(`jobs/${pod}`)?.startedAt !== null, 'the container to start');
  let text = '';
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) });
  const finished = new Promise((resolve) => sink.on('finish', resolve));
  await new Log(config).log('jobs', pod, 'main', sink, { follow: true });
  await finished;
  assert.equal(text, `hello from ${pod}\nbye\n`, 'stdout and stderr, to the end of the container');
  assert.equal(await jobCondition(name), 'Complete/Completed');
  const read = await batch.readNamespacedJob({ name, namespace: 'jobs' });
  assert.equal(read.status?.succeeded, 1);
  const status = (await core.readNamespacedPod({ name: pod, namespace: 'jobs' })).status;
  assert.equal(status?.phase, 'Succeeded');
  assert.equal(status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  await batch.deleteNamespacedJob({ name, namespace: 'jobs', propagationPolicy: 'Background' });
  await waitFor(() => kube.jobs.pods.size === 0, 'the pod to be removed with its Job');
});

test('ConfigMap volumes and Secret env vars reach the container; a missing ConfigMap keeps the pod ContainerCreating', async () => {
  await core.createNamespacedConfigMap({ namespace: 'jobs', body: { metadata: { name: 'files' }, data: { 'x.txt': 'from the config map' } } });
  await core.createNamespacedSecret({ namespace: 'jobs', body: { metadata: { name: 'creds' }, stringData: { TOKEN: 's3cret-value' } } });
  const body = job(['node', '-e', "console.log(require('fs').readFileSync(process.argv[1], 'utf8') + ' ' + process.env.TOKEN)", '/config/x.txt'], {}, { volumes: [{ name: 'files', configMap: { name: 'files' } }] }, {
    volumeMounts: [{ name: 'files', mountPath: '/config' }],
    env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'TOKEN' } } }],
  });
  const name = (await batch.createNamespacedJob({ namespace: 'jobs', body })).metadata!.name!;
  const pod = await podOf(name);
  assert.equal(await jobCondition(name), 'Complete/Completed');
  assert.equal(kube.jobs.pods.get(`jobs/${pod}`)?.logText, 'from the config map s3cret-value\n');
  const secret = await core.readNamespacedSecret({ name: 'creds', namespace: 'jobs' });
  assert.equal(Buffer.from(secret.data?.TOKEN ?? '', 'base64').toString(), 's3cret-value', 'stringData is stored base64 in data');
  await batch.deleteNamespacedJob({ name, namespace: 'jobs', propagationPolicy: 'Background' });

  const missing = job(['node', '-e', '0'], {}, { volumes: [{ name: 'gone', configMap: { name: 'not-there' } }] }, { volumeMounts: [{ name: 'gone', mountPath: '/gone' }] });
  const waiting = (await batch.createNamespacedJob({ namespace: 'jobs', body: missing })).metadata!.name!;
  const stuck = await podOf(waiting);
  await waitFor(() => /configmap "not-there" not found/.test(kube.jobs.pods.get(`jobs/${stuck}`)?.waiting?.message ?? ''), 'the mount to fail');
  const state = (await core.readNamespacedPod({ name: stuck, namespace: 'jobs' })).status?.containerStatuses?.[0]?.state;
  assert.equal(state?.waiting?.reason, 'ContainerCreating');
  await assert.rejects(new Log(config).log('jobs', stuck, 'main', new Writable({ write: (_c, _e, d) => d() })), (err: { code?: number }) => err.code === 400, 'no log before the container starts');
  await batch.deleteNamespacedJob({ name: waiting, namespace: 'jobs', propagationPolicy: 'Background' });
  await core.deleteNamespacedConfigMap({ name: 'files', namespace: 'jobs' });
  await core.deleteNamespacedSecret({ name: 'creds', namespace: 'jobs' });
});

test('an image the registry does not have: ErrImagePull, then ImagePullBackOff; the pod never runs', async () => {
  const name = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', '0'], {}, {}, { image: 'ghcr.io/nobody/nothing:1' }) })).metadata!.name!;
  const pod = await podOf(name);
  await waitFor(() => kube.jobs.pods.get(`jobs/${pod}`)?.waiting?.reason === 'ImagePullBackOff', 'the pull to back off', 10_000);
  assert.equal(kube.jobs.pods.get(`jobs/${pod}`)?.pid, undefined);
  await batch.deleteNamespacedJob({ name, namespace: 'jobs', propagationPolicy: 'Background' });
});

test('the API refuses what the real one refuses: restartPolicy Always, an unknown namespace, a duplicate', async () => {
  const always = job(['node', '-e', '0']);
  always.spec!.template.spec!.restartPolicy = 'Always';
  await assert.rejects(batch.createNamespacedJob({ namespace: 'jobs', body: always }), (err: { code?: number; body?: string }) => err.code === 422 && /restartPolicy: Unsupported value: "Always"/.test(statusMessage(err)));
  await assert.rejects(core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }), (err: { code?: number; body?: string }) => err.code === 404 && statusMessage(err) === 'namespaces "nowhere" not found');
  await core.createNamespacedConfigMap({ namespace: 'jobs', body: { metadata: { name: 'twice' } } });
  await assert.rejects(core.createNamespacedConfigMap({ namespace: 'jobs', body: { metadata: { name: 'twice' } } }), (err: { code?: number }) => err.code === 409);
  await core.deleteNamespacedConfigMap({ name: 'twice', namespace: 'jobs' });
});

test('deleting a Job without propagationPolicy orphans its running pod; Background stops it', async () => {
  const name = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', 'setTimeout(() => {}, 60000)']) })).metadata!.name!;
  const pod = await podOf(name);
  await waitFor(() => kube.jobs.pods.get(`jobs/${pod}`)?.pid !== undefined, 'the container to start');
  const pid = kube.jobs.pods.get(`jobs/${pod}`)!.pid;
  await batch.deleteNamespacedJob({ name, namespace: 'jobs' });
  await assert.rejects(batch.readNamespacedJob({ name, namespace: 'jobs' }), (err: { code?: number }) => err.code === 404);
  const orphan = await core.readNamespacedPod({ name: pod, namespace: 'jobs' });
  assert.equal(orphan.metadata?.ownerReferences, undefined, 'the pod no longer names an owner');
  assert.ok(processAlive(pid), 'and keeps running');
  // Nothing deletes an orphan but the test: stop its process.
  await kube.jobs.pods.get(`jobs/${pod}`)!.terminate(100);
  kube.jobs.pods.delete(`jobs/${pod}`);
  assert.ok(!processAlive(pid));

  const second = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', 'setTimeout(() => {}, 60000)'], {}, { terminationGracePeriodSeconds: 1 }) })).metadata!.name!;
  const secondPod = await podOf(second);
  await waitFor(() => kube.jobs.pods.get(`jobs/${secondPod}`)?.pid !== undefined, 'the container to start');
  const secondPid = kube.jobs.pods.get(`jobs/${secondPod}`)!.pid;
  await batch.deleteNamespacedJob({ name: second, namespace: 'jobs', propagationPolicy: 'Background' });
  await waitFor(() => !kube.jobs.pods.has(`jobs/${secondPod}`), 'the pod to be gone');
  assert.ok(!processAlive(secondPid), 'its process was stopped');
});

test('backoffLimit and activeDeadlineSeconds: a failing pod is retried up to the limit; a slow one is stopped at the deadline', async () => {
  const failing = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', 'process.exit(3)'], { backoffLimit: 1 }) })).metadata!.name!;
  assert.equal(await jobCondition(failing), 'Failed/BackoffLimitExceeded');
  assert.equal(kube.jobs.get('jobs', failing)?.failed, 2, 'the first pod and one retry');
  assert.deepEqual(kube.jobs.get('jobs', failing)?.pods.map((p) => p.terminated?.exitCode), [3, 3]);
  await batch.deleteNamespacedJob({ name: failing, namespace: 'jobs', propagationPolicy: 'Foreground' });
  await waitFor(() => !kube.jobs.get('jobs', failing), 'a foreground deletion to end once the pods are gone');

  const slow = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(['node', '-e', 'setTimeout(() => {}, 60000)'], { activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 1 }, { terminationGracePeriodSeconds: 1 }) })).metadata!.name!;
  assert.equal(await jobCondition(slow), 'Failed/DeadlineExceeded');
  await waitFor(() => !kube.jobs.get('jobs', slow) && kube.jobs.pods.size === 0, 'the TTL controller to remove the finished Job and its pod');
});

test("RBAC: a pod's service account may call only what a Role bound in that namespace allows", async () => {
  await core.createNamespacedServiceAccount({ namespace: 'jobs', body: { metadata: { name: 'runner' } } });
  // The pod reads its token from the kubeconfig the platform gives it and calls the API itself.
  const call = [
    'node',
    '-e',
    "const t = require('fs').readFileSync(process.env.KUBECONFIG, 'utf8'); const token = /token: (\\S+)/.exec(t)[1]; const server = /server: (\\S+)/.exec(t)[1];" +
      "fetch(server + '/apis/apps/v1/namespaces/jobs/deployments/hello', { headers: { authorization: 'Bearer ' + token } }).then(async (r) => console.log(r.status, (await r.json()).message ?? 'ok'))",
  ];
  const denied = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(call, {}, { serviceAccountName: 'runner' }) })).metadata!.name!;
  const deniedPod = await podOf(denied);
  await jobCondition(denied);
  assert.equal(kube.jobs.pods.get(`jobs/${deniedPod}`)?.logText, 'deployments.apps "hello" is forbidden: User "system:serviceaccount:jobs:runner" cannot get resource "deployments" in API group "apps" in the namespace "jobs"\n'.replace(/^/, '403 '));
  await rbac.createNamespacedRole({ namespace: 'jobs', body: { metadata: { name: 'read' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] } });
  await rbac.createNamespacedRoleBinding({ namespace: 'jobs', body: { metadata: { name: 'read' }, subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: 'jobs' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' } } });
  const allowed = (await batch.createNamespacedJob({ namespace: 'jobs', body: job(call, {}, { serviceAccountName: 'runner' }) })).metadata!.name!;
  const allowedPod = await podOf(allowed);
  await jobCondition(allowed);
  assert.equal(kube.jobs.pods.get(`jobs/${allowedPod}`)?.logText, '200 ok\n');
  for (const name of [denied, allowed]) await batch.deleteNamespacedJob({ name, namespace: 'jobs', propagationPolicy: 'Background' });
  await rbac.deleteNamespacedRoleBinding({ name: 'read', namespace: 'jobs' });
  await rbac.deleteNamespacedRole({ name: 'read', namespace: 'jobs' });
  await core.deleteNamespacedServiceAccount({ name: 'runner', namespace: 'jobs' });
  await waitFor(() => kube.jobs.pods.size === 0 && kube.objects.all().length === 0, 'everything removed');
});
