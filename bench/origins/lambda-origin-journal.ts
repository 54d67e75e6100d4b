// The journal record of a Lambda origin (the function, the role coldbench created, where: never the
// payload or a credential) and the removal both the run's end and `coldbench restore` do: the
// function first, then the role and its policy; what is already gone counts as removed.
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { z } from '../zod.js';
import { API_CALL_TIMEOUT_MS, API_RETRY_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { callWithRetry, type WaitOptions } from '../control/poll.js';
import { createLambdaClient, describeSdkError } from '../adapters/lambda-client.js';
import { createIamClient, deleteOriginRole } from './lambda-iam.js';

export const lambdaOriginChangeSchema = z.object({
  undo: z.object({ function: z.string().min(1), role: z.string().min(1).nullable() }),
  location: z.object({ region: z.string().min(1), endpoint: z.string().nullable(), iamEndpoint: z.string().nullable() }),
});
export type LambdaOriginUndo = z.infer<typeof lambdaOriginChangeSchema>['undo'];
export type LambdaOriginLocation = z.infer<typeof lambdaOriginChangeSchema>['location'];

export async function deleteLambdaOrigin(undo: LambdaOriginUndo, location: LambdaOriginLocation): Promise<void> {
  const lambda = createLambdaClient({ region: location.region, endpoint: location.endpoint ?? undefined, maxAttempts: 1, timeoutMs: API_CALL_TIMEOUT_MS });
  const retry: WaitOptions = { what: `delete lambda function ${undo.function}`, timeoutMs: MIN_RESTORE_WAIT_MS, intervalMs: API_RETRY_MS, backoff: 2, retry: 'throttled' };
  try {
    await callWithRetry(async () => {
      try {
        await lambda.send(new DeleteFunctionCommand({ FunctionName: undo.function }));
      } catch (err) {
        if (describeSdkError(err).name !== 'ResourceNotFoundException') throw err;
      }
    }, retry);
  } finally {
    lambda.destroy();
  }
  if (undo.role) {
    const iam = createIamClient(location.iamEndpoint ?? undefined);
    try {
      await deleteOriginRole(iam, undo.role);
    } finally {
      iam.destroy();
    }
  }
}

export const lambdaOriginJournal = journalUndo(lambdaOriginChangeSchema, async ({ undo, location }) => deleteLambdaOrigin(undo, location));
