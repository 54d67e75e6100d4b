// Control-plane steps of update-config: write an environment map, riding out 409 (an update is
// already in progress) and throttles with backoff, then poll until LastUpdateStatus is Successful.
// Both steps share one deadline; none of this time is part of a sample.
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { pollUntil } from '../control/poll.js';
import { classifyTransient } from '../control/transient.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { describeSdkError } from './lambda-client.js';

export interface ControlWait {
  /** Total bound for the update and the wait, ms. */
  timeoutMs: number;
  pollIntervalMs: number;
  /** Aborts the wait (Ctrl-C); omitted while restoring, which must finish after an abort. */
  signal?: AbortSignal;
  log: (message: string) => void;
  /** For messages: "lambda function hello". */
  label: string;
}

export async function readConfiguration(client: LambdaClient, functionName: string, qualifier?: string, signal?: AbortSignal): Promise<FunctionConfiguration> {
  return client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }), { abortSignal: signal });
}

/** Reserved concurrency (GetFunction's Concurrency; a function setting) and the provisioned
 *  concurrency of the qualifier (never on $LATEST; none reads as a 404); null where there is none
 *  or it cannot be read (the checks then say nothing). */
export async function readConcurrency(client: LambdaClient, functionName: string, qualifier: string | undefined, signal?: AbortSignal): Promise<{ reservedConcurrency: number | null; provisionedConcurrency: number | null }> {
  const reserved = client.send(new GetFunctionCommand({ FunctionName: functionName }), { abortSignal: signal }).then(
    (f) => f.Concurrency?.ReservedConcurrentExecutions ?? null,
    () => null,
  );
  const provisioned =
    qualifier === undefined || qualifier === '$LATEST'
      ? Promise.resolve(null)
      : client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: functionName, Qualifier: qualifier }), { abortSignal: signal }).then(
          (pc) => pc.AllocatedProvisionedConcurrentExecutions ?? pc.RequestedProvisionedConcurrentExecutions ?? null,
          () => null,
        );
  return { reservedConcurrency: await reserved, provisionedConcurrency: await provisioned };
}

const isConflict = (err: unknown) => {
  const e = describeSdkError(err);
  return e.name === 'ResourceConflictException' || e.status === 409;
};

/** Replace the function's environment map (Lambda replaces the whole map) and wait until the update is Successful. */
export async function writeEnvironment(client: LambdaClient, functionName: string, variables: Record<string, string>, wait: ControlWait): Promise<FunctionConfiguration> {
  const deadline = Date.now() + wait.timeoutMs;
  const update = new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: variables } });
  await pollUntil<void>(
    async () => {
      try {
        await client.send(update, { abortSignal: wait.signal });
        return { done: true, value: undefined };
      } catch (err) {
        // Another update in progress: a state to wait out, not an error.
        if (isConflict(err)) return { done: false, state: `another update is in progress (${describeSdkError(err).name})` };
        throw err;
      }
    },
    // Only throttles are retried: after a 5xx the update may or may not have been applied.
    { what: `${wait.label} to accept the configuration update`, timeoutMs: wait.timeoutMs, deadline, intervalMs: Math.max(50, wait.pollIntervalMs), backoff: 2, signal: wait.signal, log: wait.log, retry: 'throttled' },
  ).catch((err: unknown) => {
    if (err instanceof Interrupted || err instanceof TargetFailure) throw err;
    const e = describeSdkError(err);
    throw new TargetFailure(`${wait.label}: UpdateFunctionConfiguration failed (${e.name}: ${e.message})`);
  });
  return waitUntilUpdated(client, functionName, wait, deadline, variables);
}

/** Poll GetFunctionConfiguration until LastUpdateStatus is Successful (and, when given, the
 *  environment reads back as written: a read that still shows the old map is not done yet). */
export async function waitUntilUpdated(
  client: LambdaClient,
  functionName: string,
  wait: ControlWait,
  deadline = Date.now() + wait.timeoutMs,
  expected?: Record<string, string>,
): Promise<FunctionConfiguration> {
  const { value } = await pollUntil<FunctionConfiguration>(
    async () => {
      let config: FunctionConfiguration;
      try {
        config = await readConfiguration(client, functionName, undefined, wait.signal);
      } catch (err) {
        const e = describeSdkError(err);
        if (e.name === 'ResourceNotFoundException') throw new TargetFailure(`${wait.label} no longer exists (${e.message})`);
        if (classifyTransient(err)) throw err; // retried by the wait, honouring Retry-After
        // As waitUntilFunctionUpdatedV2 does: any other failed read means "not yet".
        return { done: false, state: `reading the configuration failed (${e.name})` };
      }
      if (config.LastUpdateStatus === 'Failed') {
        throw new TargetFailure(`${wait.label}: the configuration update failed (${config.LastUpdateStatusReasonCode ?? 'no code'}: ${config.LastUpdateStatusReason ?? 'no reason given'})`);
      }
      const settled = config.LastUpdateStatus === undefined || config.LastUpdateStatus === 'Successful';
      if (settled && config.State !== 'Failed' && (!expected || sameMap(config.Environment?.Variables ?? {}, expected))) return { done: true, value: config };
      return { done: false, state: `LastUpdateStatus ${config.LastUpdateStatus ?? 'unknown'}` };
    },
    { what: `${wait.label} to finish its configuration update`, timeoutMs: wait.timeoutMs, deadline, intervalMs: wait.pollIntervalMs, signal: wait.signal, log: wait.log },
  );
  return value;
}

export function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}
