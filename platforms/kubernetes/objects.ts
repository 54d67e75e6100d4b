// The emulated cluster's records rendered as the Kubernetes API's JSON objects. Zero counts are
// omitted like the real API does (omitempty): `status.readyReplicas` is absent when nothing is ready.
import type { Cluster, DeploymentRecord, KnativeServiceRecord, PodRecord } from './cluster.js';

type Json = Record<string, unknown>;

const omitZero = (fields: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== 0));

function resources(template: { cpu: string; memory: string }): Json {
  return { requests: { cpu: template.cpu, memory: template.memory } };
}

export function podJson(pod: PodRecord, resourceVersion: string): Json {
  const ready = pod.ready ? 'True' : 'False';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion,
      labels: pod.labels,
      creationTimestamp: pod.createdAt,
      ...(pod.deletionTimestamp ? { deletionTimestamp: pod.deletionTimestamp, deletionGracePeriodSeconds: 30 } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: pod.ownerRef.kind, name: pod.ownerRef.name, uid: pod.uid, controller: true }],
    },
    spec: {
      nodeName: 'coldbench-emulator',
      containers: [{ name: 'app', image: 'coldbench/pod:local', resources: resources(pod.template) }],
    },
    status: {
      phase: pod.phase,
      hostIP: '127.0.0.1',
      podIP: pod.port !== null ? '127.0.0.1' : undefined,
      startTime: pod.createdAt,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'ContainersReady', status: ready },
        { type: 'Ready', status: ready },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'coldbench/pod:local',
          ready: pod.ready,
          started: pod.phase === 'Running',
          restartCount: 0,
          state: pod.phase === 'Running' ? { running: { startedAt: pod.startedAt } } : { waiting: { reason: 'ContainerCreating' } },
        },
      ],
    },
  };
}

function deploymentCounts(cluster: Cluster, d: DeploymentRecord) {
  const pods = cluster.podsOf(d);
  const live = pods.filter((p) => p.deletionTimestamp === null);
  const ready = cluster.readyPodsOf(d).length;
  return { replicas: live.length, ready, unavailable: Math.max(0, d.replicas - ready) };
}

export function deploymentJson(cluster: Cluster, d: DeploymentRecord): Json {
  const counts = deploymentCounts(cluster, d);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: d.name,
      namespace: d.namespace,
      uid: d.uid,
      generation: d.generation,
      resourceVersion: cluster.resourceVersion,
      creationTimestamp: d.createdAt,
      labels: d.matchLabels,
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: d.matchLabels },
      template: {
        metadata: { labels: d.matchLabels },
        spec: { containers: [{ name: 'app', image: 'coldbench/pod:local', resources: resources(d.template) }] },
      },
    },
    status: {
      observedGeneration: d.generation,
      ...omitZero({
        replicas: counts.replicas,
        updatedReplicas: counts.replicas,
        readyReplicas: counts.ready,
        availableReplicas: counts.ready,
        unavailableReplicas: counts.unavailable,
      }),
    },
  };
}

export function scaleJson(cluster: Cluster, d: DeploymentRecord): Json {
  const counts = deploymentCounts(cluster, d);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: d.name, namespace: d.namespace, uid: d.uid, resourceVersion: cluster.resourceVersion, creationTimestamp: d.createdAt },
    spec: { replicas: d.replicas },
    status: { replicas: counts.replicas, selector: Object.entries(d.matchLabels).map(([k, v]) => `${k}=${v}`).join(',') },
  };
}

export function knativeServiceJson(cluster: Cluster, s: KnativeServiceRecord): Json {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, uid: s.uid, generation: 1, resourceVersion: cluster.resourceVersion, creationTimestamp: s.createdAt },
    spec: {
      template: {
        metadata: { annotations: { 'autoscaling.knative.dev/window': `${s.idleMs / 1000}s` } },
        spec: { containerConcurrency: 0, containers: [{ image: 'coldbench/pod:local', resources: resources(s.template) }] },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
    status: {
      observedGeneration: 1,
      url: s.url,
      address: { url: `http://${s.name}.${s.namespace}.svc.cluster.local` },
      latestCreatedRevisionName: s.revisionName,
      latestReadyRevisionName: s.revisionName,
      conditions: [
        { type: 'ConfigurationsReady', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'RoutesReady', status: 'True' },
      ],
      traffic: [{ revisionName: s.revisionName, latestRevision: true, percent: 100 }],
    },
  };
}

export function listJson(kind: string, apiVersion: string, resourceVersion: string, items: Json[]): Json {
  return { apiVersion, kind, metadata: { resourceVersion }, items };
}

/** The API server's error body (metav1.Status). */
export function statusJson(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}
