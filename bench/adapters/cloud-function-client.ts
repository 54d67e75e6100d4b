// The Google side of the cloud-function adapter: the v2 FunctionServiceClient over Application
// Default Credentials, environment-variable updates with a bounded wait for the long-running
// operation, and the platform's two error forms (HTTP status from the REST transport, gRPC code
// from gRPC / operation errors) and two enum forms ('ACTIVE' and 1).
// The SDK is imported lazily: it costs hundreds of milliseconds and only cloud-function targets need it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { protos, v2 } from '@google-cloud/functions';
import type { GoogleAuth } from 'google-auth-library';
import type { LROperation } from 'google-gax';
import { TargetFailure } from '../errors.js';

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
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const out: { http?: number; grpc?: number } = {};
  const http = Number(e?.response?.status ?? e?.status);
  if (Number.isInteger(http) && http >= 100) out.http = http;
  const code = Number(e?.code);
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
    const parsed = JSON.parse(raw) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON
  }
  const details = (err as { details?: unknown } | null)?.details;
  const text = typeof details === 'string' && details && !raw.includes(details) ? `${raw}: ${details}` : raw;
  return text.split('\n')[0] ?? text;
}

/** One sentence naming the target and the platform's reason. */
export function controlPlaneFailure(target: string, what: string, err: unknown): TargetFailure {
  if (err instanceof TargetFailure) return err;
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

export interface WaitOptions {
  timeoutMs: number;
  /** Fixed poll interval; 0 = start at 200 ms and back off to 2 s. */
  pollIntervalMs: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/**
 * Replace the function's environment variables (the whole map, as the API does with this mask)
 * and wait for the operation. Retries while another operation is in progress. Returns the
 * function as the operation reports it.
 */
export async function updateEnvironment(
  client: FunctionServiceClient,
  name: string,
  environmentVariables: Record<string, string>,
  wait: WaitOptions,
): Promise<GcfFunction> {
  const deadline = Date.now() + wait.timeoutMs;
  let delay = wait.pollIntervalMs || 200;
  const nextDelay = () => {
    const current = delay;
    if (!wait.pollIntervalMs) delay = Math.min(Math.round(delay * 1.5), 2000);
    return current;
  };
  const pause = async (what: string) => {
    if (Date.now() + delay > deadline) throw new TargetFailure(`${what} did not finish within ${wait.timeoutMs} ms (cold.waitTimeout)`);
    try {
      await sleep(nextDelay(), undefined, wait.signal ? { signal: wait.signal } : undefined);
    } catch {
      throw new TargetFailure(`interrupted while waiting for ${what}`);
    }
  };

  let operation: LROperation<GcfFunction, protos.google.cloud.functions.v2.IOperationMetadata>;
  for (;;) {
    try {
      [operation] = await client.updateFunction({
        function: { name, serviceConfig: { environmentVariables } },
        updateMask: { paths: [ENV_MASK] },
      });
      break;
    } catch (err) {
      if (!isConflict(err)) throw err;
      wait.log?.(`another operation on ${name} is in progress; waiting`);
      await pause(`the operation in progress on ${name}`);
    }
  }
  wait.log?.(`updating ${name}: operation ${operation.name ?? '?'}`);
  // Our own poll loop: the client's promise() has no total timeout and cannot be aborted.
  while (!operation.done) {
    await pause(`operation ${operation.name ?? ''} on ${name}`);
    await operation.getOperation();
  }
  if (operation.error) throw operation.error;
  const result = operation.result as GcfFunction | null;
  if (!result) throw new TargetFailure(`operation ${operation.name ?? ''} on ${name} finished without a function in its response`);
  return result;
}
