// Cloud Run services and revisions, as the Cloud Run Admin API v2 shows them (proto3 JSON:
// camelCase, defaults omitted, enums as names, or as numbers with `$alt=json;enum-encoding=int`,
// which the Node client always asks for). A service's `template` is kept as the canonical JSON the
// API received: every template change is a new revision; a template naming an existing revision
// must carry that revision's configuration (Cloud Run answers 409 otherwise).
import { createHash, randomBytes } from 'node:crypto';

/** A revision template (google.cloud.run.v2.RevisionTemplate) in canonical proto3 JSON. */
export type Template = Record<string, unknown>;

export type ConditionState = 'CONDITION_SUCCEEDED' | 'CONDITION_RECONCILING' | 'CONDITION_FAILED';

const RUN_ENUMS = {
  state: { STATE_UNSPECIFIED: 0, CONDITION_PENDING: 1, CONDITION_RECONCILING: 2, CONDITION_FAILED: 3, CONDITION_SUCCEEDED: 4 },
  ingress: { INGRESS_TRAFFIC_UNSPECIFIED: 0, INGRESS_TRAFFIC_ALL: 1, INGRESS_TRAFFIC_INTERNAL_ONLY: 2, INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 3 },
  launchStage: { LAUNCH_STAGE_UNSPECIFIED: 0, EARLY_ACCESS: 1, ALPHA: 2, BETA: 3, GA: 4, DEPRECATED: 5 },
  traffic: { TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED: 0, TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST: 1, TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION: 2 },
} as const;
type RunEnum = keyof typeof RUN_ENUMS;

/** An enum value by name, or by number when the client asked for numeric enums. */
export function runEnum<E extends RunEnum>(numeric: boolean, kind: E, value: keyof (typeof RUN_ENUMS)[E]): string | number {
  const table: Record<string, number> = RUN_ENUMS[kind];
  return numeric ? (table[String(value)] ?? 0) : String(value);
}

/** How an instance of a service is started: a function in the Functions Framework, or a container script. */
export type Runtime = { kind: 'function'; entryPoint: string; source: string } | { kind: 'container'; script: string };

export interface RevisionRecord {
  /** Short name (`hello-00002-xuv`). */
  name: string;
  template: Template;
  createTime: string;
}

export interface ServiceRecord {
  project: string;
  location: string;
  id: string;
  /** projects/{p}/locations/{l}/services/{id} */
  name: string;
  uid: string;
  uri: string;
  description: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  customAudiences: string[];
  /** allUsers may invoke (invokerIamDisabled / roles/run.invoker for allUsers). */
  allowUnauthenticated: boolean;
  template: Template;
  generation: number;
  observedGeneration: number;
  revisions: Map<string, RevisionRecord>;
  revisionCounter: number;
  latestCreated: string;
  latestReady: string;
  terminal: { state: ConditionState; message?: string; lastTransitionTime: string };
  reconciling: boolean;
  pendingOperation: string | null;
  createTime: string;
  updateTime: string;
  runtime: Runtime;
  /** Scale an idle instance to zero after this long. */
  idleMs: number;
  /** How long a deployment takes before its first instance starts. */
  deployDelayMs: number;
  /** How long the instance a deployment starts stays up without a request (it serves if one comes). */
  deploymentInstanceIdleMs: number;
  /** Created by Cloud Functions (its revisions are named in template.revision). */
  managedByFunctions: boolean;
}

/** Drop what proto3 JSON omits (null, '', 0, false, empty lists and maps) and sort keys, so a
 *  template read and sent back compares equal to the stored one. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (isDefault(v)) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

function isDefault(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/** The configuration of a template: everything but its revision name. */
export function configurationDigest(template: Template): string {
  const { revision: _name, ...configuration } = template;
  return createHash('sha256').update(JSON.stringify(canonical(configuration))).digest('hex');
}

export function templateDigest(template: Template): string {
  return createHash('sha256').update(JSON.stringify(canonical(template))).digest('hex');
}

