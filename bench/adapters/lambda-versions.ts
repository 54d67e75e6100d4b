// Control-plane steps of publish-version: publish $LATEST as a new version (riding out 409 while an
// update is in progress), wait until the version is Active (for SnapStart: the snapshot is taken,
// State Active and LastUpdateStatus Successful), and delete versions again. Versions a run
// publishes carry its marker as Description, so leftovers are found by listing, even when a
// PublishVersion's answer was lost to Ctrl-C or kill -9. None of this time is part of a sample.
import {
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  paginateListVersionsByFunction,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { pollUntil } from '../control/poll.js';
import { classifyTransient } from '../control/transient.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { describeSdkError } from './lambda-client.js';
import type { ControlWait } from './lambda-control.js';

const isConflict = (err: unknown) => {
  const e = describeSdkError(err);
  return e.name === 'ResourceConflictException' || e.status === 409;
};

const failed = (wait: ControlWait, what: string) => (err: unknown) => {
  if (err instanceof Interrupted || err instanceof TargetFailure) throw err;
  const e = describeSdkError(err);
  throw new TargetFailure(`${wait.label}: ${what} failed (${e.name}: ${e.message})`);
};

/** PublishVersion of $LATEST at `revisionId` (so exactly the configuration just written is published). */
export async function publishVersion(client: LambdaClient, functionName: string, request: { revisionId?: string; description: string }, wait: ControlWait, deadline: number): Promise<FunctionConfiguration> {
  const command = new PublishVersionCommand({ FunctionName: functionName, Description: request.description, ...(request.revisionId ? { RevisionId: request.revisionId } : {}) });
  const { value } = await pollUntil<FunctionConfiguration>(
    async () => {
      try {
        return { done: true, value: await client.send(command, { abortSignal: wait.signal }) };
      } catch (err) {
        if (isConflict(err)) return { done: false, state: `an update is in progress (${describeSdkError(err).name})` };
        throw err;
      }
    },
    // Only throttles are retried: after a 5xx a version may or may not have been published.
    { what: `${wait.label} to publish a version`, timeoutMs: wait.timeoutMs, deadline, intervalMs: Math.max(50, wait.pollIntervalMs), backoff: 2, signal: wait.signal, log: wait.log, retry: 'throttled' },
  ).catch(failed(wait, 'PublishVersion'));
  return value;
}

/** Poll the version's configuration until it is Active with its last update Successful. */
export async function waitUntilVersionActive(client: LambdaClient, functionName: string, version: string, wait: ControlWait, deadline: number): Promise<FunctionConfiguration> {
  const { value } = await pollUntil<FunctionConfiguration>(
    async () => {
      let config: FunctionConfiguration;
      try {
        config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version }), { abortSignal: wait.signal });
      } catch (err) {
        if (describeSdkError(err).name === 'ResourceNotFoundException') throw new TargetFailure(`${wait.label}: version ${version} disappeared while it was being created`);
        if (classifyTransient(err)) throw err; // retried by the wait
        return { done: false, state: `reading version ${version} failed (${describeSdkError(err).name})` };
      }
      if (config.State === 'Failed' || config.LastUpdateStatus === 'Failed') {
        throw new TargetFailure(`${wait.label}: version ${version} failed (${config.StateReasonCode ?? config.LastUpdateStatusReasonCode ?? 'no code'}: ${config.StateReason ?? config.LastUpdateStatusReason ?? 'no reason given'})`);
      }
      const settled = config.LastUpdateStatus === undefined || config.LastUpdateStatus === 'Successful';
      if (config.State === 'Active' && settled) return { done: true, value: config };
      return { done: false, state: `version ${version} State ${config.State ?? 'unknown'}, LastUpdateStatus ${config.LastUpdateStatus ?? 'unknown'}` };
    },
    { what: `version ${version} of ${wait.label} to become Active`, timeoutMs: wait.timeoutMs, deadline, intervalMs: wait.pollIntervalMs, backoff: 1.5, signal: wait.signal, log: wait.log },
  );
  return value;
}

/** Versions of the function whose Description is `marker` (what one run published). */
export async function versionsMarked(client: LambdaClient, functionName: string, marker: string, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  for await (const page of paginateListVersionsByFunction({ client }, { FunctionName: functionName }, signal ? { abortSignal: signal } : {})) {
    for (const v of page.Versions ?? []) if (v.Description === marker && v.Version && v.Version !== '$LATEST') found.push(v.Version);
  }
  return found;
}

/** Delete versions (one already gone counts as deleted); a 409 (the function busy) is waited out. */
export async function deleteVersions(client: LambdaClient, functionName: string, versions: Iterable<string>, wait: ControlWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  for (const version of versions) {
    await pollUntil<void>(
      async () => {
        try {
          await client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version }), { abortSignal: wait.signal });
        } catch (err) {
          if (describeSdkError(err).name === 'ResourceNotFoundException') return { done: true, value: undefined };
          if (isConflict(err)) return { done: false, state: `version ${version} is busy (${describeSdkError(err).name})` };
          throw err;
        }
        return { done: true, value: undefined };
      },
      { what: `${wait.label} to delete version ${version}`, timeoutMs: wait.timeoutMs, deadline, intervalMs: Math.max(50, wait.pollIntervalMs), backoff: 2, signal: wait.signal, log: wait.log },
    ).catch(failed(wait, `DeleteFunction of version ${version}`));
  }
}
