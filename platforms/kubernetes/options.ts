// Options of the kubernetes emulator (`emulators: { kubernetes: {...} }` in a target file, or passed
// directly by tests). Validated with zod; a bad option throws an Error naming its path.
// Deployments and Knative Services own pods (real processes); Services, HPAs, KEDA ScaledObjects and
// the Knative autoscaler ConfigMap are API objects the adapters read; an ingress routes by Host.
import { z } from 'zod';
import { durationToMs } from '../duration.js';
import { durationInput, portOption } from '../options.js';
import { HARNESS_IMAGE } from './container-runtime.js';

const duration = durationInput;
const port = portOption;
const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lower-case DNS label like "hello"' });

const podTemplate = {
  name: dnsName,
  namespace: dnsName.optional(),
  /** Port of the front (Service / activator) that routes to the pods; 0 = random. */
  port: port.optional(),
  /** App initialisation inside the pod process before it listens (on top of the real process start). */
  initDelay: duration.optional(),
  /** Pods started together do not become ready together: the n-th new pod of one scale-up (0-based)
   *  initialises n x stagger longer (scheduling, image pulls and readiness probes differ per pod). */
  stagger: duration.optional(),
  /** Work per request inside the pod. */
  latency: duration.optional(),
  /** How long a pod stays terminating (deletionTimestamp set) after SIGTERM. */
  terminationDelay: duration.optional(),
  /** Container resource requests, reported by the API (cost estimates). */
  cpu: z.string().optional(),
  memory: z.string().optional(),
};

const deploymentSchema = z.strictObject({
  ...podTemplate,
  replicas: z.int({ error: 'expected a non-negative integer' }).min(0).optional(),
});

const scale = z.int({ error: 'expected a non-negative integer' }).min(0);
const labelMap = z.record(z.string().min(1), z.string());

const knativeServiceSchema = z.strictObject({
  ...podTemplate,
  /** Idle window after the last request before the revision scales to zero (Knative: stable window). */
  idle: duration.optional(),
  /** How long the activator holds a request while a pod starts before answering 503. */
  holdTimeout: duration.optional(),
  /** autoscaling.knative.dev/min-scale: the revision never goes below it (1 or more: never to zero). */
  minScale: scale.optional(),
  /** autoscaling.knative.dev/initial-scale: pods of a new revision (default 1). */
  initialScale: scale.optional(),
  /** More revision-template annotations, rendered as given (e.g. the legacy minScale, a class). */
  annotations: labelMap.optional(),
  /** networking.knative.dev/visibility: cluster-local: status.url is *.svc.cluster.local, not on the ingress. */
  clusterLocal: z.boolean().optional(),
});

/** A core/v1 Service: routes (through the API server's proxy) to the ready pods its selector matches. */
const serviceSchema = z.strictObject({
  name: dnsName,
  namespace: dnsName.optional(),
  selector: labelMap,
  ports: z
    .array(
      z.strictObject({
        /** A port with a name is matched by that name (or its number) in a proxy path, never by the bare Service name. */
        name: dnsName.optional(),
        port: z.int().min(1).max(65535),
        /** Rendered only: pods listen on a random port, which the proxy uses. */
        targetPort: z.union([z.int().min(1).max(65535), dnsName]).optional(),
      }),
    )
    .min(1, { error: 'expected at least one port' }),
});

/** An autoscaling/v2 HorizontalPodAutoscaler targeting a Deployment (listed, not acted on). */
const hpaSchema = z.strictObject({
  name: dnsName,
  namespace: dnsName.optional(),
  deployment: dnsName,
  minReplicas: z.int().min(1).optional(),
  maxReplicas: z.int().min(1),
});

/** A KEDA keda.sh/v1alpha1 ScaledObject targeting a Deployment (listed, not acted on). */
const scaledObjectSchema = z.strictObject({
  name: dnsName,
  namespace: dnsName.optional(),
  deployment: dnsName,
  minReplicaCount: scale.optional(),
  maxReplicaCount: z.int().min(1).optional(),
  /** Annotated autoscaling.keda.sh/paused: "true" (KEDA stops scaling it). */
  paused: z.boolean().optional(),
});

