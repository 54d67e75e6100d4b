// The emulated cluster's state and controllers: Deployments and Knative Services own pods, and
// every pod is a real child process. A Deployment's controller keeps `spec.replicas` pods that are
// neither terminating nor terminated; a Knative Service's revision is scaled between its min-scale
// and 1 pod by its activator. Terminating pods keep a deletionTimestamp until their process has
// exited, as in Kubernetes; an evicted pod (phase Failed) stays listed, as real ones do until the
// pod garbage collector's threshold (12,500 terminated pods by default) is reached.
// Every pod change gets a resourceVersion and is kept (bounded) for watches.
import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { PodProcess } from './pod-process.js';
import type { DeploymentOptions, KnativeServiceOptions, PodTemplate, ScalerOptions, ServiceOptions } from './options.js';

/** SIGKILL bound after SIGTERM (Kubernetes: terminationGracePeriodSeconds, 30 s by default). */
const KILL_GRACE_MS = 5_000;

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface Owner {
  kind: 'Deployment' | 'KnativeService';
  namespace: string;
  name: string;
}

/** A pod as the API shows it (a plain object: copies of it are what watch events carry). */
export interface PodState {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  owner: Owner;
  ownerRef: { kind: string; name: string };
  template: PodTemplate;
  createdAt: string;
  startedAt: string | null;
  deletionTimestamp: string | null;
  phase: PodPhase;
  /** Why a pod is Failed ("Evicted") and the kubelet's words. */
  reason: string | null;
  message: string | null;
  ready: boolean;
  port: number | null;
  /** Condition times (ISO 8601 with milliseconds; a real API server gives whole seconds). */
  scheduledAt: string;
  /** Last change of ContainersReady / Ready (to True when the pod became ready, to False after). */
  readyChangedAt: string;
  /** Real start-up time of the process: spawn -> listening, milliseconds (null until ready). */
  startupMs: number | null;
  resourceVersion: string;
}

export interface PodRecord extends PodState {
  process: PodProcess;
}

/** One pod change as a watch delivers it. */
export interface PodEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resourceVersion: number;
  pod: PodState;
}

export interface DeploymentRecord {
  kind: 'Deployment';
  name: string;
  namespace: string;
  uid: string;
  createdAt: string;
  generation: number;
  replicas: number;
  matchLabels: Record<string, string>;
  template: PodTemplate;
  replicaSetName: string;
}

export interface KnativeServiceRecord {
  kind: 'KnativeService';
  name: string;
  namespace: string;
  uid: string;
  createdAt: string;
  revisionName: string;
  /** The latest revision that became ready (a new one is ready once a pod of it is). */
  readyRevisionName: string;
  /** metadata.generation: +1 per template change. */
  generation: number;
  /** Desired pods of the revision: between its lower bound and 1 (set by the activator / idle timer). */
  scale: number;
  idleMs: number;
  holdTimeoutMs: number;
  url: string;
  template: PodTemplate;
  /** Revision-template annotations as the API shows them (window, min-scale, initial-scale...). */
  annotations: Record<string, string>;
  clusterLocal: boolean;
}

export interface ServiceRecord extends ServiceOptions {
  uid: string;
  createdAt: string;
  clusterIP: string;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** A template with the requests and limits of a PATCH (cpu and memory; others are not modelled). */
function withResources(template: PodTemplate, resources: { requests: Record<string, string>; limits: Record<string, string> }): PodTemplate {
  const limits = Object.fromEntries(Object.entries(resources.limits).filter(([k]) => k === 'cpu' || k === 'memory'));
  return { ...template, cpu: resources.requests.cpu ?? template.cpu, memory: resources.requests.memory ?? template.memory, limits };
}

function sameResources(a: PodTemplate, b: PodTemplate): boolean {
  return a.cpu === b.cpu && a.memory === b.memory && JSON.stringify(a.limits ?? {}) === JSON.stringify(b.limits ?? {});
}
const suffix = (length: number) => randomBytes(8).toString('hex').replace(/[^a-z0-9]/g, '').slice(0, length);

export class Cluster extends EventEmitter {
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly knativeServices = new Map<string, KnativeServiceRecord>();
  readonly pods = new Map<string, PodRecord>();
  readonly services = new Map<string, ServiceRecord>();
  /** HPAs and KEDA ScaledObjects (listed by the API; no controller acts on them here). */
  readonly scalers: ScalerOptions[] = [];
  /** null: KEDA is not installed. */
  kedaInstalled = false;
  /** Data of knative-serving/config-autoscaler. */
  autoscalerConfig: Record<string, string> = {};
  /** Start-up time of every pod that became ready, oldest first (bounded): what a cold start costs here. */
  readonly startups: { pod: string; owner: string; startupMs: number }[] = [];
  /** When each pod got its deletionTimestamp (epoch ms), oldest first (bounded): what tests wait on. */
  readonly deletions: { pod: string; owner: string; at: number }[] = [];
  /** Pod changes, oldest first, for watches; bounded by `historyLimit`. */
  readonly podEvents: PodEvent[] = [];
  /** resourceVersion of the newest pod event dropped from the history: a watch from before it is 410. */
  droppedThrough = 0;
  private version = 1;
  private stopping = false;

