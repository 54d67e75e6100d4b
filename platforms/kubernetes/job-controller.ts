// Jobs (batch/v1) of the emulated cluster and the controllers around them: the Job controller
// (one pod at a time, a new pod per failure up to backoffLimit, DeadlineExceeded after
// activeDeadlineSeconds), the TTL-after-finished controller, and the garbage collector's
// propagation policies on deletion. A Job deleted through the API without a propagationPolicy
// orphans its pods, which keep running (batch/v1's default; kubectl asks for Background itself).
// Every finished pod is kept in `history` (name, pid, exit code, log) for tests.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ApiFailure, CONFIGMAPS, SECRETS, type ObjectStore } from './api-objects.js';
import { launchContainer, type ImageSpec } from './container-runtime.js';
import { JobPod } from './job-pod.js';
import type { ServiceAccountIdentity } from './rbac.js';

type Json = Record<string, unknown>;
export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface JobRecord {
  name: string;
  namespace: string;
  uid: string;
  createdAt: string;
  labels: Record<string, string>;
  spec: Json;
  backoffLimit: number;
  active: number;
  succeeded: number;
  failed: number;
  startTime: string;
  completionTime?: string;
  condition?: { type: 'Complete' | 'Failed'; reason: string; message: string };
  deletionTimestamp?: string;
  pods: JobPod[];
  timers: NodeJS.Timeout[];
}

export interface FinishedPod {
  namespace: string;
  job: string;
  pod: string;
  pid: number | undefined;
  exitCode: number | null;
  log: string;
}

const RETRY_MS = 1_000;
const keyOf = (ns: string, name: string) => `${ns}/${name}`;
const suffix = () => randomBytes(4).toString('hex').slice(0, 5);

function invalid(job: string, field: string, message: string): ApiFailure {
  return new ApiFailure(422, 'Invalid', `Job.batch "${job}" is invalid: ${field}: ${message}`, { name: job, group: 'batch', kind: 'Job' });
}

