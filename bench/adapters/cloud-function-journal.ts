// The journal records of update-config on Cloud Functions and their undo after a killed run:
// - a revision change of the function's Cloud Run service (cloud-run-revisions.ts), what this
//   coldbench writes;
// - an environment change through the Functions API, what coldbench wrote before it forced
//   revisions through the Cloud Run API (undone the same way: an update that builds).
// Neither keeps a value (they may be secrets): our key, its original value, and a digest.
import { createHash } from 'node:crypto';
import { z } from '../zod.js';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { TargetFailure } from '../errors.js';
import { controlPlaneFailure, createAuth, createFunctionsClient, updateEnvironment } from './cloud-function-client.js';
import { createServicesClient } from './cloud-run-client.js';
import { restoreRevisionChange, revisionChangeSchema } from './cloud-run-revisions.js';

/** The environment change an older coldbench journalled. */
export const environmentChangeSchema = z.object({
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
export type EnvUndo = z.infer<typeof environmentChangeSchema>['undo'];

const cloudFunctionChangeSchema = z.union([revisionChangeSchema, environmentChangeSchema]);

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

/** Undo a revision change, or remove the nonce variable of an older run's environment change from
 *  the function's current variables (which gives back the original map unless someone else changed
 *  it since). */
export const cloudFunctionJournal = journalUndo(cloudFunctionChangeSchema, async (record, entry) => {
  const auth = await createAuth();
  const revision = revisionChangeSchema.safeParse(record);
  if (revision.success) {
    const services = await createServicesClient(auth, revision.data.location.apiEndpoint ?? undefined);
    try {
      return await restoreRevisionChange('cloud-function', entry.target, services, revision.data);
    } finally {
      await services.close().catch(() => undefined);
    }
  }
  const { undo, location } = environmentChangeSchema.parse(record);
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