/** One ingress address for every Knative Service: routes by Host, 404 for a host it does not know. */
const ingressSchema = z.strictObject({
  port: port.optional(),
  /** Knative's domain (config-domain); the default install's placeholder is example.com. */
  domain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected a domain like example.com' }).optional(),
});

/** Answer every Nth API request with 429 and Retry-After, as the API server does when API Priority
 *  and Fairness rejects a request (Retry-After is a constant 1 s there). */
const throttleSchema = z.strictObject({
  every: z.int({ error: 'expected an integer of at least 2' }).min(2, { error: 'expected an integer of at least 2' }),
  retryAfter: duration.optional(),
  /** Count (and throttle) only requests whose path contains this, e.g. "/pods". */
  pathIncludes: z.string().min(1).optional(),
});

const optionsSchema = z.strictObject({
  /** Port of the Kubernetes API server; 0 = random. */
  port: port.optional(),
  throttle: throttleSchema.optional(),
  /** Bearer token the API server requires; random when absent. */
  token: z.string().min(8).optional(),
  deployments: z.array(deploymentSchema).optional(),
  knativeServices: z.array(knativeServiceSchema).optional(),
  services: z.array(serviceSchema).optional(),
  hpas: z.array(hpaSchema).optional(),
  /** KEDA is installed when this is given (even empty): its ScaledObjects are listed. */
  scaledObjects: z.array(scaledObjectSchema).optional(),
  /** Data of the config-autoscaler ConfigMap in knative-serving (enable-scale-to-zero, min-scale, ...). */
  knativeAutoscaler: z.record(z.string(), z.string()).optional(),
  ingress: ingressSchema.optional(),
  /** Namespace of the generated kubeconfig's context (where a target without namespace: looks). */
  contextNamespace: dnsName.optional(),
  /** Pod changes kept for watches; a watch from an older resourceVersion gets 410 Expired. */
  watchHistory: z.int().min(1).optional(),
  /** The API server ends each watch after this long, as real ones do (--min-request-timeout, 30-60 min). */
  watchTimeout: duration.optional(),
  /** Serve the API over https with this certificate (PEM files); the kubeconfig then carries it as
   *  the cluster's certificate-authority-data, as a real cluster's does. */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  /** Namespaces that exist besides default, kube-system, kube-public and those of the workloads. */
  namespaces: z.array(dnsName).optional(),
  /** Images Job pods can run: each is the checked-out harness (default: coldbench/coldbench:local). */
  jobImages: z.array(z.string().min(1)).optional(),
});

export type KubeEmulatorInput = z.input<typeof optionsSchema>;

export interface PodTemplate {
  initDelayMs: number;
  /** Extra initialisation per position in a scale-up (see `stagger`). */
  staggerMs: number;
  latencyMs: number;
  terminationDelayMs: number;
  /** Container requests (the options' cpu / memory). */
  cpu: string;
  memory: string;
  /** Container limits, once a PATCH set them (none at start). */
  limits?: { cpu?: string; memory?: string };
}

export interface DeploymentOptions {
  name: string;
  namespace: string;
  port: number;
  replicas: number;
  template: PodTemplate;
}

export interface KnativeServiceOptions {
  name: string;
  namespace: string;
  port: number;
  idleMs: number;
  holdTimeoutMs: number;
  template: PodTemplate;
  minScale?: number;
  initialScale?: number;
  annotations: Record<string, string>;
  clusterLocal: boolean;
}

export interface ServicePortOptions {
  name?: string;
  port: number;
  targetPort?: number | string;
}

export interface ServiceOptions {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  ports: ServicePortOptions[];
}

export interface ScalerOptions {
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  name: string;
  namespace: string;
  deployment: string;
  minReplicas: number;
  maxReplicas: number;
  /** An HPA KEDA made for this ScaledObject (keda-hpa-<name>, owned by it). */
  ownerScaledObject?: string;
  paused?: boolean;
}

export interface ThrottleOptions {
  every: number;
  retryAfterMs: number;
  pathIncludes?: string;
}