  constructor(private readonly historyLimit = 1000) {
    super();
    this.setMaxListeners(0);
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  private changed(): void {
    this.version += 1;
    this.emit('change');
  }

  /** Record a pod change: a new resourceVersion, a copy for watches, then the change event. */
  private podChanged(type: PodEvent['type'], pod: PodRecord): void {
    this.version += 1;
    pod.resourceVersion = String(this.version);
    const { process: _process, ...state } = pod;
    const event: PodEvent = { type, resourceVersion: this.version, pod: { ...state, labels: { ...state.labels } } };
    this.podEvents.push(event);
    while (this.podEvents.length > this.historyLimit) this.droppedThrough = this.podEvents.shift()!.resourceVersion;
    this.emit('pod', event);
    this.emit('change');
  }

  addService(options: ServiceOptions): ServiceRecord {
    const record: ServiceRecord = {
      ...options,
      uid: randomUUID(),
      createdAt: new Date().toISOString(),
      clusterIP: `10.96.${this.services.size >> 8}.${(this.services.size % 250) + 2}`,
    };
    this.services.set(keyOf(record.namespace, record.name), record);
    this.changed();
    return record;
  }

  getService(namespace: string, name: string): ServiceRecord | undefined {
    return this.services.get(keyOf(namespace, name));
  }

  /** Ready endpoints of a Service: running, ready, not terminating pods its selector matches. */
  endpointsOf(service: ServiceRecord): PodRecord[] {
    return [...this.pods.values()].filter(
      (p) =>
        p.namespace === service.namespace &&
        p.ready &&
        p.port !== null &&
        p.deletionTimestamp === null &&
        p.phase === 'Running' &&
        Object.entries(service.selector).every(([k, v]) => p.labels[k] === v),
    );
  }

  /** The kubelet evicts a pod (node pressure): phase Failed, reason Evicted, its process killed; it
   *  stays listed until garbage collection, and its ReplicaSet starts a replacement. */
  evictPod(pod: PodRecord, message = 'The node was low on resource: memory. '): void {
    if (pod.phase === 'Failed' || pod.phase === 'Succeeded') return;
    pod.phase = 'Failed';
    pod.reason = 'Evicted';
    pod.message = message;
    pod.ready = false;
    pod.readyChangedAt = new Date().toISOString();
    this.podChanged('MODIFIED', pod);
    void pod.process.stop(0);
    const owner = pod.owner.kind === 'Deployment' ? this.getDeployment(pod.owner.namespace, pod.owner.name) : this.getKnativeService(pod.owner.namespace, pod.owner.name);
    if (owner) this.reconcile(owner);
  }

  /** The lower bound of a revision: min-scale (annotation, else config-autoscaler), at least 1
   *  when scale to zero is disabled cluster-wide (Knative docs, *Configuring scale bounds*). */
  knativeMinScale(service: KnativeServiceRecord): number {
    const annotated = service.annotations['autoscaling.knative.dev/min-scale'] ?? service.annotations['autoscaling.knative.dev/minScale'];
    const min = Number(annotated ?? this.autoscalerConfig['min-scale'] ?? 0) || 0;
    const toZero = this.autoscalerConfig['enable-scale-to-zero'] !== 'false';
    return Math.max(min, toZero ? 0 : 1);
  }

  addDeployment(options: DeploymentOptions): DeploymentRecord {
    const record: DeploymentRecord = {
      kind: 'Deployment',
      name: options.name,
      namespace: options.namespace,
      uid: randomUUID(),
      createdAt: new Date().toISOString(),
      generation: 1,
      replicas: options.replicas,
      matchLabels: { app: options.name },
      template: options.template,
      replicaSetName: `${options.name}-${suffix(10)}`,
    };
    this.deployments.set(keyOf(record.namespace, record.name), record);
    this.reconcile(record);
    return record;
  }

  addKnativeService(options: KnativeServiceOptions, url: string): KnativeServiceRecord {
    const annotations: Record<string, string> = { 'autoscaling.knative.dev/window': `${options.idleMs / 1000}s`, ...options.annotations };
    if (options.minScale !== undefined) annotations['autoscaling.knative.dev/min-scale'] = String(options.minScale);
    if (options.initialScale !== undefined) annotations['autoscaling.knative.dev/initial-scale'] = String(options.initialScale);
    const record: KnativeServiceRecord = {
      kind: 'KnativeService',
      name: options.name,
      namespace: options.namespace,
      uid: randomUUID(),
      createdAt: new Date().toISOString(),
      revisionName: `${options.name}-00001`,
      readyRevisionName: `${options.name}-00001`,
      generation: 1,
      scale: 0,
      idleMs: options.idleMs,
      holdTimeoutMs: options.holdTimeoutMs,
      url,
      template: options.template,
      annotations,
      clusterLocal: options.clusterLocal,
    };
    // A new revision starts at the larger of initial-scale (default 1) and its lower bound; the idle
    // window then takes it down to the lower bound.
    const initial = Number(annotations['autoscaling.knative.dev/initial-scale'] ?? this.autoscalerConfig['initial-scale'] ?? 1) || 0;
    record.scale = Math.max(initial, this.knativeMinScale(record));
    this.knativeServices.set(keyOf(record.namespace, record.name), record);
    this.reconcile(record);
    return record;
  }

  getDeployment(namespace: string, name: string): DeploymentRecord | undefined {
    return this.deployments.get(keyOf(namespace, name));
  }

  getKnativeService(namespace: string, name: string): KnativeServiceRecord | undefined {
    return this.knativeServices.get(keyOf(namespace, name));
  }

  setDeploymentReplicas(deployment: DeploymentRecord, replicas: number): void {
    if (deployment.replicas !== replicas) {
      deployment.replicas = replicas;
      deployment.generation += 1;
    }
    this.changed();
    this.reconcile(deployment);
  }

  /** A PATCH that changed the Deployment's container resources: a rollout. The emulator rolls out
   *  as strategy Recreate does (old pods deleted, new ones created), under a new ReplicaSet. */
  setDeploymentResources(deployment: DeploymentRecord, resources: { requests: Record<string, string>; limits: Record<string, string> }): void {
    const template = withResources(deployment.template, resources);
    if (sameResources(template, deployment.template)) return;
    deployment.template = template;
    deployment.generation += 1;
    deployment.replicaSetName = `${deployment.name}-${suffix(10)}`;
    this.replacePods(deployment);
  }

  /** A PATCH that changed a Knative Service's container resources: a new revision, started at its
   *  initial scale like the first; it is the ready revision once one of its pods is ready. */
  setKnativeResources(service: KnativeServiceRecord, resources: { requests: Record<string, string>; limits: Record<string, string> }): void {
    const template = withResources(service.template, resources);
    if (sameResources(template, service.template)) return;
    service.template = template;
    service.generation += 1;
    const number = Number(service.revisionName.slice(service.name.length + 1)) + 1;
    service.revisionName = `${service.name}-${String(number).padStart(5, '0')}`;
    const initial = Number(service.annotations['autoscaling.knative.dev/initial-scale'] ?? this.autoscalerConfig['initial-scale'] ?? 1) || 0;
    service.scale = Math.max(initial, this.knativeMinScale(service));
    this.replacePods(service);
    this.emit('revision', service);
  }

  private replacePods(owner: DeploymentRecord | KnativeServiceRecord): void {
    for (const pod of this.podsOf(owner)) if (pod.template !== owner.template) this.deletePod(pod);
    this.changed();
    this.reconcile(owner);
  }

  setKnativeScale(service: KnativeServiceRecord, requested: number): void {
    const scale = Math.max(requested, this.knativeMinScale(service));
    if (service.scale === scale) return;
    service.scale = scale;
    this.changed();
    this.reconcile(service);
  }

  podsOf(owner: Owner): PodRecord[] {
    return [...this.pods.values()].filter(
      (p) => p.owner.kind === owner.kind && p.owner.namespace === owner.namespace && p.owner.name === owner.name,
    );
  }

  readyPodsOf(owner: Owner): PodRecord[] {
    return this.podsOf(owner).filter((p) => p.ready && p.port !== null && p.deletionTimestamp === null && p.phase === 'Running');
  }

  /** Resolves with a ready pod of `owner`, or null after `timeoutMs`. */
  waitForReadyPod(owner: Owner, timeoutMs: number): Promise<PodRecord | null> {
    const ready = this.readyPodsOf(owner)[0];
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const check = () => {
        const pod = this.readyPodsOf(owner)[0];
        if (pod || this.stopping) finish(pod ?? null);
      };
      const finish = (pod: PodRecord | null) => {
        clearTimeout(timer);
        this.off('change', check);
        resolve(pod);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.on('change', check);
    });
  }

