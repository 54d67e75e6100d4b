// kind: cloud-function: Google Cloud Functions (2nd gen), read through the Functions v2 API. A v2
// function runs as a Cloud Run service (serviceConfig.service), and that is where cold starts are
// forced: a Functions-API update would run a Cloud Build every time (minutes per sample, an image
// per sample, and another build to restore), so update-config deploys a new revision of the
// service through the Cloud Run Admin API instead (cloud-run-revisions.ts): same image, no build.
// - inspect (read-only; prepare starts with it, `plan` shows it): read the function (URL, state, trigger) and, for update-config, its service; check
//   everything up front (google-problems.ts); fetch an ID token for the service URL's origin.
// - Cold verification: after a new revision only the instance's uptime proves a cold start
//   (google-http.ts). Warm load is plain HTTP with the Authorization header, refreshed before expiry.
import type { GoogleAuth } from 'google-auth-library';
import type { CloudFunctionTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import type { CloudFunctionFacts } from '../results/platform-facts.js';
import { bytesToMegabytes, defaultCpuFor, memoryBytes, parseQuantity } from '../quantity.js';
import { createAuth, createFunctionsClient, functionName, stateName, type FunctionServiceClient, type GcfFunction } from './cloud-function-client.js';
import { cloudFunctionJournal } from './cloud-function-journal.js';
import { createServicesClient, runServiceName, type RunService, type ServicesClient } from './cloud-run-client.js';
import { COLD_START_ANNOTATION, RevisionChanger, revisionWait, type RevisionLocation, type RevisionUndo } from './cloud-run-revisions.js';
import { credentialKind, credentialProblems, idTokenAudience } from './google-auth.js';
import { googleFailure, reasonOf } from './google-errors.js';
import { GoogleCaller } from './google-http.js';
import { checkFunctionPermissions, checkServicePermissions, publicUrlProblems } from './google-iam.js';
import { functionNeeds, missingNeeds, permissionProblems, runShape, serviceNeeds } from './google-permissions.js';
import { audienceProblems, functionProblems, revisionChanges, serviceProblems, type CheckedTarget } from './google-problems.js';
import { enforceProblems, type Problem } from './problems.js';
import { commonChanges, forceColdCommon, idleWait } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, Inspection, Invocation } from './types.js';

export { COLD_START_ANNOTATION } from './cloud-run-revisions.js';

const isError = (p: Problem) => p.severity === 'error';

/** '256M' -> 256, '1Gi' -> 1073.742 (megabytes, as Google prices memory). */
export function memoryMegabytes(value: string | null | undefined): number | null {
  const bytes = memoryBytes(value);
  return bytes === null ? null : bytesToMegabytes(bytes);
}

export class CloudFunctionAdapter implements Adapter<'cloud-function'> {
  readonly kind = 'cloud-function';
  private readonly name: string;
  private readonly subject: string;
  private functions: FunctionServiceClient | null = null;
  private services: ServicesClient | null = null;
  private fn: GcfFunction | null = null;
  private changer: RevisionChanger | null = null;
  private auth: GoogleAuth | undefined;
  /** The function's Cloud Run service (update-config only). */
  private service: RunService | null = null;
  /** The URL called and the ID token audience, as inspect() found them. */
  private url = '';
  private audience = '';
  private readonly caller: GoogleCaller;
  private readonly change: JournaledChange<RevisionUndo, RevisionLocation>;

  constructor(
    private readonly target: CloudFunctionTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.name = functionName(target.project, target.region, target.function);
    this.subject = `cloud-function target ${target.name}`;
    this.change = new JournaledChange(ctx.journal);
    this.caller = new GoogleCaller({ ...target, kind: 'cloud-function' }, ctx);
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }


