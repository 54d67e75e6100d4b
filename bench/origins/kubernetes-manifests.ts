// What a Kubernetes origin creates, as API objects (pure: the plan lists them, the engine creates
// them in this order, Job last, and removes them in the reverse order). Modelled on
// deploy/kubernetes-job.yaml: the target file in a ConfigMap, `${VAR}` values in a Secret, a
// ServiceAccount with a Role per target namespace only when targets need the cluster's API, and a
// Job that never retries, has a deadline and a TTL, and gives coldbench time to restore on SIGTERM.
import type { V1ConfigMap, V1Job, V1ObjectMeta, V1PolicyRule, V1Role, V1RoleBinding, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import type { KubernetesOrigin } from '../config/origin-types.js';
import type { TargetConfig } from '../config/schema.js';
import { predictRunMs } from './predict.js';
import { resourceName, type OriginPlan, type PlanInput } from './types.js';

/** One object of an origin, typed by its kind (client-node's types: nothing here runs client-node). */
export type KubeObject =
  | { kind: 'ConfigMap'; body: V1ConfigMap }
  | { kind: 'Secret'; body: V1Secret }
  | { kind: 'ServiceAccount'; body: V1ServiceAccount }
  | { kind: 'Role'; body: V1Role }
  | { kind: 'RoleBinding'; body: V1RoleBinding }
  | { kind: 'Job'; body: V1Job };
export type KubeObjectKind = KubeObject['kind'];

export interface KubeObjectRef {
  kind: KubeObjectKind;
  namespace: string;
  name: string;
}

export interface KubernetesResources {
  /** In creation order; the Job is last. */
  objects: Array<KubeObject & { ref: KubeObjectRef }>;
  job: KubeObjectRef;
  /** Seconds the pod gets after SIGTERM to restore its targets and print its results. */
  terminationGraceS: number;
  activeDeadlineS: number;
}

export const CONTAINER = 'coldbench';
const TARGET_FILE_KEY = 'targets.yaml';
const TERMINATION_GRACE_S = 120;
/** What the harness in the pod does to Kubernetes and Knative targets (as deploy/kubernetes-job.yaml). */
const TARGET_RULES: V1PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['services/proxy'], verbs: ['get', 'create'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list'] },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: ['get', 'list'] },
  { apiGroups: ['serving.knative.dev'], resources: ['services', 'revisions'], verbs: ['get', 'list', 'patch'] },
];

/** Namespaces of the targets that need the cluster's API (Kubernetes and Knative targets). */
/** A target without namespace: uses the pod's own namespace (the in-cluster kubeconfig's). */
export function clusterTargetNamespaces(targets: readonly TargetConfig[], podNamespace: string): string[] {
  return [...new Set(targets.flatMap((t) => (t.kind === 'kubernetes' || t.kind === 'knative' ? [t.namespace ?? podNamespace] : [])))].sort();
}

export function kubernetesResources(originName: string, origin: KubernetesOrigin, input: PlanInput): KubernetesResources {
  const name = resourceName(originName, input.runId);
  const ns = origin.namespace;
  const labels = { 'app.kubernetes.io/name': 'coldbench', 'app.kubernetes.io/managed-by': 'coldbench', 'coldbench/origin': originName, 'coldbench/run': input.runId };
  const meta = (namespace: string): V1ObjectMeta => ({ name, namespace, labels });
  const objects: KubernetesResources['objects'] = [];
  const add = (object: KubeObject) => objects.push({ ...object, ref: { kind: object.kind, namespace: object.body.metadata?.namespace ?? ns, name } });

  add({ kind: 'ConfigMap', body: { metadata: meta(ns), data: { [TARGET_FILE_KEY]: input.shipped.text } } });
  const variables = Object.keys(input.shipped.variables).sort();
  if (variables.length > 0) add({ kind: 'Secret', body: { metadata: meta(ns), type: 'Opaque', stringData: input.shipped.variables } });
  const clusterNamespaces = clusterTargetNamespaces(input.targets, ns);
  // A ServiceAccount of its own only when the pod needs an identity: the cluster's API, or a cloud
  // identity through annotations (IRSA, Workload Identity).
  const ownAccount = origin.serviceAccount === undefined && (clusterNamespaces.length > 0 || Object.keys(origin.serviceAccountAnnotations).length > 0);
  if (ownAccount) {
    add({ kind: 'ServiceAccount', body: { metadata: { ...meta(ns), annotations: origin.serviceAccountAnnotations }, automountServiceAccountToken: true } });
    for (const target of clusterNamespaces) {
      add({ kind: 'Role', body: { metadata: meta(target), rules: TARGET_RULES } });
      add({ kind: 'RoleBinding', body: { metadata: meta(target), subjects: [{ kind: 'ServiceAccount', name, namespace: ns }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name } } });
    }
  }
  const serviceAccountName = origin.serviceAccount ?? (ownAccount ? name : undefined);
  const activeDeadlineS = Math.ceil((origin.deadlineMs ?? 2 * predictRunMs(input.targets) + 600_000) / 1000);
  const env = [
    { name: 'CI', value: '1' },
    { name: 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', value: 'true' },
    ...variables.map((v) => ({ name: v, valueFrom: { secretKeyRef: { name, key: v } } })),
  ];
  add({
    kind: 'Job',
    body: {
      metadata: meta(ns),
      spec: {
        backoffLimit: 0, // a retry would measure warm instances as cold
        activeDeadlineSeconds: activeDeadlineS,
        ttlSecondsAfterFinished: Math.ceil(origin.ttlMs / 1000),
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            ...(serviceAccountName ? { serviceAccountName } : {}),
            // The API only when targets need it: otherwise no token in the pod at all.
            automountServiceAccountToken: serviceAccountName !== undefined,
            terminationGracePeriodSeconds: TERMINATION_GRACE_S,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: CONTAINER,
                image: origin.image,
                ...(origin.imagePullPolicy ? { imagePullPolicy: origin.imagePullPolicy } : {}),
                args: ['run', `/config/${TARGET_FILE_KEY}`, '--out', '/tmp/coldbench', '--origin', originName, '--emit-results'],
                env,
                resources: { requests: { cpu: origin.cpu, memory: origin.memory }, limits: { cpu: origin.cpu, memory: origin.memory } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'targets', mountPath: '/config', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'targets', configMap: { name } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
  });
  return { objects, job: { kind: 'Job', namespace: ns, name }, terminationGraceS: TERMINATION_GRACE_S, activeDeadlineS };
}

const describeRef = (ref: KubeObjectRef) => `${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}`;

/** `plan` for a Kubernetes origin. */
export function kubernetesPlan(originName: string, origin: KubernetesOrigin, input: PlanInput): OriginPlan {
  const { objects, activeDeadlineS } = kubernetesResources(originName, origin, input);
  const where = `in context ${origin.context ?? '(current)'}`;
  const creates = objects.map(({ ref }) => `${describeRef(ref)} ${where}${ref.kind === 'Job' ? ` (image ${origin.image}, deadline ${activeDeadlineS} s, no retries)` : ''}`);
  const removes = [...objects].reverse().map(({ ref }) => `${describeRef(ref)} ${where}${ref.kind === 'Job' ? ' and its pod' : ''}`);
  return { creates, removes };
}