  /** Make the owner's live (not terminating) pods match its desired count. */
  reconcile(owner: DeploymentRecord | KnativeServiceRecord): void {
    if (this.stopping) return;
    const desired = owner.kind === 'Deployment' ? owner.replicas : owner.scale;
    // Terminated pods (Failed, Succeeded) are not the ReplicaSet's any more: it replaces them.
    const live = this.podsOf(owner).filter((p) => p.deletionTimestamp === null && (p.phase === 'Pending' || p.phase === 'Running'));
    for (let i = live.length; i < desired; i++) this.createPod(owner, (i - live.length) * owner.template.staggerMs);
    if (live.length > desired) {
      // Like the ReplicaSet controller: remove not-ready pods first, then the newest.
      const victims = [...live]
        .sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt.localeCompare(a.createdAt))
        .slice(0, live.length - desired);
      for (const pod of victims) this.deletePod(pod);
    }
  }

  /** `extraInitMs`: added to the template's initDelay (the pod's place in a staggered scale-up). */
  private createPod(owner: DeploymentRecord | KnativeServiceRecord, extraInitMs = 0): PodRecord {
    const isDeployment = owner.kind === 'Deployment';
    const name = isDeployment ? `${owner.replicaSetName}-${suffix(5)}` : `${owner.revisionName}-deployment-${suffix(5)}`;
    const createdAt = new Date().toISOString();
    const labels: Record<string, string> = isDeployment
      ? { ...owner.matchLabels, 'pod-template-hash': owner.replicaSetName.slice(owner.name.length + 1) }
      : {
          app: owner.revisionName,
          'serving.knative.dev/service': owner.name,
          'serving.knative.dev/revision': owner.revisionName,
          'serving.knative.dev/configuration': owner.name,
        };
    const pod: PodRecord = {
      name,
      namespace: owner.namespace,
      uid: randomUUID(),
      labels,
      owner: { kind: owner.kind, namespace: owner.namespace, name: owner.name },
      ownerRef: isDeployment ? { kind: 'ReplicaSet', name: owner.replicaSetName } : { kind: 'ReplicaSet', name: `${owner.revisionName}-deployment` },
      template: owner.template,
      createdAt,
      startedAt: null,
      deletionTimestamp: null,
      phase: 'Pending',
      reason: null,
      message: null,
      ready: false,
      port: null,
      // The emulator schedules at once: PodScheduled is the creation time.
      scheduledAt: createdAt,
      readyChangedAt: createdAt,
      startupMs: null,
      resourceVersion: '',
      process: undefined as unknown as PodProcess,
    };
    const spawnedAt = process.hrtime.bigint();
    this.pods.set(keyOf(pod.namespace, pod.name), pod);
    this.podChanged('ADDED', pod);
    pod.process = new PodProcess(name, { ...owner.template, initDelayMs: owner.template.initDelayMs + extraInitMs }, {
      onReady: (port) => {
        if (pod.phase !== 'Pending') return; // evicted while starting
        pod.port = port;
        pod.startupMs = Number(process.hrtime.bigint() - spawnedAt) / 1e6;
        this.startups.push({ pod: pod.name, owner: `${owner.namespace}/${owner.name}`, startupMs: pod.startupMs });
        if (this.startups.length > 1000) this.startups.shift();
        pod.phase = 'Running';
        pod.startedAt = new Date().toISOString();
        pod.ready = pod.deletionTimestamp === null;
        if (pod.ready) pod.readyChangedAt = pod.startedAt;
        if (pod.ready && !isDeployment && owner.template === pod.template) owner.readyRevisionName = owner.revisionName;
        this.podChanged('MODIFIED', pod);
      },
      onExit: () => {
        // A terminated pod stays listed (until garbage collection); a deleted one goes.
        if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
          pod.port = null;
          return;
        }
        this.pods.delete(keyOf(pod.namespace, pod.name));
        this.podChanged('DELETED', pod);
        // A pod that died on its own is replaced, as its ReplicaSet would.
        if (pod.deletionTimestamp === null) {
          const current = isDeployment ? this.getDeployment(owner.namespace, owner.name) : this.getKnativeService(owner.namespace, owner.name);
          if (current) this.reconcile(current);
        }
      },
    });
    return pod;
  }

  private deletePod(pod: PodRecord): void {
    if (pod.deletionTimestamp !== null) return;
    const at = Date.now();
    pod.deletionTimestamp = new Date(at).toISOString();
    this.deletions.push({ pod: pod.name, owner: `${pod.owner.namespace}/${pod.owner.name}`, at });
    if (this.deletions.length > 1000) this.deletions.shift();
    if (pod.ready) pod.readyChangedAt = pod.deletionTimestamp;
    pod.ready = false;
    this.podChanged('MODIFIED', pod);
    void pod.process.stop(KILL_GRACE_MS);
  }

  /** Stop every pod process (SIGTERM, SIGKILL after a bound) and wait until all have exited. */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopping = true;
    this.emit('change');
    await Promise.all([...this.pods.values()].map((p) => p.process.stop(graceMs)));
  }
}
