// The Google side of the cloud-function adapter: the v2 FunctionServiceClient over Application
// Default Credentials, environment-variable updates with a bounded wait for the long-running
// operation, and the platform's two error forms (HTTP status from the REST transport, gRPC code
// from gRPC / operation errors) and two enum forms ('ACTIVE' and 1).
// The SDK is imported lazily: it costs hundreds of milliseconds and only cloud-function targets need it.
import type { protos, v2 } from '@google-cloud/functions';
import type { GoogleAuth } from 'google-auth-library';
import type { LROperation } from 'google-gax';
import { GCF_POLL_MS, MAX_POLL_INTERVAL_MS } from '../control/defaults.js';
import { pollUntil, type WaitOptions } from '../control/poll.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { fieldOf } from '../fields.js';

export type GcfFunction = protos.google.cloud.functions.v2.IFunction;
export type FunctionServiceClient = v2.FunctionServiceClient;

export const ENV_MASK = 'service_config.environment_variables';

/** Lazily loaded SDK modules. */
export async function loadGoogle() {
  const [functions, authLibrary] = await Promise.all([import('@google-cloud/functions'), import('google-auth-library')]);
  return { v2: functions.v2, GoogleAuth: authLibrary.GoogleAuth };
}

/** Application Default Credentials (env key file, gcloud ADC file, or the metadata server). */
export async function createAuth(): Promise<GoogleAuth> {
  const { GoogleAuth: Auth } = await loadGoogle();
  return new Auth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
}

/**
 * A v2 client. `apiEndpoint` `http://host:port` selects the REST transport over plain HTTP (the
 * local emulator); `https://host[:port]` another endpoint over the default transport.
 */
export async function createFunctionsClient(auth: GoogleAuth, apiEndpoint?: string): Promise<FunctionServiceClient> {
  const { v2: api } = await loadGoogle();
  if (!apiEndpoint) return new api.FunctionServiceClient({ auth });
  const url = new URL(apiEndpoint);
  if (url.protocol === 'http:') {
    return new api.FunctionServiceClient({ auth, fallback: true, apiEndpoint: url.hostname, port: Number(url.port || 80), protocol: 'http' });
  }
  return new api.FunctionServiceClient({ auth, apiEndpoint: url.hostname, port: Number(url.port || 443) });
}

export function functionName(project: string, region: string, fn: string): string {
  return `projects/${project}/locations/${region}/functions/${fn}`;
}

function codeOf(err: unknown): { http?: number; grpc?: number } {
  const out: { http?: number; grpc?: number } = {};
  const http = Number(fieldOf(fieldOf(err, 'response'), 'status') ?? fieldOf(err, 'status'));
  if (Number.isInteger(http) && http >= 100) out.http = http;
  const code = Number(fieldOf(err, 'code'));
  if (Number.isInteger(code)) {
    if (code >= 100) out.http ??= code; // GaxiosError: code is the HTTP status
    else out.grpc = code; // GoogleError: code is the gRPC status
  }
  return out;
}

export const isNotFound = (err: unknown) => {
  const c = codeOf(err);
  return c.http === 404 || c.grpc === 5;
};
/** Another operation on the function is in progress. */
export const isConflict = (err: unknown) => {
  const c = codeOf(err);
  return c.http === 409 || c.grpc === 10 || c.grpc === 6;
};
const isUnauthenticated = (err: unknown) => {
  const c = codeOf(err);
  return c.http === 401 || c.http === 403 || c.grpc === 16 || c.grpc === 7;
};

/** The platform's own reason, one line (a REST error's message is the JSON error body). */
export function reasonOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  try {
    const message: unknown = fieldOf(fieldOf(JSON.parse(raw), 'error'), 'message');
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON
  }
  const details = fieldOf(err, 'details');
  const text = typeof details === 'string' && details && !raw.includes(details) ? `${raw}: ${details}` : raw;
  return text.split('\n')[0] ?? text;
}

/** One sentence naming the target and the platform's reason (an interrupt stays an interrupt). */
export function controlPlaneFailure(target: string, what: string, err: unknown): TargetFailure | Interrupted {
  if (err instanceof TargetFailure || err instanceof Interrupted) return err;
  let hint = '';
  if (isNotFound(err)) hint = ' (not found: check project, region and function)';
  else if (isUnauthenticated(err)) hint = ' (check the Application Default Credentials and their permissions)';
  return new TargetFailure(`cloud-function target ${target}: ${what} failed${hint}: ${reasonOf(err)}`);
}

/** 'ACTIVE' (JSON / getFunction) or 1 (protobuf-decoded operation result). */
export function stateName(state: unknown): string {
  const names = ['STATE_UNSPECIFIED', 'ACTIVE', 'FAILED', 'DEPLOYING', 'DELETING', 'UNKNOWN'];
  if (typeof state === 'number') return names[state] ?? `STATE_${state}`;
  return typeof state === 'string' && state ? state : 'STATE_UNSPECIFIED';
}
export const isActive = (state: unknown) => stateName(state) === 'ACTIVE';

export interface OperationWait {
  timeoutMs: number;
  /** Fixed poll interval; 0 = start at 200 ms and back off to 2 s. */
  pollIntervalMs: number;
  /** Aborts the wait with Interrupted; left out while restoring. */
  signal?: AbortSignal;
  log?: (message: string) => void;
}

type UpdateOperation = LROperation<GcfFunction, protos.google.cloud.functions.v2.IOperationMetadata>;

/**
 * Replace the function's environment variables (the whole map, as the API does with this mask)
 * and wait for the operation. Waits out another operation in progress (409). Returns the
 * function as the operation reports it.
 */
export async function updateEnvironment(
  client: FunctionServiceClient,
  name: string,
  environmentVariables: Record<string, string>,
  wait: OperationWait,
): Promise<GcfFunction> {
  const timing: Omit<WaitOptions, 'what'> = {
    timeoutMs: wait.timeoutMs,
    deadline: Date.now() + wait.timeoutMs,
    intervalMs: wait.pollIntervalMs || GCF_POLL_MS,
    backoff: wait.pollIntervalMs ? 1 : 1.5,
    maxIntervalMs: MAX_POLL_INTERVAL_MS,
    signal: wait.signal,
    log: wait.log,
  };
  const { value: operation } = await pollUntil<UpdateOperation>(
    async () => {
      try {
        const [started] = await client.updateFunction({ function: { name, serviceConfig: { environmentVariables } }, updateMask: { paths: [ENV_MASK] } });
        return { done: true, value: started };
      } catch (err) {
        if (isConflict(err)) return { done: false, state: 'another operation is in progress' };
        throw err;
      }
    },
    // Only throttles are retried: after a 5xx the update may or may not have started.
    { ...timing, what: `the operation in progress on ${name} to end`, retry: 'throttled' },
  );
  wait.log?.(`updating ${name}: operation ${operation.name ?? '?'}`);
  // Our own poll: the client's promise() has no total timeout and cannot be aborted.
  let polls = 0;
  await pollUntil<void>(
    async () => {
      if (polls++ > 0) await operation.getOperation();
      return operation.done ? { done: true, value: undefined } : { done: false, state: 'operation pending' };
    },
    { ...timing, what: `operation ${operation.name ?? ''} on ${name}` },
  );
  if (operation.error) throw operation.error;
  // The client decodes the response as a Function (every field of which is optional).
  const result: GcfFunction | null = operation.result;
  if (!result) throw new TargetFailure(`operation ${operation.name ?? ''} on ${name} finished without a function in its response`);
  return result;
}
