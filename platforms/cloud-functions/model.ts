// The emulated functions and their long-running operations, rendered as Google's v2 REST API
// renders them (proto3 JSON: camelCase, defaults omitted, enums as names, or as numbers when the
// client asks with `$alt=json;enum-encoding=int`, as the Node client library always does).
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

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

/** The mutable part of a function's configuration (what an update may change). */
export interface FunctionConfig {
  description: string;
  labels: Record<string, string>;
  environmentVariables: Record<string, string>;
  availableMemory: string;
  availableCpu: string;
  timeoutSeconds: number;
  minInstanceCount: number;
  maxInstanceCount: number;
  maxInstanceRequestConcurrency: number;
}

export interface FunctionRecord {
  project: string;
  location: string;
  id: string;
  /** projects/{p}/locations/{l}/functions/{id} */
  name: string;
  entryPoint: string;
  /** Absolute path of the source module the Functions Framework loads. */
  source: string;
  uri: string;
  /** Invokable without an ID token (allUsers has roles/run.invoker). */
  allowUnauthenticated: boolean;
  /** Scale to zero after this long without requests. */
  idleMs: number;
  /** How long an update operation takes. */
  deployDelayMs: number;
  config: FunctionConfig;
  state: FunctionState;
  stateMessage?: string;
  revisionNumber: number;
  revision: string;
  createTime: string;
  updateTime: string;
  /** Name of the operation in progress, if any (a second update gets 409). */
  pendingOperation: string | null;
}

export interface OperationRecord {
  name: string;
  target: string;
  createTime: string;
  endTime?: string;
  done: boolean;
  error?: { code: number; message: string };
  /** Snapshot of the function when the operation completed. */
  response?: FunctionRecord;
  stagesDone: boolean;
}

export function revisionName(id: string, n: number): string {
  const suffix = Array.from(randomBytes(3), (b) => String.fromCharCode(97 + (b % 26))).join('');
  return `${id}-${String(n).padStart(5, '0')}-${suffix}`;
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
  const c = fn.config;
  return compact({
    name: fn.name,
    description: c.description,
    buildConfig: compact({
      build: `projects/100000000000/locations/${fn.location}/builds/${fn.id}-build`,
      runtime: 'nodejs20',
      entryPoint: fn.entryPoint,
      source: { storageSource: { bucket: `gcf-v2-sources-100000000000-${fn.location}`, object: `${fn.id}/function-source.zip` } },
      dockerRegistry: e('dockerRegistry', 'ARTIFACT_REGISTRY'),
      dockerRepository: `projects/${fn.project}/locations/${fn.location}/repositories/gcf-artifacts`,
    }),
    serviceConfig: compact({
      service: `projects/${fn.project}/locations/${fn.location}/services/${fn.id}`,
      timeoutSeconds: c.timeoutSeconds,
      availableMemory: c.availableMemory,
      availableCpu: c.availableCpu,
      environmentVariables: { ...c.environmentVariables },
      maxInstanceCount: c.maxInstanceCount,
      minInstanceCount: c.minInstanceCount,
      ingressSettings: e('ingressSettings', 'ALLOW_ALL'),
      uri: fn.uri,
      serviceAccountEmail: '100000000000-compute@developer.gserviceaccount.com',
      allTrafficOnLatestRevision: true,
      revision: fn.revision,
      maxInstanceRequestConcurrency: c.maxInstanceRequestConcurrency,
      securityLevel: e('securityLevel', 'SECURE_ALWAYS'),
    }),
    state: e('state', fn.state),
    stateMessages: fn.stateMessage ? [{ severity: e('severity', 'ERROR'), type: 'DeploymentFailed', message: fn.stateMessage }] : undefined,
    updateTime: fn.updateTime,
    labels: { ...c.labels },
    environment: e('environment', 'GEN_2'),
    url: fn.uri,
    createTime: fn.createTime,
  });
}

export function renderOperation(op: OperationRecord, e: EnumRenderer): Record<string, unknown> {
  const stage = (name: 'BUILD' | 'SERVICE', complete: boolean) => ({
    name: e('stageName', name),
    state: e('stageState', complete ? 'COMPLETE' : 'IN_PROGRESS'),
    ...(name === 'SERVICE' ? { resource: op.target.replace('/functions/', '/services/') } : {}),
  });
  const metadata = compact({
    '@type': 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata',
    createTime: op.createTime,
    endTime: op.endTime,
    target: op.target,
    verb: 'update',
    apiVersion: 'v2',
    stages: [stage('BUILD', true), stage('SERVICE', op.stagesDone)],
    operationType: e('operationType', 'UPDATE_FUNCTION'),
  });
  const out: Record<string, unknown> = { name: op.name, metadata, done: op.done };
  if (op.done && op.error) out.error = op.error;
  else if (op.done && op.response) {
    out.response = { '@type': 'type.googleapis.com/google.cloud.functions.v2.Function', ...renderFunction(op.response, e) };
  }
  if (!op.done) delete out.done;
  return out;
}

/** One update request as the API received it (test hook): what it asked for and what came of it. */
export interface UpdateRequestRecord {
  function: string;
  /** The environment the request sets (null when its mask leaves the variables alone). */
  environmentVariables: Record<string, string> | null;
  /** started: an operation began; conflict: refused with 409 (another operation in progress). */
  outcome: 'started' | 'conflict';
}

/** Functions and operations; emits 'revision' (FunctionRecord) when a new revision goes live. */
export class FunctionStore extends EventEmitter {
  readonly functions = new Map<string, FunctionRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** The last update requests, oldest first (test hook). */
  readonly updateRequests: UpdateRequestRecord[] = [];
  /** Test hook: functions whose operations stay pending until released. */
  private readonly held = new Map<string, Array<() => void>>();
  /** Test hook: the next N updates of a function fail (operation ends with an error). */
  private readonly failures = new Map<string, { count: number; message: string }>();

  add(fn: FunctionRecord): void {
    if (this.functions.has(fn.name)) throw new Error(`function ${fn.name} is defined twice`);
    this.functions.set(fn.name, fn);
  }

  byId(id: string): FunctionRecord | undefined {
    for (const fn of this.functions.values()) if (fn.id === id) return fn;
    return undefined;
  }

  injectUpdateFailures(functionName: string, count: number, message = 'Build failed: injected failure'): void {
    this.failures.set(functionName, { count, message });
  }

  recordUpdate(record: UpdateRequestRecord): void {
    this.updateRequests.push(record);
    if (this.updateRequests.length > 1000) this.updateRequests.splice(0, this.updateRequests.length - 1000);
  }

  /** Operations of the function started from now on stay pending until the returned release()
   *  (then they take their deployDelay as usual). */
  holdOperations(functionName: string): () => void {
    if (!this.held.has(functionName)) this.held.set(functionName, []);
    return () => {
      const waiting = this.held.get(functionName) ?? [];
      this.held.delete(functionName);
      for (const finish of waiting) finish();
    };
  }

  /** Run `finish` now, or once the function's operations are released. */
  whenReleased(functionName: string, finish: () => void): void {
    const waiting = this.held.get(functionName);
    if (waiting) waiting.push(finish);
    else finish();
  }

  takeFailure(functionName: string): string | null {
    const entry = this.failures.get(functionName);
    if (!entry || entry.count <= 0) return null;
    entry.count -= 1;
    return entry.message;
  }
}
