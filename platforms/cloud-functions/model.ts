// The emulated functions and their long-running operations, rendered as Google's v2 REST API
// renders them (proto3 JSON: camelCase, defaults omitted, enums as names, or as numbers when the
// client asks with `$alt=json;enum-encoding=int`, as the Node client library always does).
import { templateEnv, templateLimits, templateScaling, type ServiceRecord } from './run-model.js';

export type FunctionState = 'ACTIVE' | 'FAILED' | 'DEPLOYING';

const ENUMS = {
  state: { STATE_UNSPECIFIED: 0, ACTIVE: 1, FAILED: 2, DEPLOYING: 3, DELETING: 4, UNKNOWN: 5 },
  environment: { ENVIRONMENT_UNSPECIFIED: 0, GEN_1: 1, GEN_2: 2 },
  ingressSettings: { INGRESS_SETTINGS_UNSPECIFIED: 0, ALLOW_ALL: 1, ALLOW_INTERNAL_ONLY: 2, ALLOW_INTERNAL_AND_GCLB: 3 },
  securityLevel: { SECURITY_LEVEL_UNSPECIFIED: 0, SECURE_ALWAYS: 1, SECURE_OPTIONAL: 2 },
  dockerRegistry: { DOCKER_REGISTRY_UNSPECIFIED: 0, CONTAINER_REGISTRY: 1, ARTIFACT_REGISTRY: 2 },
  stageName: { NAME_UNSPECIFIED: 0, ARTIFACT_REGISTRY: 1, BUILD: 2, SERVICE: 3, TRIGGER: 4 },
  stageState: { STATE_UNSPECIFIED: 0, NOT_STARTED: 1, IN_PROGRESS: 2, COMPLETE: 3 },
  operationType: { OPERATIONTYPE_UNSPECIFIED: 0, CREATE_FUNCTION: 1, UPDATE_FUNCTION: 2, DELETE_FUNCTION: 3 },
  severity: { SEVERITY_UNSPECIFIED: 0, ERROR: 1, WARNING: 2, INFO: 3 },
} as const;
type EnumName = keyof typeof ENUMS;

/** Renders an enum value by name, or by number when the client asked for numeric enums. */
export type EnumRenderer = <E extends EnumName>(kind: E, value: keyof (typeof ENUMS)[E]) => string | number;
export const enumRenderer = (numeric: boolean): EnumRenderer => (kind, value) =>
  numeric ? (ENUMS[kind] as Record<string, number>)[value as string] ?? 0 : (value as string);

/** A v2 function: a build configuration in front of a Cloud Run service (which holds the runtime
 *  configuration: environment, memory, CPU, scaling, revisions). */
export interface FunctionRecord {
  project: string;
  location: string;
  id: string;
  /** projects/{p}/locations/{l}/functions/{id} */
  name: string;
  service: ServiceRecord;
  entryPoint: string;
  /** Event-triggered (Eventarc) instead of an HTTP function. */
  eventTrigger: boolean;
  description: string;
  labels: Record<string, string>;
  /** How long a Cloud Build of the function's source takes (every Functions-API update runs one). */
  buildDelayMs: number;
  /** Cloud Builds run so far. */
  builds: number;
  state: FunctionState;
  stateMessage?: string;
  createTime: string;
  updateTime: string;
  /** Name of the Functions-API operation in progress, if any (a second update gets 409). */
  pendingOperation: string | null;
}

export interface OperationRecord {
  name: string;
  api: 'functions' | 'run';
  /** The function or service the operation works on. */
  target: string;
  createTime: string;
  endTime?: string;
  done: boolean;
  error?: { code: number; message: string };
  /** The resource as it was when the operation completed, rendered with named and numeric enums. */
  response?: { named: Record<string, unknown>; numeric: Record<string, unknown> };
  /** Functions API: the build finished. */
  built: boolean;
}

/** proto3 JSON omits default values (0, '', empty maps). */
function compact<T extends Record<string, unknown>>(object: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === 0 || value === '' || value === false) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out as Partial<T>;
}

