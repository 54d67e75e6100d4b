// Options of the kubernetes emulator (`emulators: { kubernetes: {...} }` in a target file, or passed
// directly by tests). Validated with zod; a bad option throws an Error naming its path.
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

const knativeServiceSchema = z.strictObject({
  ...podTemplate,
  /** Idle window after the last request before the revision scales to zero (Knative: stable window). */
  idle: duration.optional(),
  /** How long the activator holds a request while a pod starts before answering 503. */
  holdTimeout: duration.optional(),
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
  /** Namespaces that exist besides default, kube-system, kube-public and those of the workloads. */
  namespaces: z.array(dnsName).optional(),
  /** Images Job pods can run: each is the checked-out harness (default: coldbench/coldbench:local). */
  jobImages: z.array(z.string().min(1)).optional(),
});

export type KubeEmulatorInput = z.input<typeof optionsSchema>;

export interface PodTemplate {
  initDelayMs: number;
  latencyMs: number;
  terminationDelayMs: number;
  cpu: string;
  memory: string;
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
  namespaces: string[];
  jobImages: string[];
}

const ms = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : durationToMs(value));

function templateOf(input: z.infer<typeof deploymentSchema> | z.infer<typeof knativeServiceSchema>): PodTemplate {
  return {
    initDelayMs: ms(input.initDelay, 0),
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
    })),
  };
  const seen = new Set<string>();
  for (const [list, kind] of [[options.deployments, 'deployments'], [options.knativeServices, 'knativeServices']] as const) {
    list.forEach((item, i) => {
      const key = `${kind}/${item.namespace}/${item.name}`;
      if (seen.has(key)) throw new Error(`${label}.${kind}[${i}].name: duplicate ${JSON.stringify(item.name)} in namespace ${item.namespace}`);
      seen.add(key);
    });
  }
  return options;
}
