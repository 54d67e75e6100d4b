// The emulated cluster's records rendered as the Kubernetes API's JSON objects. Zero counts are
// omitted like the real API does (omitempty): `status.readyReplicas` is absent when nothing is ready.
import type { Cluster, DeploymentRecord, KnativeServiceRecord, PodState, ServiceRecord } from './cluster.js';
import type { ScalerOptions } from './options.js';

type Json = Record<string, unknown>;

const omitZero = (fields: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== 0));

function resources(template: { cpu: string; memory: string; limits?: { cpu?: string; memory?: string } }): Json {
  const limits = template.limits && Object.keys(template.limits).length > 0 ? { limits: { ...template.limits } } : {};
  return { requests: { cpu: template.cpu, memory: template.memory }, ...limits };
}

/** The first container's resources of a PATCHed object (what the emulator applies of a template change). */
export function containerResources(doc: unknown): { requests: Record<string, string>; limits: Record<string, string> } | null {
  const containers = (doc as { spec?: { template?: { spec?: { containers?: unknown } } } } | null)?.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return null;
  const resources = (containers[0] as { resources?: { requests?: unknown; limits?: unknown } } | null)?.resources ?? {};
  const strings = (value: unknown): Record<string, string> =>
    value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([k, v]) => (k === 'cpu' || k === 'memory') && typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)])) : {};
  return { requests: strings(resources.requests), limits: strings(resources.limits) };
}

/** Container state as the kubelet reports it. */
function containerState(pod: PodState): Json {
  if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
    return { terminated: { exitCode: pod.phase === 'Failed' ? 137 : 0, reason: pod.reason ?? 'Completed', startedAt: pod.startedAt, finishedAt: pod.readyChangedAt } };
  }
  return pod.phase === 'Running' ? { running: { startedAt: pod.startedAt } } : { waiting: { reason: 'ContainerCreating' } };
}

/** A pod with its conditions and their lastTransitionTime (milliseconds here; whole seconds on a
 *  real API server, which serialises metav1.Time as RFC 3339 without fractions). */
export function podJson(pod: PodState): Json {
  const ready = pod.ready ? 'True' : 'False';
  const notReady = pod.ready ? {} : { reason: pod.phase === 'Pending' ? 'ContainersNotReady' : 'PodCompleted' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion: pod.resourceVersion,
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
      ...(pod.reason ? { reason: pod.reason } : {}),
      ...(pod.message ? { message: pod.message } : {}),
      hostIP: '127.0.0.1',
      podIP: pod.port !== null ? '127.0.0.1' : undefined,
      startTime: pod.createdAt,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.scheduledAt },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: pod.scheduledAt },
        { type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: pod.readyChangedAt, ...notReady },
        { type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: pod.readyChangedAt, ...notReady },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'coldbench/pod:local',
          ready: pod.ready,
          started: pod.phase === 'Running',
          restartCount: 0,
          state: containerState(pod),
        },
      ],
    },
  };
}

function deploymentCounts(cluster: Cluster, d: DeploymentRecord) {
  const pods = cluster.podsOf(d);
  const live = pods.filter((p) => p.deletionTimestamp === null && (p.phase === 'Pending' || p.phase === 'Running'));
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
    metadata: {
      name: s.name,
      namespace: s.namespace,
      uid: s.uid,
      generation: s.generation,
      resourceVersion: cluster.resourceVersion,
      creationTimestamp: s.createdAt,
      ...(s.clusterLocal ? { labels: { 'networking.knative.dev/visibility': 'cluster-local' } } : {}),
    },
    spec: {
      template: {
        metadata: { annotations: s.annotations },
        spec: { containerConcurrency: 0, containers: [{ image: 'coldbench/pod:local', resources: resources(s.template) }] },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
    status: {
      observedGeneration: s.generation,
      url: s.url,
      address: { url: `http://${s.name}.${s.namespace}.svc.cluster.local` },
      latestCreatedRevisionName: s.revisionName,
      latestReadyRevisionName: s.readyRevisionName,
      conditions: [
        { type: 'ConfigurationsReady', status: s.readyRevisionName === s.revisionName ? 'True' : 'Unknown' },
        { type: 'Ready', status: s.readyRevisionName === s.revisionName ? 'True' : 'Unknown' },
        { type: 'RoutesReady', status: 'True' },
      ],
      traffic: [{ revisionName: s.readyRevisionName, latestRevision: true, percent: 100 }],
    },
  };
}

export function listJson(kind: string, apiVersion: string, resourceVersion: string, items: Json[]): Json {
  return { apiVersion, kind, metadata: { resourceVersion }, items };
}

export function serviceJson(cluster: Cluster, s: ServiceRecord): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, uid: s.uid, resourceVersion: cluster.resourceVersion, creationTimestamp: s.createdAt },
    spec: {
      type: 'ClusterIP',
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      selector: s.selector,
      ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: 'TCP', port: p.port, targetPort: p.targetPort ?? p.port })),
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

/** An autoscaling/v2 HorizontalPodAutoscaler or a keda.sh/v1alpha1 ScaledObject. */
export function scalerJson(cluster: Cluster, s: ScalerOptions): Json {
  const owned = s.ownerScaledObject
    ? { labels: { 'scaledobject.keda.sh/name': s.ownerScaledObject }, ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: s.ownerScaledObject, controller: true }] }
    : {};
  const metadata = { name: s.name, namespace: s.namespace, resourceVersion: cluster.resourceVersion, ...owned };
  if (s.kind === 'ScaledObject') {
    return {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { ...metadata, ...(s.paused ? { annotations: { 'autoscaling.keda.sh/paused': 'true' } } : {}) },
      spec: { scaleTargetRef: { name: s.deployment }, minReplicaCount: s.minReplicas, maxReplicaCount: s.maxReplicas, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }] },
    };
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.deployment },
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  };
}

export function configMapJson(cluster: Cluster, namespace: string, name: string, data: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion: cluster.resourceVersion }, data };
}

/** The API server's error body (metav1.Status). */
export function statusJson(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}