export interface KubeEmulatorOptions {
  port: number;
  throttle?: ThrottleOptions;
  token?: string;
  deployments: DeploymentOptions[];
  knativeServices: KnativeServiceOptions[];
  services: ServiceOptions[];
  hpas: ScalerOptions[];
  /** null: KEDA is not installed (its API answers 404). */
  scaledObjects: ScalerOptions[] | null;
  knativeAutoscaler: Record<string, string>;
  ingress?: { port: number; domain: string };
  contextNamespace: string;
  watchHistory: number;
  watchTimeoutMs?: number;
  tls?: { certFile: string; keyFile: string };
  namespaces: string[];
  jobImages: string[];
}

const ms = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : durationToMs(value));

function templateOf(input: z.infer<typeof deploymentSchema> | z.infer<typeof knativeServiceSchema>): PodTemplate {
  return {
    initDelayMs: ms(input.initDelay, 0),
    staggerMs: ms(input.stagger, 0),
    latencyMs: ms(input.latency, 0),
    terminationDelayMs: ms(input.terminationDelay, 100),
    cpu: input.cpu ?? '100m',
    memory: input.memory ?? '64Mi',
  };
}

/** Validate and normalise; throws an Error naming the offending option (e.g. `deployments[0].replicas`). */
export function parseKubeEmulatorOptions(input: unknown, label = 'emulators.kubernetes'): KubeEmulatorOptions {
  const parsed = optionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
    throw new Error(`${label}${where}: ${issue?.message ?? 'invalid option'}`);
  }
  const o = parsed.data;
  const options: KubeEmulatorOptions = {
    port: o.port ?? 0,
    ...(o.throttle ? { throttle: { every: o.throttle.every, retryAfterMs: ms(o.throttle.retryAfter, 1000), pathIncludes: o.throttle.pathIncludes } } : {}),
    token: o.token,
    deployments: (o.deployments ?? []).map((d) => ({
      name: d.name,
      namespace: d.namespace ?? 'default',
      port: d.port ?? 0,
      replicas: d.replicas ?? 1,
      template: templateOf(d),
    })),
    namespaces: o.namespaces ?? [],
    jobImages: o.jobImages ?? [HARNESS_IMAGE],
    knativeServices: (o.knativeServices ?? []).map((s) => ({
      name: s.name,
      namespace: s.namespace ?? 'default',
      port: s.port ?? 0,
      idleMs: ms(s.idle, 2000),
      holdTimeoutMs: ms(s.holdTimeout, 30_000),
      template: templateOf(s),
      minScale: s.minScale,
      initialScale: s.initialScale,
      annotations: s.annotations ?? {},
      clusterLocal: s.clusterLocal ?? false,
    })),
    services: (o.services ?? []).map((s) => ({ name: s.name, namespace: s.namespace ?? 'default', selector: s.selector, ports: s.ports })),
    hpas: (o.hpas ?? []).map((h) => ({
      kind: 'HorizontalPodAutoscaler' as const,
      name: h.name,
      namespace: h.namespace ?? 'default',
      deployment: h.deployment,
      minReplicas: h.minReplicas ?? 1,
      maxReplicas: h.maxReplicas,
    })),
    scaledObjects:
      o.scaledObjects?.map((k) => ({
        kind: 'ScaledObject' as const,
        name: k.name,
        namespace: k.namespace ?? 'default',
        deployment: k.deployment,
        minReplicas: k.minReplicaCount ?? 0,
        maxReplicas: k.maxReplicaCount ?? 100,
        paused: k.paused ?? false,
      })) ?? null,
    knativeAutoscaler: o.knativeAutoscaler ?? {},
    ...(o.ingress ? { ingress: { port: o.ingress.port ?? 0, domain: o.ingress.domain ?? 'example.com' } } : {}),
    contextNamespace: o.contextNamespace ?? 'default',
    watchHistory: o.watchHistory ?? 1000,
    ...(o.watchTimeout !== undefined ? { watchTimeoutMs: ms(o.watchTimeout, 0) } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
  };
  const seen = new Set<string>();
  for (const [list, kind] of [[options.deployments, 'deployments'], [options.knativeServices, 'knativeServices'], [options.services, 'services']] as const) {
    list.forEach((item, i) => {
      const key = `${kind}/${item.namespace}/${item.name}`;
      if (seen.has(key)) throw new Error(`${label}.${kind}[${i}].name: duplicate ${JSON.stringify(item.name)} in namespace ${item.namespace}`);
      seen.add(key);
    });
  }
  return options;
}
