// update-config on Google: force a new revision of a Cloud Run service (a v2 function's service
// too) through the Cloud Run Admin API: the template gets a new value of one annotation, the
// revision name is cleared (a service created by Cloud Functions names its revision in
// `template.revision`, and a changed template under that name is refused with 409), and Cloud Run
// deploys the same image; nothing is built. Restoring puts the original template back, name
// included (Cloud Run then routes to that revision again), and checks the template is exactly the
// original. The journal keeps no template (it may hold secrets in variables): our annotation, the
// original revision name and a digest of the original template.
import { z } from '../zod.js';
import { DEFAULT_WAIT_TIMEOUT_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import type { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import type { OperationWait } from './cloud-function-client.js';
import { deployTemplate, shortRevision, templateDigest, type RunService, type RunTemplate, type ServicesClient } from './cloud-run-client.js';
import { googleFailure, isRevisionNameTaken, reasonOf } from './google-errors.js';

/** The annotation whose new value makes each cold sample's revision. Only this key is ever added. */
export const COLD_START_ANNOTATION = 'coldbench.dev/cold-start';

export const revisionChangeSchema = z.object({
  undo: z.object({
    annotation: z.string().min(1),
    originalValue: z.string().nullable().default(null),
    /** The template's revision name before the run ('' or null: generated names). */
    originalRevision: z.string().nullable().default(null),
    originalDigest: z.string().min(1),
  }),
  location: z.object({
    apiEndpoint: z.string().nullable().optional(),
    project: z.string().optional(),
    region: z.string().optional(),
    function: z.string().optional(),
    /** projects/{p}/locations/{region}/services/{s} */
    service: z.string().min(1),
  }),
});
export type RevisionUndo = z.infer<typeof revisionChangeSchema>['undo'];
export type RevisionLocation = z.infer<typeof revisionChangeSchema>['location'];

/** The template with a new value of our annotation and no revision name (Cloud Run names it). */
export function withColdStartAnnotation(template: RunTemplate, value: string): RunTemplate {
  return { ...template, revision: '', annotations: { ...(template.annotations ?? {}), [COLD_START_ANNOTATION]: value } };
}

/** The original template rebuilt from the current one: our annotation removed (or set back), the
 *  original revision name back. Equal to the original unless someone else changed the service. */
export function withoutColdStartAnnotation(template: RunTemplate, undo: RevisionUndo): RunTemplate {
  const annotations = { ...(template.annotations ?? {}) };
  delete annotations[undo.annotation];
  if (undo.originalValue !== null) annotations[undo.annotation] = undo.originalValue;
  return { ...template, annotations, revision: undo.originalRevision ?? '' };
}

type Kind = 'cloud-function' | 'cloud-run';

export interface RevisionChangerOptions {
  kind: Kind;
  target: string;
  client: ServicesClient;
  /** The service as read in prepare(). */
  service: RunService;
  location: RevisionLocation;
  change: JournaledChange<RevisionUndo, RevisionLocation>;
  wait: () => OperationWait;
  log: (message: string) => void;
}

/** The wait of a revision change (Cloud Functions and Cloud Run alike): the target's cold wait budget
 *  (or the shared default) and poll interval, the run's abort signal and log. */
export function revisionWait(cold: { waitTimeoutMs: number; pollIntervalMs: number } | null | undefined, ctx: { signal: AbortSignal; log: (message: string) => void }): OperationWait {
  return { timeoutMs: cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, pollIntervalMs: cold?.pollIntervalMs ?? 0, signal: ctx.signal, log: ctx.log };
}

export class RevisionChanger {
  private readonly original: RunTemplate;
  private readonly originalDigest: string;
  /** The latest ready revision (short name). */
  revision: string | null;
  private readonly nonceBase = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly o: RevisionChangerOptions) {
    this.original = structuredClone(o.service.template ?? {});
    this.originalDigest = templateDigest(this.original);
    this.revision = shortRevision(o.service.latestReadyRevision);
  }

  private get name(): string {
    return this.o.location.service;
  }

  /** Deploy a new revision; returns the service as read after it settled. */
  async force(seq: number): Promise<RunService> {
    this.o.change.begin({
      id: `${this.o.kind}:${this.o.target}:revision`,
      kind: this.o.kind,
      target: this.o.target,
      undo: {
        annotation: COLD_START_ANNOTATION,
        originalValue: this.original.annotations?.[COLD_START_ANNOTATION] ?? null,
        originalRevision: this.original.revision || null,
        originalDigest: this.originalDigest,
      },
      location: this.o.location,
    });
    const previous = this.revision;
    let service: RunService;
    try {
      service = await deployTemplate(this.o.client, this.name, (current) => withColdStartAnnotation(current.template ?? this.original, `${this.nonceBase}-${seq}`), this.o.wait());
    } catch (err) {
      throw googleFailure(this.o.kind, this.o.target, `deploying a new revision of ${this.name}`, err);
    }
    const revision = shortRevision(service.latestReadyRevision);
    if (!revision || revision === previous) {
      throw new TargetFailure(`${this.o.kind} target ${this.o.target}: the update of ${this.name} did not deploy a new revision (still ${previous ?? 'unknown'})`);
    }
    this.revision = revision;
    return service;
  }

  /** Put the original template back (idempotent, once even when called concurrently; works after
   *  Ctrl-C: not bound to the run's signal) and check it is exactly the original. */
  restore(): Promise<void> {
    return this.o.change.restore(async () => {
      const base = this.o.wait();
      const wait = { ...base, signal: undefined, timeoutMs: Math.max(base.timeoutMs, MIN_RESTORE_WAIT_MS) };
      const named = this.original.revision || undefined;
      let service: RunService;
      let renamed = false;
      try {
        try {
          service = await deployTemplate(this.o.client, this.name, () => this.original, wait, named);
        } catch (err) {
          // The original name can only come back with exactly its configuration; if Cloud Run sees
          // it otherwise (409), the original configuration goes back under a generated name.
          if (!named || !isRevisionNameTaken(err)) throw err;
          renamed = true;
          service = await deployTemplate(this.o.client, this.name, () => ({ ...this.original, revision: '' }), wait);
        }
      } catch (err) {
        throw new TargetFailure(`${this.o.kind} target ${this.o.target}: restoring the template of ${this.name} failed (run \`coldbench restore <report-dir>\` to retry): ${reasonOf(err)}`);
      }
      const restored = renamed ? { ...service.template, revision: this.original.revision } : service.template;
      if (templateDigest(restored) !== this.originalDigest) {
        throw new TargetFailure(`${this.o.kind} target ${this.o.target}: after restoring, the template of ${this.name} differs from the original one`);
      }
      if (renamed) this.o.log(`restored the template of ${this.name}; its revision is now named ${shortRevision(service.latestReadyRevision) ?? '?'} (Cloud Run refused the original name ${named ?? ''})`);
      this.revision = shortRevision(service.latestReadyRevision);
    });
  }
}

/** `coldbench restore` of a revision change: remove our annotation from the service's current
 *  template and give it back its original revision name (which gives back the original template
 *  unless someone else changed it since; then the annotation is still removed, and the error says so). */
export async function restoreRevisionChange(kind: Kind, target: string, client: ServicesClient, record: z.infer<typeof revisionChangeSchema>): Promise<void> {
  const { undo, location } = record;
  try {
    const [current] = await client.getService({ name: location.service });
    const restored = withoutColdStartAnnotation(current.template ?? {}, undo);
    const exact = templateDigest(restored) === undo.originalDigest;
    if (templateDigest(current.template) !== templateDigest(restored)) {
      // A changed configuration cannot take the original revision's name (409): let Cloud Run name it.
      const template = exact ? restored : { ...restored, revision: '' };
      await deployTemplate(client, location.service, () => template, { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: 0 }, exact ? undo.originalRevision || undefined : undefined);
    }
    if (!exact) {
      throw new TargetFailure(`${kind} target ${target}: removed ${undo.annotation} from ${location.service}, but its template changed otherwise since the run; check it by hand`);
    }
  } catch (err) {
    throw googleFailure(kind, target, `restoring the template of ${location.service}`, err);
  }
}
