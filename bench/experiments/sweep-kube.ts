// sweep of a kubernetes or knative target: the first container's cpu / memory, set as both its
// request and its limit (a JSON patch of the Deployment's or the Knative Service's template, so
// every other field stays as it is), waited until the rollout is complete (Deployment: observed
// generation, every replica updated and ready, as `kubectl rollout status`) or the new revision is
// ready (Knative: latestReadyRevisionName = latestCreatedRevisionName, Ready True). The journal
// holds the container's original resources (and where the object is, never a credential).
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { z } from '../zod.js';
import type { KnativeTarget, KubernetesTarget } from '../config/schema.js';
import { DEFAULT_WAIT_TIMEOUT_MS, KUBE_API_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { JournaledChange } from '../control/journaled-change.js';
import { pollUntil } from '../control/poll.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { apiErrorReason, connectKube, kubeCall, type KubeClients } from '../adapters/kube-client.js';
import type { Sweeper, SweeperContext } from './sweeper.js';
import type { Variant } from './sweep-types.js';

const quantities = z.record(z.string(), z.union([z.string(), z.number()]));
const resourcesSchema = z.looseObject({ requests: quantities.optional(), limits: quantities.optional() });
type Resources = z.infer<typeof resourcesSchema>;

const kubeSweepSchema = z.object({
  undo: z.strictObject({ resources: resourcesSchema.nullable() }),
  location: z.object({
    context: z.string().optional(),
    server: z.string().optional(),
    namespace: z.string().min(1),
    object: z.enum(['Deployment', 'Service.serving.knative.dev']),
    name: z.string().min(1),
  }),
});
type Undo = z.infer<typeof kubeSweepSchema>['undo'];
type Location = z.infer<typeof kubeSweepSchema>['location'];

const RESOURCES_PATH = '/spec/template/spec/containers/0/resources';

/** The variant's values as both request and limit, every other resource kept. */
export function variantResources(original: Resources | null, variant: Variant): Resources {
  const requests: Record<string, string | number> = { ...(original?.requests ?? {}) };
  const limits: Record<string, string | number> = { ...(original?.limits ?? {}) };
  for (const key of ['cpu', 'memory'] as const) {
    const value = variant[key];
    if (value === undefined) continue;
    requests[key] = String(value);
    limits[key] = String(value);
  }
  return { ...(original ?? {}), requests, limits };
}

function firstContainerResources(doc: unknown): Resources | null {
  const containers = (doc as { spec?: { template?: { spec?: { containers?: unknown } } } } | null)?.spec?.template?.spec?.containers;
  const first: unknown = Array.isArray(containers) ? containers[0] : undefined;
  if (first === undefined) return null;
  const parsed = resourcesSchema.safeParse((first as { resources?: unknown } | null)?.resources);
  return parsed.success ? parsed.data : null;
}

async function patch(clients: KubeClients, location: Location, resources: Resources | null, signal?: AbortSignal): Promise<void> {
  const body = resources === null ? [{ op: 'remove', path: RESOURCES_PATH }] : [{ op: 'add', path: RESOURCES_PATH, value: resources }];
  const options = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
  const { namespace, name } = location;
  await kubeCall(
    () =>
      location.object === 'Deployment'
        ? clients.apps.patchNamespacedDeployment({ name, namespace, body }, options)
        : clients.custom.patchNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace, plural: 'services', name, body }, options),
    `patch the resources of ${location.object} ${namespace}/${name}`,
    { signal, mutation: true },
  );
}

async function read(clients: KubeClients, location: Location, signal?: AbortSignal): Promise<unknown> {
  const { namespace, name } = location;
  return kubeCall(
    () =>
      location.object === 'Deployment'
        ? clients.apps.readNamespacedDeployment({ name, namespace })
        : clients.custom.getNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace, plural: 'services', name }),
    `read ${location.object} ${namespace}/${name}`,
    { signal },
  );
}

/** Why the rollout is not complete yet; null when it is. */
export function rolloutState(object: Location['object'], doc: unknown): string | null {
  const d = doc as { metadata?: { generation?: number }; spec?: { replicas?: number }; status?: Record<string, unknown> } | null;
  const status = d?.status ?? {};
  const generation = d?.metadata?.generation ?? 0;
  const observed = typeof status.observedGeneration === 'number' ? status.observedGeneration : 0;
  if (observed < generation) return `generation ${generation} not observed yet (observed ${observed})`;
  if (object === 'Deployment') {
    const want = d?.spec?.replicas ?? 1;
    const updated = typeof status.updatedReplicas === 'number' ? status.updatedReplicas : 0;
    const ready = typeof status.readyReplicas === 'number' ? status.readyReplicas : 0;
    return updated >= want && ready >= want ? null : `${updated} of ${want} replicas updated, ${ready} ready`;
  }
  const created = status.latestCreatedRevisionName;
  const readyRevision = status.latestReadyRevisionName;
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Array<{ type?: string; status?: string }>) : [];
  const ready = conditions.find((c) => c.type === 'Ready')?.status === 'True';
  return created && created === readyRevision && ready ? null : `revision ${String(created ?? '?')} not ready yet (ready: ${String(readyRevision ?? 'none')})`;
}

