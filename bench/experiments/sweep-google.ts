// sweep of a cloud-function or cloud-run target through the Cloud Run Admin API (a v2 function is
// a Cloud Run service too): each variant is a new revision of the same image whose first container
// has the variant's limits (memory, cpu) and whose template has its maxInstanceRequestConcurrency
// (concurrency), the revision name cleared (Cloud Run names it). Restoring deploys the original
// template again, its revision name included, and checks it is exactly the original (as
// update-config's restore does). The journal holds the swept values as found, the original
// revision name and a digest of the original template (never the template: it may hold secrets).
import type { GoogleAuth } from 'google-auth-library';
import { z } from '../zod.js';
import type { CloudFunctionTarget, CloudRunTarget } from '../config/schema.js';
import { DEFAULT_WAIT_TIMEOUT_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import { createAuth, createFunctionsClient, functionName, type OperationWait } from '../adapters/cloud-function-client.js';
import { createServicesClient, deployTemplate, runServiceName, templateDigest, type RunService, type RunTemplate, type ServicesClient } from '../adapters/cloud-run-client.js';
import { googleFailure, isRevisionNameTaken, reasonOf } from '../adapters/google-errors.js';
import type { Sweeper, SweeperContext } from './sweeper.js';
import type { Variant } from './sweep-types.js';

const googleSweepSchema = z.object({
  undo: z.strictObject({
    memory: z.string().nullable(),
    cpu: z.string().nullable(),
    concurrency: z.int().nullable(),
    originalRevision: z.string().nullable(),
    originalDigest: z.string().min(1),
  }),
  location: z.object({ apiEndpoint: z.string().nullable().optional(), service: z.string().min(1) }),
});
type Undo = z.infer<typeof googleSweepSchema>['undo'];
type Location = z.infer<typeof googleSweepSchema>['location'];

/** The swept values of a template, as the journal keeps them. */
function sweptValues(template: RunTemplate): Pick<Undo, 'memory' | 'cpu' | 'concurrency'> {
  const limits = template.containers?.[0]?.resources?.limits ?? {};
  const concurrency = template.maxInstanceRequestConcurrency;
  return { memory: limits.memory ?? null, cpu: limits.cpu ?? null, concurrency: typeof concurrency === 'number' && concurrency > 0 ? concurrency : null };
}

/** `template` with the given limits and concurrency (null: removed) and the given revision name. */
function withValues(template: RunTemplate, values: Pick<Undo, 'memory' | 'cpu' | 'concurrency'>, revision: string): RunTemplate {
  const [first, ...rest] = template.containers ?? [{}];
  const limits: Record<string, string> = { ...(first?.resources?.limits ?? {}) };
  for (const key of ['memory', 'cpu'] as const) {
    const value = values[key];
    if (value === null) delete limits[key];
    else limits[key] = value;
  }
  const out: RunTemplate = { ...template, revision, containers: [{ ...first, resources: { ...first?.resources, limits } }, ...rest] };
  if (values.concurrency === null) delete out.maxInstanceRequestConcurrency;
  else out.maxInstanceRequestConcurrency = values.concurrency;
  return out;
}

/** The variant applied to `template` (unswept keys as they are), for a new revision. */
export function variantTemplate(template: RunTemplate, variant: Variant): RunTemplate {
  const current = sweptValues(template);
  return withValues(
    template,
    {
      memory: variant.memory !== undefined ? String(variant.memory) : current.memory,
      cpu: variant.cpu !== undefined ? String(variant.cpu) : current.cpu,
      concurrency: variant.concurrency !== undefined ? Number(variant.concurrency) : current.concurrency,
    },
    '',
  );
}

export class GoogleSweeper implements Sweeper {
  private client: ServicesClient | undefined;
  private location: Location | undefined;
  private template: RunTemplate = {};
  private readonly change: JournaledChange<Undo, Location>;

  constructor(
    private readonly target: CloudFunctionTarget | CloudRunTarget,
    private readonly ctx: SweeperContext,
  ) {
    this.change = new JournaledChange(ctx.journal);
  }

  private wait(restoring = false): OperationWait {
    const timeoutMs = this.target.cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    return restoring
      ? { timeoutMs: Math.max(timeoutMs, MIN_RESTORE_WAIT_MS), pollIntervalMs: this.target.cold?.pollIntervalMs ?? 0, log: this.ctx.log }
      : { timeoutMs, pollIntervalMs: this.target.cold?.pollIntervalMs ?? 0, signal: this.ctx.signal, log: this.ctx.log };
  }

  private failure(what: string, err: unknown) {
    return googleFailure(this.target.kind, this.target.name, what, err);
  }

  async prepare(): Promise<void> {
    const auth: GoogleAuth = await createAuth();
    let service: string;
    if (this.target.kind === 'cloud-run') service = runServiceName(this.target.project, this.target.region, this.target.service);
    else {
      const name = functionName(this.target.project, this.target.region, this.target.function);
      const functions = await createFunctionsClient(auth, this.target.apiEndpoint);
      try {
        const [fn] = await functions.getFunction({ name });
        service = fn.serviceConfig?.service ?? '';
      } catch (err) {
        throw this.failure(`reading function ${name} for the sweep`, err);
      } finally {
        await functions.close().catch(() => undefined);
      }
      if (!service) throw new TargetFailure(`cloud-function target ${this.target.name}: function ${name} names no Cloud Run service to sweep`);
    }
    this.client = await createServicesClient(auth, this.target.apiEndpoint);
    this.location = { apiEndpoint: this.target.apiEndpoint ?? null, service };
    let read: RunService;
    try {
      [read] = await this.client.getService({ name: service });
    } catch (err) {
      throw this.failure(`reading service ${service} for the sweep`, err);
    }
    this.template = structuredClone(read.template ?? {});
  }

  original(): Variant {
    const values = sweptValues(this.template);
    const out: Variant = {};
    if (values.memory !== null) out.memory = values.memory;
    if (values.cpu !== null) out.cpu = values.cpu;
    if (values.concurrency !== null) out.concurrency = values.concurrency;
    return out;
  }

  async apply(variant: Variant): Promise<void> {
    const { client, location } = this;
    if (!client || !location) throw new TargetFailure(`sweep of target ${this.target.name}: apply before prepare`);
    this.change.begin({
      id: `sweep-${this.target.kind}:${this.target.name}:template`,
      kind: `sweep-${this.target.kind}`,
      target: this.target.name,
      undo: { ...sweptValues(this.template), originalRevision: this.template.revision || null, originalDigest: templateDigest(this.template) },
      location,
    });
    this.ctx.log(`${location.service}: a new revision with ${Object.entries(variant).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
    try {
      await deployTemplate(client, location.service, (current) => variantTemplate(current.template ?? this.template, variant), this.wait());
    } catch (err) {
      throw this.failure(`deploying the variant to ${location.service}`, err);
    }
  }

  restore(): Promise<void> {
    return this.change.restore(async () => {
      const { client, location } = this;
      if (!client || !location) return;
      this.ctx.log(`${location.service}: restoring the original template`);
      const named = this.template.revision || undefined;
      let service: RunService;
      let renamed = false;
      try {
        try {
          service = await deployTemplate(client, location.service, () => this.template, this.wait(true), named);
        } catch (err) {
          // The original name comes back only with exactly its configuration; otherwise (409) the
          // original configuration goes back under a generated name.
          if (!named || !isRevisionNameTaken(err)) throw err;
          renamed = true;
          service = await deployTemplate(client, location.service, () => ({ ...this.template, revision: '' }), this.wait(true));
        }
      } catch (err) {
        throw new TargetFailure(`${this.target.kind} target ${this.target.name}: restoring the template of ${location.service} failed (run \`coldbench restore <report-dir>\` to retry): ${reasonOf(err)}`);
      }
      const restored = renamed ? { ...service.template, revision: this.template.revision } : service.template;
      if (templateDigest(restored) !== templateDigest(this.template)) {
        throw new TargetFailure(`${this.target.kind} target ${this.target.name}: after restoring, the template of ${location.service} differs from the original one`);
      }
    });
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
  }
}

/** `coldbench restore` of a Google sweep: the swept values and the revision name back; an error when
 *  the template changed otherwise since the run (the values are put back all the same). */
export const googleSweepJournal = journalUndo(googleSweepSchema, async ({ undo, location }, entry) => {
  const client = await createServicesClient(await createAuth(), location.apiEndpoint ?? undefined);
  try {
    const [current] = await client.getService({ name: location.service });
    const restored = withValues(current.template ?? {}, undo, undo.originalRevision ?? '');
    const exact = templateDigest(restored) === undo.originalDigest;
    if (templateDigest(current.template) !== templateDigest(restored)) {
      const template = exact ? restored : { ...restored, revision: '' };
      await deployTemplate(client, location.service, () => template, { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: 0 }, exact ? undo.originalRevision || undefined : undefined);
    }
    if (!exact) throw new TargetFailure(`target ${entry.target}: put the swept values of ${location.service} back, but its template changed otherwise since the run; check it by hand`);
  } finally {
    await client.close().catch(() => undefined);
  }
});