  /** Read-only: the credentials' kind, the function and, for update-config, its Cloud Run service. */
  async inspect(): Promise<Inspection<'cloud-function'>> {
    const updates = this.strategy === 'update-config';
    const auth = (this.auth ??= await createAuth());
    const where = { project: this.target.project, region: this.target.region };
    const changes = (service: string) => [...revisionChanges(this.strategy, this.target.cold?.samples ?? 0, service, COLD_START_ANNOTATION), ...commonChanges(this.target.cold)];
    const early = (problems: Problem[]) => ({ facts: this.describe(), problems, changes: changes(this.fn?.serviceConfig?.service ?? `of ${this.name}`), where, dataPlane: this.target.url ?? null });
    // Credentials that cannot mint an accepted ID token stop the target before any API call.
    const problems: Problem[] = this.target.auth === 'id-token' ? credentialProblems(await credentialKind(auth), this.subject) : [];
    if (problems.some(isError)) return early(problems);
    this.functions ??= await createFunctionsClient(auth, this.target.apiEndpoint);
    this.services ??= await createServicesClient(auth, this.target.apiEndpoint);
    // What this run needs, asked first: a missing permission stops the target before any change.
    const shape = runShape(this.target);
    const fnPermissions = await checkFunctionPermissions(auth, this.target.apiEndpoint, this.name, functionNeeds(shape));
    try {
      // Not without cloudfunctions.functions.get: the permission finding says so, not a 403.
      if (missingNeeds(fnPermissions).length === 0) {
        this.ctx.log(`reading ${this.name}`);
        [this.fn] = await this.functions.getFunction({ name: this.name });
      }
    } catch (err) {
      if (updates || !this.target.url) throw googleFailure('cloud-function', this.target.name, `reading function ${this.name}`, err);
      // A given URL and no config changes: the benchmark can run without API access.
      this.ctx.log(`cannot read ${this.name} (${reasonOf(err)}); going on with the given url`);
    }
    const fn = this.fn;
    // A 2nd gen function's service has the function's name unless the function says otherwise.
    const serviceName = fn?.serviceConfig?.service || runServiceName(this.target.project, this.target.region, this.target.function);
    const permissions = [fnPermissions, await checkServicePermissions(this.services, serviceName, serviceNeeds(shape))];
    problems.push(...permissionProblems(this.subject, permissions));
    if (problems.some(isError)) return early(problems);
    const checked: CheckedTarget = { subject: this.subject, strategy: this.strategy, auth: this.target.auth, uptimeHeader: this.target.cold?.instanceUptimeHeader !== undefined };
    problems.push(...(fn ? functionProblems(fn, { ...checked, url: this.target.url }) : []));
    if (problems.some(isError)) return early(problems);

    if (updates) {
      try {
        [this.service] = await this.services.getService({ name: serviceName });
      } catch (err) {
        throw googleFailure('cloud-function', this.target.name, `reading the Cloud Run service ${serviceName} of ${this.name}`, err);
      }
      problems.push(...serviceProblems(this.service, checked));
    }
    const service = this.service;
    const url = this.target.url ?? fn?.serviceConfig?.uri ?? fn?.url ?? '';
    if (!url) throw new TargetFailure(`${this.subject}: no URL to call; set url`);
    // The service's own URL is always an accepted audience, whatever URL the calls go to.
    this.audience = idTokenAudience(service?.uri || fn?.serviceConfig?.uri || url);
    const known: RunService | null = service ?? (fn ? { name: this.name, uri: fn.serviceConfig?.uri ?? null, urls: fn.url ? [fn.url] : [] } : null);
    problems.push(...audienceProblems(this.audience, known, checked), ...(await publicUrlProblems(this.services, serviceName, service, this.target.auth, permissions, this.subject)));
    this.url = url;
    return { facts: { ...this.describe(), url }, problems, changes: changes(serviceName), where, dataPlane: url };
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
    const { auth, service } = this;
    if (!auth) throw new TargetFailure(`${this.subject}: inspect() made no credentials`);
    await this.caller.setUp(auth, this.url, this.audience);
    if (service && this.services) {
      this.changer = new RevisionChanger({
        kind: 'cloud-function',
        target: this.target.name,
        client: this.services,
        service,
        location: { apiEndpoint: this.target.apiEndpoint ?? null, project: this.target.project, region: this.target.region, function: this.target.function, service: this.fn?.serviceConfig?.service ?? '' },
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
    if (!this.changer) throw new TargetFailure(`${this.subject}: prepare() did not read the function's service`);
    const start = nowUs();
    await this.changer.force(seq);
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
    return this.changer?.revision ?? this.fn?.serviceConfig?.revision ?? null;
  }

  /** Put the service's original template back (idempotent; works after Ctrl-C). */
  async restore(): Promise<void> {
    await this.changer?.restore();
  }

  describe(): CloudFunctionFacts {
    const service = this.fn?.serviceConfig;
    const memory = memoryBytes(service?.availableMemory);
    const cpu = parseQuantity(service?.availableCpu);
    return {
      kind: 'cloud-function',
      function: this.name,
      url: this.caller.url || null,
      auth: this.target.auth,
      revision: this.revision,
      state: this.fn ? stateName(this.fn.state) : null,
      runtime: this.fn?.buildConfig?.runtime ?? null,
      availableMemory: service?.availableMemory ?? null,
      memoryMb: memory === null ? null : bytesToMegabytes(memory),
      availableCpu: service?.availableCpu ?? null,
      cpu: cpu !== null && cpu > 0 ? cpu : memory === null ? null : defaultCpuFor(memory),
      timeoutSeconds: service?.timeoutSeconds ?? null,
      minInstanceCount: service?.minInstanceCount ?? 0,
      maxInstanceCount: service?.maxInstanceCount ?? null,
      maxInstanceRequestConcurrency: service?.maxInstanceRequestConcurrency ?? null,
    };
  }

  async close(): Promise<void> {
    await this.functions?.close().catch(() => undefined);
    await this.services?.close().catch(() => undefined);
    this.functions = null;
    this.services = null;
  }
}

export const cloudFunctionModule: AdapterModule<'cloud-function'> = {
  create: async (target, ctx) => new CloudFunctionAdapter(target, ctx),
  journal: cloudFunctionJournal,
};

/** `coldbench restore` of one journal entry of this kind (checked against its record shape first). */
export const restoreFromJournal = cloudFunctionJournal.restore;