export function renderFunction(fn: FunctionRecord, e: EnumRenderer): Record<string, unknown> {
  const service = fn.service;
  const template = service.revisions.get(service.latestReady)?.template ?? service.template;
  const limits = templateLimits(template);
  const scaling = templateScaling(template);
  return compact({
    name: fn.name,
    description: fn.description,
    buildConfig: compact({
      build: `projects/100000000000/locations/${fn.location}/builds/${fn.id}-build-${fn.builds}`,
      runtime: 'nodejs20',
      entryPoint: fn.entryPoint,
      source: { storageSource: { bucket: `gcf-v2-sources-100000000000-${fn.location}`, object: `${fn.id}/function-source.zip` } },
      dockerRegistry: e('dockerRegistry', 'ARTIFACT_REGISTRY'),
      dockerRepository: `projects/${fn.project}/locations/${fn.location}/repositories/gcf-artifacts`,
    }),
    serviceConfig: compact({
      service: service.name,
      timeoutSeconds: scaling.timeoutSeconds,
      availableMemory: limits.memory,
      availableCpu: limits.cpu,
      environmentVariables: templateEnv(template),
      maxInstanceCount: scaling.max,
      minInstanceCount: scaling.min,
      ingressSettings: e('ingressSettings', 'ALLOW_ALL'),
      uri: service.uri,
      serviceAccountEmail: '100000000000-compute@developer.gserviceaccount.com',
      allTrafficOnLatestRevision: true,
      revision: service.latestReady,
      maxInstanceRequestConcurrency: scaling.concurrency,
      securityLevel: e('securityLevel', 'SECURE_ALWAYS'),
    }),
    eventTrigger: fn.eventTrigger
      ? { trigger: `projects/${fn.project}/locations/${fn.location}/triggers/${fn.id}-trigger`, eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: `projects/${fn.project}/topics/${fn.id}` }
      : undefined,
    state: e('state', fn.state),
    stateMessages: fn.stateMessage ? [{ severity: e('severity', 'ERROR'), type: 'DeploymentFailed', message: fn.stateMessage }] : undefined,
    updateTime: fn.updateTime,
    labels: { ...fn.labels },
    environment: e('environment', 'GEN_2'),
    url: service.uri,
    createTime: fn.createTime,
  });
}

/** A long-running operation of either API (they share the operations path). */
export function renderOperation(op: OperationRecord, numeric: boolean): Record<string, unknown> {
  const e = enumRenderer(numeric);
  const metadata =
    op.api === 'functions'
      ? compact({
          '@type': 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata',
          createTime: op.createTime,
          endTime: op.endTime,
          target: op.target,
          verb: 'update',
          apiVersion: 'v2',
          stages: [
            { name: e('stageName', 'BUILD'), state: e('stageState', op.built ? 'COMPLETE' : 'IN_PROGRESS') },
            { name: e('stageName', 'SERVICE'), state: e('stageState', op.done ? 'COMPLETE' : 'IN_PROGRESS'), resource: op.target.replace('/functions/', '/services/') },
          ],
          operationType: e('operationType', 'UPDATE_FUNCTION'),
        })
      : // Cloud Run's operation metadata is the Service itself.
        { '@type': 'type.googleapis.com/google.cloud.run.v2.Service', name: op.target };
  const out: Record<string, unknown> = { name: op.name, metadata };
  if (op.done) out.done = true;
  if (op.done && op.error) out.error = op.error;
  else if (op.done && op.response) {
    const type = op.api === 'functions' ? 'type.googleapis.com/google.cloud.functions.v2.Function' : 'type.googleapis.com/google.cloud.run.v2.Service';
    out.response = { '@type': type, ...(numeric ? op.response.numeric : op.response.named) };
  }
  return out;
}

/** One Functions-API update request as the API received it (test hook). */
export interface UpdateRequestRecord {
  function: string;
  /** The environment the request sets (null when its mask leaves the variables alone). */
  environmentVariables: Record<string, string> | null;
  /** started: an operation (a build, then a deployment) began; conflict: refused with 409. */
  outcome: 'started' | 'conflict';
}

/** One Cloud Run Admin API update of a service (test hook). */
export interface ServiceUpdateRecord {
  service: string;
  /** The revision name the template asked for ('' = generate one). */
  revision: string;
  /** The template's annotations. */
  annotations: Record<string, string>;
  /** started: a new revision is being deployed; reactivated: an existing revision of the same
   *  configuration takes the traffic again; unchanged: nothing to deploy; busy: 409 (an operation is
   *  in progress); revision-exists: 409 (that revision name has another configuration). */
  outcome: 'started' | 'reactivated' | 'unchanged' | 'busy' | 'revision-exists';
}
