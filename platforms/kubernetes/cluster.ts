// The emulated cluster's state and controllers: Deployments and Knative Services own pods, and
// every pod is a real child process. A Deployment's controller keeps `spec.replicas` pods that are
// not terminating; a Knative Service's revision is scaled between 0 and 1 pod by its activator.
// Terminating pods keep a deletionTimestamp until their process has exited, as in Kubernetes.
import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { PodProcess } from './pod-process.js';
import type { DeploymentOptions, KnativeServiceOptions, PodTemplate } from './options.js';

/** SIGKILL bound after SIGTERM (Kubernetes: terminationGracePeriodSeconds, 30 s by default). */
const KILL_GRACE_MS = 5_000;

export type PodPhase = 'Pending' | 'Running';

export interface Owner {
  kind: 'Deployment' | 'KnativeService';
  namespace: string;
  name: string;
}

export interface PodRecord {
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
  ready: boolean;
  port: number | null;
  /** Real start-up time of the process: spawn -> listening, milliseconds (null until ready). */
  startupMs: number | null;
  process: PodProcess;
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
  /** Desired pods of the revision: 0 or 1 (set by the activator / idle timer). */
  scale: number;
  idleMs: number;
  holdTimeoutMs: number;
  url: string;
  template: PodTemplate;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const suffix = (length: number) => randomBytes(8).toString('hex').replace(/[^a-z0-9]/g, '').slice(0, length);

export class Cluster extends EventEmitter {
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly knativeServices = new Map<string, KnativeServiceRecord>();
  readonly pods = new Map<string, PodRecord>();
  /** Start-up time of every pod that became ready, oldest first (bounded): what a cold start costs here. */
  readonly startups: { pod: string; owner: string; startupMs: number }[] = [];
  /** When each pod got its deletionTimestamp (epoch ms), oldest first (bounded): what tests wait on. */
  readonly deletions: { pod: string; owner: string; at: number }[] = [];
  private version = 1;
  private stopping = false;

  get resourceVersion(): string {
    return String(this.version);
  }

  private changed(): void {
    this.version += 1;
    this.emit('change');
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
    const record: KnativeServiceRecord = {
      kind: 'KnativeService',
      name: options.name,
      namespace: options.namespace,
      uid: randomUUID(),
      createdAt: new Date().toISOString(),
      revisionName: `${options.name}-00001`,
      // A new revision starts with one pod (Knative initial-scale 1); the idle window removes it.
      scale: 1,
      idleMs: options.idleMs,
      holdTimeoutMs: options.holdTimeoutMs,
      url,
      template: options.template,
    };
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

  setKnativeScale(service: KnativeServiceRecord, scale: number): void {
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
    return this.podsOf(owner).filter((p) => p.ready && p.port !== null && p.deletionTimestamp === null);
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
    const live = this.podsOf(owner).filter((p) => p.deletionTimestamp === null);
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
      createdAt: new Date().toISOString(),
      startedAt: null,
      deletionTimestamp: null,
      phase: 'Pending',
      ready: false,
      port: null,
      startupMs: null,
      process: undefined as unknown as PodProcess,
    };
    const spawnedAt = process.hrtime.bigint();
    this.pods.set(keyOf(pod.namespace, pod.name), pod);
    pod.process = new PodProcess(name, { ...owner.template, initDelayMs: owner.template.initDelayMs + extraInitMs }, {
      onReady: (port) => {
        pod.port = port;
        pod.startupMs = Number(process.hrtime.bigint() - spawnedAt) / 1e6;
        this.startups.push({ pod: pod.name, owner: `${owner.namespace}/${owner.name}`, startupMs: pod.startupMs });
        if (this.startups.length > 1000) this.startups.shift();
        pod.phase = 'Running';
        pod.startedAt = new Date().toISOString();
        pod.ready = pod.deletionTimestamp === null;
        this.changed();
      },
      onExit: () => {
        this.pods.delete(keyOf(pod.namespace, pod.name));
        this.changed();
        // A pod that died on its own is replaced, as its ReplicaSet would.
        if (pod.deletionTimestamp === null) {
          const current = isDeployment ? this.getDeployment(owner.namespace, owner.name) : this.getKnativeService(owner.namespace, owner.name);
          if (current) this.reconcile(current);
        }
      },
    });
    this.changed();
    return pod;
  }

  private deletePod(pod: PodRecord): void {
    if (pod.deletionTimestamp !== null) return;
    const at = Date.now();
    pod.deletionTimestamp = new Date(at).toISOString();
    this.deletions.push({ pod: pod.name, owner: `${pod.owner.namespace}/${pod.owner.name}`, at });
    if (this.deletions.length > 1000) this.deletions.shift();
    pod.ready = false;
    this.changed();
    void pod.process.stop(KILL_GRACE_MS);
  }

  /** Stop every pod process (SIGTERM, SIGKILL after a bound) and wait until all have exited. */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopping = true;
    this.emit('change');
    await Promise.all([...this.pods.values()].map((p) => p.process.stop(graceMs)));
  }
}
