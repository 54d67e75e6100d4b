// The journal records of the Lambda strategies and their undo after a killed run:
//   environment (update-config, publish-version): only the nonce key and its original value, never
//     the function's own variables, which may be secrets; undone by putting the key back as found;
//   versions (publish-version): the marker every version of the run carries as Description; undone
//     by deleting every version with that marker (found by listing, so a version whose publishing
//     answer was lost is deleted too).
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { z } from '../zod.js';
import { API_CALL_TIMEOUT_MS, LAMBDA_RESTORE_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { TargetFailure } from '../errors.js';
import { createLambdaClient, describeSdkError } from './lambda-client.js';
import { readConfiguration, waitUntilUpdated, writeEnvironment, type ControlWait } from './lambda-control.js';
import { deleteVersions, versionsMarked } from './lambda-versions.js';

const environmentUndo = z.strictObject({ key: z.string().min(1), originalValue: z.string().nullable() });
const versionsUndo = z.strictObject({ versionDescription: z.string().min(1) });

export const lambdaChangeSchema = z.object({
  undo: z.union([environmentUndo, versionsUndo]),
  location: z.object({ region: z.string().min(1), endpoint: z.string().nullable().optional(), function: z.string().min(1) }),
});
export type LambdaUndo = z.infer<typeof lambdaChangeSchema>['undo'];
export type LambdaEnvironmentUndo = z.infer<typeof environmentUndo>;
export type LambdaVersionsUndo = z.infer<typeof versionsUndo>;
export type LambdaLocation = z.infer<typeof lambdaChangeSchema>['location'];

/** `coldbench restore`: delete the run's versions, or put the nonce key back as it was found. */
export const lambdaJournal = journalUndo(lambdaChangeSchema, async ({ undo, location }, entry) => {
  const client = createLambdaClient({ region: location.region, endpoint: location.endpoint ?? undefined, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
  const label = `lambda function ${location.function} (target ${entry.target})`;
  const wait: ControlWait = { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: LAMBDA_RESTORE_POLL_MS, log: () => undefined, label };
  try {
    if ('versionDescription' in undo) {
      let versions: string[];
      try {
        versions = await versionsMarked(client, location.function, undo.versionDescription);
      } catch (err) {
        const e = describeSdkError(err);
        throw new TargetFailure(`${label}: its versions cannot be listed (${e.name}: ${e.message})`);
      }
      await deleteVersions(client, location.function, versions, wait);
      return;
    }
    let config: FunctionConfiguration;
    try {
      config = await readConfiguration(client, location.function);
    } catch (err) {
      const e = describeSdkError(err);
      throw new TargetFailure(`${label} cannot be read (${e.name}: ${e.message})`);
    }
    if (config.Environment?.Error) {
      // Writing now would replace variables nobody can read with what little is known.
      throw new TargetFailure(`${label}: its environment cannot be read (${config.Environment.Error.ErrorCode ?? 'error'}); ${undo.key} was left as the run set it: remove it with credentials that may use the function's KMS key`);
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
