// Control-plane steps of update-config: write an environment map, riding out 409 (an update is
// already in progress) with backoff, then poll until LastUpdateStatus is Successful. Every wait is
// bounded by a deadline; none of this time is part of a sample.
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** Replace the function's environment map (Lambda replaces the whole map) and wait until the update is Successful. */
export async function writeEnvironment(client: LambdaClient, functionName: string, variables: Record<string, string>, wait: ControlWait): Promise<FunctionConfiguration> {
  const deadline = Date.now() + wait.timeoutMs;
  let backoffMs = Math.max(50, wait.pollIntervalMs);
  for (;;) {
    checkAbort(wait.signal);
    try {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: variables } }), { abortSignal: wait.signal });
      break;
    } catch (err) {
      checkAbort(wait.signal);
      const e = describeSdkError(err);
      const retryable = e.name === 'ResourceConflictException' || e.name === 'TooManyRequestsException' || e.status === 409 || e.status === 429;
      if (!retryable) throw new TargetFailure(`${wait.label}: UpdateFunctionConfiguration failed (${e.name}: ${e.message})`);
      if (Date.now() + backoffMs > deadline) {
        throw new TargetFailure(`${wait.label}: another update was still in progress after ${Math.round(wait.timeoutMs / 1000)}s (${e.name})`);
      }
      wait.log(`${wait.label}: an update is in progress, retrying in ${backoffMs} ms`);
      await pause(backoffMs, wait.signal);
      backoffMs = Math.min(backoffMs * 2, 2000);
    }
  }
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
  for (;;) {
    checkAbort(wait.signal);
    let config: FunctionConfiguration | undefined;
    try {
      config = await readConfiguration(client, functionName, undefined, wait.signal);
    } catch (err) {
      checkAbort(wait.signal);
      const e = describeSdkError(err);
      if (e.name === 'ResourceNotFoundException') throw new TargetFailure(`${wait.label} no longer exists (${e.message})`);
      wait.log(`${wait.label}: reading the configuration failed (${e.name}), retrying`);
    }
    if (config) {
      if (config.LastUpdateStatus === 'Failed') {
        throw new TargetFailure(`${wait.label}: the configuration update failed (${config.LastUpdateStatusReasonCode ?? 'no code'}: ${config.LastUpdateStatusReason ?? 'no reason given'})`);
      }
      const settled = config.LastUpdateStatus === undefined || config.LastUpdateStatus === 'Successful';
      if (settled && config.State !== 'Failed' && (!expected || sameMap(config.Environment?.Variables ?? {}, expected))) return config;
    }
    if (Date.now() + wait.pollIntervalMs > deadline) {
      throw new TargetFailure(`${wait.label}: the configuration update did not finish within ${Math.round(wait.timeoutMs / 1000)}s (LastUpdateStatus ${config?.LastUpdateStatus ?? 'unknown'})`);
    }
    await pause(wait.pollIntervalMs, wait.signal);
  }
}

export function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted();
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
  checkAbort(signal);
}
