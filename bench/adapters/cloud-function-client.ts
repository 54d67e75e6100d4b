// The Cloud Functions v2 API side of the cloud-function adapter: the FunctionServiceClient over
// Application Default Credentials, its two enum forms ('ACTIVE' and 1), and environment updates
// through the Functions API, which are only used to undo a change journalled by an older coldbench
// (every such update runs a Cloud Build; cold starts now go through the Cloud Run API).
// The SDK is imported lazily: it costs hundreds of milliseconds and only cloud-function targets need it.
import type { protos, v2 } from '@google-cloud/functions';
import type { GoogleAuth } from 'google-auth-library';
import type { LROperation } from 'google-gax';
import { GCF_POLL_MS, MAX_POLL_INTERVAL_MS } from '../control/defaults.js';
import { pollUntil, type WaitOptions } from '../control/poll.js';
import type { Interrupted } from '../errors.js';
import { TargetFailure } from '../errors.js';
import { googleFailure, isConflict } from './google-errors.js';

export type GcfFunction = protos.google.cloud.functions.v2.IFunction;
export type FunctionServiceClient = v2.FunctionServiceClient;

export const ENV_MASK = 'service_config.environment_variables';

export { createAuth } from './google-auth.js';

/**
 * Client options for an `apiEndpoint`: `http://host:port` selects the REST transport over plain
 * HTTP (the local emulator, which serves both Google APIs on one port); `https://host[:port]`
 * another endpoint over the default transport. Both Google clients take the same options.
 */
export function googleClientOptions(auth: GoogleAuth, apiEndpoint?: string) {
  if (!apiEndpoint) return { auth };
  const url = new URL(apiEndpoint);
  if (url.protocol === 'http:') return { auth, fallback: true, apiEndpoint: url.hostname, port: Number(url.port || 80), protocol: 'http' };
  return { auth, apiEndpoint: url.hostname, port: Number(url.port || 443) };
}

/** A v2 Functions client (the SDK is loaded on first use). */
export async function createFunctionsClient(auth: GoogleAuth, apiEndpoint?: string): Promise<FunctionServiceClient> {
  const { v2: api } = await import('@google-cloud/functions');
  return new api.FunctionServiceClient(googleClientOptions(auth, apiEndpoint));
}

export function functionName(project: string, region: string, fn: string): string {
  return `projects/${project}/locations/${region}/functions/${fn}`;
}

export { isConflict, isNotFound, reasonOf } from './google-errors.js';

/** One sentence naming the target and the platform's reason (an interrupt stays an interrupt). */
export function controlPlaneFailure(target: string, what: string, err: unknown): TargetFailure | Interrupted {
  return googleFailure('cloud-function', target, what, err);
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