export function newRevisionName(service: ServiceRecord): string {
  service.revisionCounter += 1;
  const suffix = Array.from(randomBytes(3), (b) => String.fromCharCode(97 + (b % 26))).join('');
  return `${service.id}-${String(service.revisionCounter).padStart(5, '0')}-${suffix}`;
}

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function firstContainer(template: Template): Record<string, unknown> {
  const containers = template.containers;
  return asRecord(Array.isArray(containers) ? containers[0] : undefined);
}

/** The container's environment variables (literal values only). */
export function templateEnv(template: Template): Record<string, string> {
  const env = firstContainer(template).env;
  const out: Record<string, string> = {};
  if (!Array.isArray(env)) return out;
  for (const entry of env) {
    const e = asRecord(entry);
    if (typeof e.name === 'string') out[e.name] = typeof e.value === 'string' ? e.value : '';
  }
  return out;
}

export function withEnv(template: Template, env: Record<string, string>): Template {
  const containers = Array.isArray(template.containers) ? [...template.containers] : [{}];
  containers[0] = { ...asRecord(containers[0]), env: Object.entries(env).map(([name, value]) => ({ name, value })) };
  return canonical({ ...template, containers }) as Template;
}

export function templateLimits(template: Template): { cpu: string; memory: string; cpuIdle: boolean; startupCpuBoost: boolean } {
  const resources = asRecord(firstContainer(template).resources);
  const limits = asRecord(resources.limits);
  return {
    cpu: typeof limits.cpu === 'string' ? limits.cpu : '1',
    memory: typeof limits.memory === 'string' ? limits.memory : '512Mi',
    cpuIdle: resources.cpuIdle === true,
    startupCpuBoost: resources.startupCpuBoost === true,
  };
}

export function templateScaling(template: Template): { min: number; max: number; concurrency: number; timeoutSeconds: number } {
  const scaling = asRecord(template.scaling);
  const timeout = /^(\d+)(?:\.\d+)?s$/.exec(String(template.timeout ?? ''));
  return {
    min: Number(scaling.minInstanceCount ?? 0) || 0,
    max: Number(scaling.maxInstanceCount ?? 100) || 100,
    concurrency: Number(template.maxInstanceRequestConcurrency ?? 80) || 80,
    timeoutSeconds: timeout ? Number(timeout[1]) : 300,
  };
}

export function revisionPath(service: ServiceRecord, revision: string): string {
  return `${service.name}/revisions/${revision}`;
}

export function renderService(s: ServiceRecord, numeric: boolean): Record<string, unknown> {
  const condition = (type: string) => ({
    type,
    state: runEnum(numeric, 'state', s.terminal.state),
    ...(s.terminal.message ? { message: s.terminal.message } : {}),
    lastTransitionTime: s.terminal.lastTransitionTime,
  });
  const latest = runEnum(numeric, 'traffic', 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST');
  return canonical({
    name: s.name,
    description: s.description,
    uid: s.uid,
    generation: String(s.generation),
    labels: { ...s.labels },
    annotations: { ...s.annotations },
    createTime: s.createTime,
    updateTime: s.updateTime,
    creator: 'coldbench-emulator@coldbench-local.iam.gserviceaccount.com',
    lastModifier: 'coldbench-emulator@coldbench-local.iam.gserviceaccount.com',
    ingress: runEnum(numeric, 'ingress', 'INGRESS_TRAFFIC_ALL'),
    launchStage: runEnum(numeric, 'launchStage', 'GA'),
    template: structuredClone(s.template),
    traffic: [{ type: latest, percent: 100 }],
    invokerIamDisabled: s.allowUnauthenticated,
    customAudiences: [...s.customAudiences],
    observedGeneration: String(s.observedGeneration),
    terminalCondition: condition('Ready'),
    conditions: [condition('RoutesReady'), condition('ConfigurationsReady')],
    latestReadyRevision: revisionPath(s, s.latestReady),
    latestCreatedRevision: revisionPath(s, s.latestCreated),
    trafficStatuses: [{ type: latest, percent: 100 }],
    uri: s.uri,
    urls: [s.uri],
    reconciling: s.reconciling,
    etag: `"${templateDigest({ ...s.template, generation: s.generation }).slice(0, 16)}"`,
  }) as Record<string, unknown>;
}