async function applyAndWait(clients: KubeClients, location: Location, resources: Resources | null, timeoutMs: number, signal: AbortSignal | undefined, log: (m: string) => void): Promise<void> {
  await patch(clients, location, resources, signal);
  await pollUntil<void>(
    async () => {
      const state = rolloutState(location.object, await read(clients, location, signal));
      return state === null ? { done: true, value: undefined } : { done: false, state };
    },
    { what: `${location.object} ${location.namespace}/${location.name} to roll out its new resources`, timeoutMs, intervalMs: KUBE_API_POLL_MS, backoff: 1.5, signal, log },
  );
}

export class KubeSweeper implements Sweeper {
  private clients: KubeClients | undefined;
  private location: Location | undefined;
  private resources: Resources | null = null;
  private readonly change: JournaledChange<Undo, Location>;

  constructor(
    private readonly target: KubernetesTarget | KnativeTarget,
    private readonly ctx: SweeperContext,
  ) {
    this.change = new JournaledChange(ctx.journal);
  }

  private get timeoutMs() {
    return this.target.cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  }

  async prepare(): Promise<void> {
    const object = this.target.kind === 'kubernetes' ? 'Deployment' : 'Service.serving.knative.dev';
    const name = this.target.kind === 'kubernetes' ? this.target.deployment : this.target.service;
    const clients = connectKube({ context: this.target.context, namespace: this.target.namespace, what: `sweep of target ${this.target.name}` });
    this.clients = clients;
    this.location = { context: clients.location.context, server: clients.location.server, namespace: clients.location.namespace, object, name };
    let doc: unknown;
    try {
      doc = await read(clients, this.location, this.ctx.signal);
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      throw new TargetFailure(`sweep of target ${this.target.name}: cannot read ${object} ${this.location.namespace}/${name}: ${apiErrorReason(err)}`);
    }
    this.resources = firstContainerResources(doc);
  }

  original(): Variant {
    const requests = this.resources?.requests ?? {};
    const out: Variant = {};
    for (const key of ['cpu', 'memory'] as const) if (requests[key] !== undefined) out[key] = requests[key];
    return out;
  }

  async apply(variant: Variant): Promise<void> {
    const { clients, location } = this;
    if (!clients || !location) throw new TargetFailure(`sweep of target ${this.target.name}: apply before prepare`);
    this.change.begin({ id: `sweep-${this.target.kind}:${this.target.name}:resources`, kind: `sweep-${this.target.kind}`, target: this.target.name, undo: { resources: this.resources }, location });
    this.ctx.log(`${location.object} ${location.namespace}/${location.name}: requests and limits ${Object.entries(variant).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
    try {
      await applyAndWait(clients, location, variantResources(this.resources, variant), this.timeoutMs, this.ctx.signal, this.ctx.log);
    } catch (err) {
      if (err instanceof Interrupted || err instanceof TargetFailure) throw err;
      throw new TargetFailure(`${location.object} ${location.namespace}/${location.name}: ${apiErrorReason(err)}`);
    }
  }

  restore(): Promise<void> {
    return this.change.restore(async () => {
      const { clients, location } = this;
      if (!clients || !location) return;
      this.ctx.log(`${location.object} ${location.namespace}/${location.name}: restoring the original resources`);
      try {
        await applyAndWait(clients, location, this.resources, Math.max(this.timeoutMs, MIN_RESTORE_WAIT_MS), undefined, this.ctx.log);
      } catch (err) {
        if (err instanceof TargetFailure) throw err;
        throw new TargetFailure(`${location.object} ${location.namespace}/${location.name}: ${apiErrorReason(err)}`);
      }
    });
  }

  async close(): Promise<void> {}
}

/** `coldbench restore` of a Kubernetes / Knative sweep: the original resources back, unless the
 *  context now points at another cluster. */
export const kubeSweepJournal = journalUndo(kubeSweepSchema, async ({ undo, location }, entry) => {
  const clients = connectKube({ context: location.context, namespace: location.namespace, what: `journal entry ${entry.id}` });
  if (location.server && clients.location.server !== location.server) {
    throw new Error(`journal entry ${entry.id}: context ${clients.location.context} now points at ${clients.location.server}, not ${location.server} as during the run; not touching it`);
  }
  try {
    await applyAndWait(clients, location, undo.resources, MIN_RESTORE_WAIT_MS, undefined, () => undefined);
  } catch (err) {
    throw new Error(`journal entry ${entry.id}: cannot restore the resources of ${location.object} ${location.namespace}/${location.name}: ${apiErrorReason(err)}`);
  }
});