export class JobController extends EventEmitter {
  readonly jobs = new Map<string, JobRecord>();
  /** Pods of Jobs (also orphaned ones), by namespace/name. */
  readonly pods = new Map<string, JobPod>();
  readonly history: FinishedPod[] = [];
  private readonly tokens = new Map<string, ServiceAccountIdentity & { pod: string }>();
  private readonly podDirs = new Map<string, string>();
  private stopping = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly images: ReadonlyMap<string, ImageSpec>,
    private readonly apiUrl: () => string,
  ) {
    super();
  }

  /** The service account a pod's token stands for (valid while the pod exists). */
  identify(token: string): ServiceAccountIdentity | null {
    return this.tokens.get(token) ?? null;
  }

  create(ns: string, body: Json): JobRecord {
    this.store.requireNamespace(ns);
    const meta = (body.metadata ?? {}) as Json;
    const name = String(meta.name ?? '');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw invalid(name, 'metadata.name', `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`);
    if (this.jobs.has(keyOf(ns, name))) throw new ApiFailure(409, 'AlreadyExists', `jobs.batch "${name}" already exists`, { name, group: 'batch', kind: 'jobs' });
    const spec = (body.spec ?? {}) as Json;
    const podSpec = ((spec.template as Json | undefined)?.spec ?? {}) as Json;
    if (podSpec.restartPolicy !== 'Never' && podSpec.restartPolicy !== 'OnFailure') {
      throw invalid(name, 'spec.template.spec.restartPolicy', `${podSpec.restartPolicy === undefined ? 'Required value' : `Unsupported value: ${JSON.stringify(podSpec.restartPolicy)}`}: supported values: "OnFailure", "Never"`);
    }
    const containers = podSpec.containers;
    if (!Array.isArray(containers) || containers.length === 0) throw invalid(name, 'spec.template.spec.containers', 'Required value');
    containers.forEach((c: Json, i) => {
      if (typeof c.name !== 'string' || !c.name) throw invalid(name, `spec.template.spec.containers[${i}].name`, 'Required value');
      if (typeof c.image !== 'string' || !c.image) throw invalid(name, `spec.template.spec.containers[${i}].image`, 'Required value');
    });
    const int = (value: unknown, field: string, min: number): number | undefined => {
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(name, field, `Invalid value: ${JSON.stringify(value)}: must be greater than or equal to ${min}`);
      return value;
    };
    const backoffLimit = int(spec.backoffLimit, 'spec.backoffLimit', 0) ?? 6;
    const deadlineS = int(spec.activeDeadlineSeconds, 'spec.activeDeadlineSeconds', 1);
    int(spec.ttlSecondsAfterFinished, 'spec.ttlSecondsAfterFinished', 0);
    const now = new Date().toISOString();
    const job: JobRecord = {
      name,
      namespace: ns,
      uid: randomUUID(),
      createdAt: now,
      labels: (meta.labels ?? {}) as Record<string, string>,
      spec: { ...spec, backoffLimit },
      backoffLimit,
      active: 0,
      succeeded: 0,
      failed: 0,
      startTime: now,
      pods: [],
      timers: [],
    };
    this.jobs.set(keyOf(ns, name), job);
    if (deadlineS !== undefined) job.timers.push(setTimeout(() => this.deadlineExceeded(job), deadlineS * 1000));
    this.startPod(job);
    this.emit('change');
    return job;
  }

  get(ns: string, name: string): JobRecord | undefined {
    return this.jobs.get(keyOf(ns, name));
  }

  private startPod(job: JobRecord): void {
    if (this.stopping || job.condition || job.deletionTimestamp || this.jobs.get(keyOf(job.namespace, job.name)) !== job) return;
    const template = (job.spec.template ?? {}) as Json;
    const podSpec = (template.spec ?? {}) as Json;
    const serviceAccount = typeof podSpec.serviceAccountName === 'string' ? podSpec.serviceAccountName : 'default';
    // The Job controller cannot create a pod whose ServiceAccount does not exist: it retries.
    if (!this.store.hasServiceAccount(job.namespace, serviceAccount)) {
      job.timers.push(setTimeout(() => this.startPod(job), RETRY_MS));
      return;
    }
    const container = (podSpec.containers as Json[])[0]!;
    const name = `${job.name}-${suffix()}`;
    const pod = new JobPod({
      name,
      namespace: job.namespace,
      uid: randomUUID(),
      labels: {
        ...(((template.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>),
        'batch.kubernetes.io/controller-uid': job.uid,
        'batch.kubernetes.io/job-name': job.name,
        'controller-uid': job.uid,
        'job-name': job.name,
      },
      job: { name: job.name, uid: job.uid },
      spec: { ...podSpec, serviceAccountName: serviceAccount },
      containerName: String(container.name),
      image: String(container.image),
      terminationGraceMs: typeof podSpec.terminationGracePeriodSeconds === 'number' ? podSpec.terminationGracePeriodSeconds * 1000 : 30_000,
    });
    this.pods.set(keyOf(job.namespace, name), pod);
    job.pods.push(pod);
    job.active += 1;
    pod.on('change', () => this.emit('change'));
    pod.once('exit', (code: number | null) => this.podExited(job, pod, code));
    this.emit('change');
    this.tryStartContainer(job, pod, container, serviceAccount);
  }

  /** Start the container, or leave the pod Pending with the kubelet's reason and try again. */
  private tryStartContainer(job: JobRecord, pod: JobPod, container: Json, serviceAccount: string): void {
    if (this.stopping || pod.deletionTimestamp || pod.phase !== 'Pending') return;
    const retry = (reason: string, message: string) => {
      pod.wait(reason, message);
      job.timers.push(setTimeout(() => this.tryStartContainer(job, pod, container, serviceAccount), RETRY_MS));
    };
    const image = this.images.get(String(container.image));
    if (!image) return retry(pod.waiting?.reason === 'ErrImagePull' ? 'ImagePullBackOff' : 'ErrImagePull', `Back-off pulling image "${String(container.image)}": not found`);
    const dir = this.podDirs.get(pod.spec.name) ?? mkdtempSync(path.join(os.tmpdir(), `coldbench-pod-${pod.spec.name}-`));
    this.podDirs.set(pod.spec.name, dir);
    const volumes = this.mountVolumes(job, pod, container, dir);
    if ('reason' in volumes) return retry(volumes.reason, volumes.message);
    const env = this.containerEnv(job.namespace, container);
    if ('reason' in env) return retry(env.reason, env.message);
    const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOSTNAME: pod.spec.name, HOME: path.join(dir, 'home') };
    mkdirSync(base.HOME!, { recursive: true });
    if (pod.spec.spec.automountServiceAccountToken !== false) {
      // Stand-in for the projected token: a kubeconfig with a token bound to this pod.
      const token = randomBytes(24).toString('hex');
      this.tokens.set(token, { namespace: job.namespace, name: serviceAccount, pod: pod.spec.name });
      const file = path.join(dir, 'serviceaccount', 'kubeconfig');
      mkdirSync(path.dirname(file), { recursive: true });
      const cluster = { name: 'in-cluster', cluster: { server: this.apiUrl() } };
      writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [cluster], users: [{ name: serviceAccount, user: { token } }], contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: serviceAccount, namespace: job.namespace } }], 'current-context': 'in-cluster' }), { mode: 0o600 });
      const api = new URL(this.apiUrl());
      Object.assign(base, { KUBECONFIG: file, KUBERNETES_SERVICE_HOST: api.hostname, KUBERNETES_SERVICE_PORT: api.port });
    }
    const launch = launchContainer(image, { command: container.command as string[] | undefined, args: container.args as string[] | undefined, workingDir: container.workingDir as string | undefined, env: env.values, hostEnv: base }, volumes.mounts);
    if (!launch.ok) return pod.wait(launch.reason, launch.message);
    pod.start(launch);
  }

  private mountVolumes(job: JobRecord, pod: JobPod, container: Json, dir: string): { mounts: Record<string, string> } | { reason: string; message: string } {
    const volumes = (pod.spec.spec.volumes ?? []) as Json[];
    const mounts: Record<string, string> = {};
    for (const mount of (container.volumeMounts ?? []) as Json[]) {
      const volume = volumes.find((v) => v.name === mount.name);
      if (!volume) return { reason: 'CreateContainerConfigError', message: `volume "${String(mount.name)}" not found in the pod spec` };
      const host = path.join(dir, 'volumes', String(mount.name));
      const configMap = volume.configMap as Json | undefined;
      if (configMap) {
        const cm = this.store.get(CONFIGMAPS, job.namespace, String(configMap.name));
        if (!cm) return { reason: 'ContainerCreating', message: `MountVolume.SetUp failed for volume "${String(mount.name)}" : configmap "${String(configMap.name)}" not found` };
        mkdirSync(host, { recursive: true });
        for (const [file, text] of Object.entries((cm.data ?? {}) as Record<string, string>)) writeFileSync(path.join(host, file), text);
      } else mkdirSync(host, { recursive: true });
      mounts[String(mount.mountPath)] = host;
    }
    return { mounts };
  }

  private containerEnv(ns: string, container: Json): { values: Record<string, string> } | { reason: string; message: string } {
    const values: Record<string, string> = {};
    for (const entry of (container.env ?? []) as Json[]) {
      const name = String(entry.name);
      if (typeof entry.value === 'string') values[name] = entry.value;
      const from = entry.valueFrom as Json | undefined;
      const ref = (from?.secretKeyRef ?? from?.configMapKeyRef) as Json | undefined;
      if (!ref) continue;
      const isSecret = Boolean(from?.secretKeyRef);
      const source = this.store.get(isSecret ? SECRETS : CONFIGMAPS, ns, String(ref.name));
      const raw = ((source?.data ?? {}) as Record<string, string>)[String(ref.key)];
      if (raw === undefined) return { reason: 'CreateContainerConfigError', message: `${isSecret ? 'secret' : 'configmap'} "${String(ref.name)}" ${source ? `has no key "${String(ref.key)}"` : 'not found'}` };
      values[name] = isSecret ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    }
    return { values };
  }

  private podExited(job: JobRecord, pod: JobPod, code: number | null): void {
    job.active = Math.max(0, job.active - 1);
    if (!job.condition && !pod.deletionTimestamp) {
      if (code === 0) {
        job.succeeded += 1;
        this.finish(job, { type: 'Complete', reason: 'Completed', message: 'Reached expected number of succeeded pods' });
      } else {
        job.failed += 1;
        if (job.failed > job.backoffLimit) this.finish(job, { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
        else this.startPod(job);
      }
    }
    this.emit('change');
  }

  private finish(job: JobRecord, condition: NonNullable<JobRecord['condition']>): void {
    job.condition = condition;
    job.completionTime = new Date().toISOString();
    const ttl = (job.spec.ttlSecondsAfterFinished as number | undefined) ?? undefined;
    if (ttl !== undefined) job.timers.push(setTimeout(() => void this.delete(job.namespace, job.name, 'Background').catch(() => undefined), ttl * 1000));
  }

  private deadlineExceeded(job: JobRecord): void {
    if (job.condition) return;
    this.finish(job, { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    for (const pod of job.pods) if (!pod.terminated) void pod.terminate();
    this.emit('change');
  }

  /** Delete a Job; `policy` undefined is batch/v1's default, Orphan. */
  async delete(ns: string, name: string, policy: PropagationPolicy | undefined): Promise<JobRecord> {
    const job = this.jobs.get(keyOf(ns, name));
    if (!job) throw new ApiFailure(404, 'NotFound', `jobs.batch "${name}" not found`, { name, group: 'batch', kind: 'jobs' });
    for (const timer of job.timers) clearTimeout(timer);
    if ((policy ?? 'Orphan') === 'Orphan') {
      this.jobs.delete(keyOf(ns, name));
      for (const pod of job.pods) pod.orphaned = true;
      this.emit('change');
      return job;
    }
    const removing = Promise.all(job.pods.filter((p) => this.pods.has(keyOf(ns, p.spec.name))).map((p) => this.removePod(p)));
    if (policy === 'Background') this.jobs.delete(keyOf(ns, name));
    else job.deletionTimestamp = new Date().toISOString();
    this.emit('change');
    if (policy === 'Foreground') void removing.then(() => this.jobs.delete(keyOf(ns, name))).then(() => this.emit('change'));
    return job;
  }

  /** The garbage collector deletes a pod: terminating (grace period), then gone. */
  private async removePod(pod: JobPod): Promise<void> {
    pod.deletionTimestamp ??= new Date().toISOString();
    this.emit('change');
    await pod.terminate();
    this.pods.delete(keyOf(pod.spec.namespace, pod.spec.name));
    pod.closeFollowers();
    this.forget(pod);
    this.emit('change');
  }

  private forget(pod: JobPod): void {
    for (const [token, who] of this.tokens) if (who.pod === pod.spec.name) this.tokens.delete(token);
    this.history.push({ namespace: pod.spec.namespace, job: pod.spec.job.name, pod: pod.spec.name, pid: pod.pid, exitCode: pod.terminated?.exitCode ?? null, log: pod.logText });
    if (this.history.length > 100) this.history.shift();
    const dir = this.podDirs.get(pod.spec.name);
    if (dir) rmSync(dir, { recursive: true, force: true });
    this.podDirs.delete(pod.spec.name);
  }

  jobJson(job: JobRecord, resourceVersion: string): Json {
    const template = (job.spec.template ?? {}) as Json;
    const templateMeta = (template.metadata ?? {}) as Json;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: job.name,
        namespace: job.namespace,
        uid: job.uid,
        resourceVersion,
        labels: job.labels,
        creationTimestamp: job.createdAt,
        ...(job.deletionTimestamp ? { deletionTimestamp: job.deletionTimestamp, finalizers: ['foregroundDeletion'] } : {}),
      },
      spec: {
        ...job.spec,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': job.uid } },
        template: { ...template, metadata: { ...templateMeta, labels: { ...((templateMeta.labels ?? {}) as Json), 'batch.kubernetes.io/job-name': job.name, 'job-name': job.name } } },
      },
      status: {
        startTime: job.startTime,
        ...(job.active ? { active: job.active } : {}),
        ...(job.succeeded ? { succeeded: job.succeeded } : {}),
        ...(job.failed ? { failed: job.failed } : {}),
        ...(job.completionTime ? { completionTime: job.completionTime } : {}),
        ...(job.condition ? { conditions: [{ type: job.condition.type, status: 'True', reason: job.condition.reason, message: job.condition.message, lastTransitionTime: job.completionTime }] } : {}),
      },
    };
  }

  /** Stop every Job pod's process and forget everything. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const job of this.jobs.values()) for (const timer of job.timers) clearTimeout(timer);
    await Promise.all([...this.pods.values()].map(async (pod) => {
      await pod.terminate(2_000);
      pod.closeFollowers();
      this.forget(pod);
    }));
    this.pods.clear();
  }
}
