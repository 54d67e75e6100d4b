// The journal record of a Kubernetes origin (which objects it created, where; never a credential
// or the Secret's values) and its undo after a killed run: the same removal as the run's own end.
import { z } from '../zod.js';
import { connectKube } from '../adapters/kube-client.js';
import { journalUndo } from '../control/journal-undo.js';
import { deleteOriginObjects, withOriginApis } from './kubernetes-objects.js';

const refSchema = z.object({
  kind: z.enum(['ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'Job']),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

export const kubernetesOriginChangeSchema = z.object({
  undo: z.object({ objects: z.array(refSchema).min(1), graceMs: z.int().nonnegative() }),
  location: z.object({ context: z.string(), server: z.string(), namespace: z.string().min(1) }),
});
export type KubernetesOriginUndo = z.infer<typeof kubernetesOriginChangeSchema>['undo'];
export type KubernetesOriginLocation = z.infer<typeof kubernetesOriginChangeSchema>['location'];

export const kubernetesOriginJournal = journalUndo(kubernetesOriginChangeSchema, async ({ undo, location }, entry) => {
  const clients = withOriginApis(connectKube({ context: location.context, namespace: location.namespace, what: `journal entry ${entry.id}` }));
  if (clients.location.server !== location.server) {
    throw new Error(`journal entry ${entry.id}: context ${location.context} now points at ${clients.location.server}, not ${location.server} as during the run; not touching it`);
  }
  await deleteOriginObjects(clients, undo.objects, undo.graceMs);
});
