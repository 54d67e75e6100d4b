// The journal record of scale-from-zero (the original replica count and where the Deployment is,
// never a credential) and its undo after a killed run.
import { z } from '../zod.js';
import { journalUndo } from '../control/journal-undo.js';
import { apiErrorReason, connectKube } from './kube-client.js';
import { patchReplicas } from './kubernetes-scale.js';

export const kubernetesChangeSchema = z.object({
  undo: z.object({ replicas: z.int().nonnegative() }),
  location: z.object({ context: z.string().optional(), server: z.string().optional(), namespace: z.string().min(1), deployment: z.string().min(1) }),
});
export type KubernetesUndo = z.infer<typeof kubernetesChangeSchema>['undo'];
export type KubernetesLocation = z.infer<typeof kubernetesChangeSchema>['location'];

/** Scale the Deployment back to its recorded count, unless the context now points elsewhere. */
export const kubernetesJournal = journalUndo(kubernetesChangeSchema, async ({ undo, location }, entry) => {
  const clients = connectKube({ context: location.context, namespace: location.namespace, what: `journal entry ${entry.id}` });
  if (location.server && clients.location.server !== location.server) {
    throw new Error(
      `journal entry ${entry.id}: context ${clients.location.context} now points at ${clients.location.server}, not ${location.server} as during the run; not touching it`,
    );
  }
  try {
    await patchReplicas(clients, location.deployment, undo.replicas);
  } catch (err) {
    throw new Error(`journal entry ${entry.id}: cannot scale deployment ${location.deployment} in namespace ${location.namespace} back to ${undo.replicas}: ${apiErrorReason(err)}`);
  }
});
