// The journal record of update-config on Cloud Functions and its undo after a killed run. The
// journal keeps no variable values (they may be secrets): only our key, its original value if it
// had one, and a digest of the original map to check an undo is exact.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { TargetFailure } from '../errors.js';
import { controlPlaneFailure, createAuth, createFunctionsClient, updateEnvironment } from './cloud-function-client.js';

export const cloudFunctionChangeSchema = z.object({
  undo: z.object({ nonceKey: z.string().min(1), originalNonceValue: z.string().nullable().default(null), originalDigest: z.string() }),
  location: z.object({
    apiEndpoint: z.string().nullable().optional(),
    project: z.string().optional(),
    region: z.string().optional(),
    function: z.string().optional(),
    /** projects/{p}/locations/{region}/functions/{fn} */
    name: z.string().min(1),
  }),
});
export type EnvUndo = z.infer<typeof cloudFunctionChangeSchema>['undo'];
export type CloudFunctionLocation = z.infer<typeof cloudFunctionChangeSchema>['location'];

export function environmentDigest(env: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(env).sort().map((k) => [k, env[k]]));
  return createHash('sha256').update(canonical).digest('hex');
}

export function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  return environmentDigest(a) === environmentDigest(b);
}

/** The original map, rebuilt from the current one: our key removed (or set back). */
export function withoutNonce(current: Record<string, string>, undo: EnvUndo): Record<string, string> {
  const env = { ...current };
  delete env[undo.nonceKey];
  if (undo.originalNonceValue !== null) env[undo.nonceKey] = undo.originalNonceValue;
  return env;
}

/** Remove our nonce variable from the function's current variables (which gives back the original
 *  map unless someone else changed it since). */
export const cloudFunctionJournal = journalUndo(cloudFunctionChangeSchema, async ({ undo, location }, entry) => {
  const auth = await createAuth();
  const client = await createFunctionsClient(auth, location.apiEndpoint ?? undefined);
  try {
    const [fn] = await client.getFunction({ name: location.name });
    const current = { ...(fn.serviceConfig?.environmentVariables ?? {}) };
    const target = withoutNonce(current, undo);
    if (!sameEnvironment(current, target)) {
      await updateEnvironment(client, location.name, target, { timeoutMs: DEFAULT_WAIT_TIMEOUT_MS, pollIntervalMs: 0 });
    }
    if (environmentDigest(target) !== undo.originalDigest) {
      throw new TargetFailure(`cloud-function target ${entry.target}: removed ${undo.nonceKey} from ${location.name}, but other environment variables changed since the run; check them by hand`);
    }
  } catch (err) {
    throw controlPlaneFailure(entry.target, `restoring the environment variables of ${location.name}`, err);
  } finally {
    await client.close().catch(() => undefined);
  }
});
