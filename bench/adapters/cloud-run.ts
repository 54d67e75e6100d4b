// kind: cloud-run: a plain Cloud Run service, through the Cloud Run Admin API v2. The same data
// plane and cold strategy as a v2 function (which is a Cloud Run service too):
// - inspect (read-only; prepare starts with it, `plan` shows it): read the service (URL, readiness, traffic, scaling, custom audiences; needed for
//   update-config and when no url is given), check everything up front (google-problems.ts),
//   fetch an ID token for the service URL's origin.
// - update-config: a new value of one template annotation is a new revision of the same image
//   (cloud-run-revisions.ts); the original template goes back at the end, on error and on Ctrl-C.
// - Cold verification by the instance's uptime (google-http.ts); warm load is plain HTTP.
import type { GoogleAuth } from 'google-auth-library';
import type { CloudRunTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { journalUndo } from '../control/journal-undo.js';
import { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import { bytesToMegabytes, memoryBytes, parseQuantity } from '../quantity.js';
import type { CloudRunFacts } from '../results/platform-facts.js';
import { conditionState, createServicesClient, runServiceName, shortRevision, type RunService, type ServicesClient } from './cloud-run-client.js';
import { COLD_START_ANNOTATION, restoreRevisionChange, revisionChangeSchema, RevisionChanger, revisionWait, type RevisionLocation, type RevisionUndo } from './cloud-run-revisions.js';
import { createAuth, credentialKind, credentialProblems, idTokenAudience } from './google-auth.js';
import { googleFailure, reasonOf } from './google-errors.js';
import { GoogleCaller } from './google-http.js';
import { checkServicePermissions, publicUrlProblems } from './google-iam.js';
import { permissionProblems, runShape, serviceNeeds } from './google-permissions.js';
import { audienceProblems, revisionChanges, serviceProblems, type CheckedTarget } from './google-problems.js';
import { enforceProblems, type Problem } from './problems.js';
import { commonChanges, forceColdCommon, idleWait } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, Inspection, Invocation } from './types.js';

export class CloudRunAdapter implements Adapter<'cloud-run'> {
  readonly kind = 'cloud-run';
  private readonly name: string;
  private readonly subject: string;
  private client: ServicesClient | null = null;
  private service: RunService | null = null;
  private changer: RevisionChanger | null = null;
  private auth: GoogleAuth | undefined;
  /** The URL called and the ID token audience, as inspect() found them. */
  private url = '';
  private audience = '';
  private readonly caller: GoogleCaller;
  private readonly change: JournaledChange<RevisionUndo, RevisionLocation>;

  constructor(
    private readonly target: CloudRunTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.name = runServiceName(target.project, target.region, target.service);
    this.subject = `cloud-run target ${target.name}`;
    this.change = new JournaledChange(ctx.journal);
    this.caller = new GoogleCaller({ ...target, kind: 'cloud-run' }, ctx);
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }


  /** Read-only: the credentials' kind, the service (readiness, traffic, scaling, audiences). */
  async inspect(): Promise<Inspection<'cloud-run'>> {
    const updates = this.strategy === 'update-config';
    const auth = (this.auth ??= await createAuth());
    const where = { project: this.target.project, region: this.target.region };
    const changes = [...revisionChanges(this.strategy, this.target.cold?.samples ?? 0, this.name, COLD_START_ANNOTATION), ...commonChanges(this.target.cold)];
    // Credentials that cannot mint an accepted ID token stop the target before any API call.
    const problems: Problem[] = this.target.auth === 'id-token' ? credentialProblems(await credentialKind(auth), this.subject) : [];
    if (problems.some((p) => p.severity === 'error')) return { facts: this.describe(), problems, changes, where, dataPlane: this.target.url ?? null };
    this.client ??= await createServicesClient(auth, this.target.apiEndpoint);
    // What this run needs, asked before anything else: a missing permission stops it here.
    const permissions = await checkServicePermissions(this.client, this.name, serviceNeeds(runShape(this.target)));
    problems.push(...permissionProblems(this.subject, [permissions]));
    if (problems.some((p) => p.severity === 'error')) return { facts: this.describe(), problems, changes, where, dataPlane: this.target.url ?? null };
    try {
      this.ctx.log(`reading ${this.name}`);
      [this.service] = await this.client.getService({ name: this.name });
    } catch (err) {
      if (updates || !this.target.url) throw googleFailure('cloud-run', this.target.name, `reading service ${this.name}`, err);
      this.ctx.log(`cannot read ${this.name} (${reasonOf(err)}); going on with the given url`);
    }
    const service = this.service;
    const url = this.target.url ?? service?.uri ?? '';
    if (!url) throw new TargetFailure(`${this.subject}: service ${this.name} has no uri (is it deployed?); set url`);
    const checked: CheckedTarget = { subject: this.subject, strategy: this.strategy, auth: this.target.auth, uptimeHeader: this.target.cold?.instanceUptimeHeader !== undefined };
    // The service's own URL is always an accepted audience, whatever URL the calls go to.
    this.audience = idTokenAudience(service?.uri || url);
    problems.push(...(service ? serviceProblems(service, checked) : []), ...audienceProblems(this.audience, service, checked));
    problems.push(...(await publicUrlProblems(this.client, this.name, service, this.target.auth, [permissions], this.subject)));
    this.url = url;
    return { facts: { ...this.describe(), url }, problems, changes, where, dataPlane: url };
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
    const { auth, service } = this;
    if (!auth) throw new TargetFailure(`${this.subject}: inspect() made no credentials`);
    await this.caller.setUp(auth, this.url, this.audience);
    if (this.strategy === 'update-config' && service && this.client) {
      this.changer = new RevisionChanger({
        kind: 'cloud-run',
        target: this.target.name,
        client: this.client,
        service,
        location: { apiEndpoint: this.target.apiEndpoint ?? null, project: this.target.project, region: this.target.region, service: this.name },
        change: this.change,
        wait: () => revisionWait(this.target.cold, this.ctx),
        log: this.ctx.log,
      });
    }
  }

  async forceCold(seq: number): Promise<ColdPreparation> {
    const common = await forceColdCommon(this.target.cold, this.ctx);
    if (common) return common;
    if (this.strategy !== 'update-config') throw new TargetFailure(`${this.subject}: cold strategy ${this.strategy} is not supported`);
    if (!this.changer) throw new TargetFailure(`${this.subject}: prepare() did not read the service`);
    const start = nowUs();
    this.service = await this.changer.force(seq);
    // cold.idle: let the instance the deployment started go away before the sample.
    if (this.target.cold?.idleMs) await idleWait(this.target.cold.idleMs, this.ctx);
    return { controlPlaneUs: usSince(start), note: `revision ${this.changer.revision ?? '?'}` };
  }

  sampleCold(_seq?: number): Promise<Invocation> {
    return this.caller.sampleCold(this.revision);
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return this.caller.invoke(options);
  }

  warmLoad() {
    return this.caller.warmLoad();
  }

  private get revision(): string | null {
    return this.changer?.revision ?? shortRevision(this.service?.latestReadyRevision);
  }

  /** Put the service's original template back (idempotent; works after Ctrl-C). */
  async restore(): Promise<void> {
    await this.changer?.restore();
  }

  describe(): CloudRunFacts {
    const template = this.service?.template;
    const container = template?.containers?.[0];
    const limits = container?.resources?.limits ?? {};
    const memory = memoryBytes(limits.memory);
    const cpu = parseQuantity(limits.cpu);
    const timeout = Number(template?.timeout?.seconds ?? NaN);
    return {
      kind: 'cloud-run',
      service: this.name,
      url: this.caller.url || null,
      auth: this.target.auth,
      revision: this.revision,
      ready: this.service ? conditionState(this.service.terminalCondition?.state) : null,
      availableMemory: limits.memory ?? null,
      memoryMb: memory === null ? null : bytesToMegabytes(memory),
      availableCpu: limits.cpu ?? null,
      cpu: cpu !== null && cpu > 0 ? cpu : null,
      cpuIdle: container?.resources ? container.resources.cpuIdle === true : null,
      startupCpuBoost: container?.resources ? container.resources.startupCpuBoost === true : null,
      timeoutSeconds: Number.isFinite(timeout) ? timeout : null,
      minInstanceCount: Number(template?.scaling?.minInstanceCount ?? 0),
      maxInstanceCount: template?.scaling?.maxInstanceCount ?? null,
      maxInstanceRequestConcurrency: template?.maxInstanceRequestConcurrency ?? null,
    };
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}

/** `coldbench restore`: remove our annotation from the service's template, original name back. */
export const cloudRunJournal = journalUndo(revisionChangeSchema, async (record, entry) => {
  const client = await createServicesClient(await createAuth(), record.location.apiEndpoint ?? undefined);
  try {
    await restoreRevisionChange('cloud-run', entry.target, client, record);
  } finally {
    await client.close().catch(() => undefined);
  }
});

export const cloudRunModule: AdapterModule<'cloud-run'> = {
  create: async (target, ctx) => new CloudRunAdapter(target, ctx),
  journal: cloudRunJournal,
};
