// The journal record of update-config (only the nonce key and its original value: never the
// function's own variables, which may be secrets) and its undo after a killed run.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { API_CALL_TIMEOUT_MS, LAMBDA_RESTORE_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { TargetFailure } from '../errors.js';
import { createLambdaClient, describeSdkError } from './lambda-client.js';
import { readConfiguration, waitUntilUpdated, writeEnvironment, type ControlWait } from './lambda-control.js';

export const lambdaChangeSchema = z.object({
  undo: z.object({ key: z.string().min(1), originalValue: z.string().nullable() }),
  location: z.object({ region: z.string().min(1), endpoint: z.string().nullable().optional(), function: z.string().min(1) }),
});
export type LambdaUndo = z.infer<typeof lambdaChangeSchema>['undo'];
export type LambdaLocation = z.infer<typeof lambdaChangeSchema>['location'];

/** `coldbench restore`: read the current environment and put the nonce key back as it was found
 *  (removed, or its old value). */
export const lambdaJournal = journalUndo(lambdaChangeSchema, async ({ undo, location }, entry) => {
  const client = createLambdaClient({ region: location.region, endpoint: location.endpoint ?? undefined, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
  const label = `lambda function ${location.function} (target ${entry.target})`;
  const wait: ControlWait = { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: LAMBDA_RESTORE_POLL_MS, log: () => undefined, label };
  try {
    let config: FunctionConfiguration;
    try {
      config = await readConfiguration(client, location.function);
    } catch (err) {
      const e = describeSdkError(err);
      throw new TargetFailure(`${label} cannot be read (${e.name}: ${e.message})`);
    }
    if (config.LastUpdateStatus === 'InProgress') config = await waitUntilUpdated(client, location.function, wait);
    const variables = { ...(config.Environment?.Variables ?? {}) };
    if (undo.originalValue !== null) variables[undo.key] = undo.originalValue;
    else delete variables[undo.key];
    await writeEnvironment(client, location.function, variables, wait);
  } finally {
    client.destroy();
  }
});
