// kind: lambda. Invokes through @aws-sdk/client-lambda (maxAttempts 1 for measured calls: a throttle
// is a counted error, never a retry hidden in a latency). Cold strategies:
//   update-config (default): add a nonce environment variable (keeping every existing one), wait for
//     the update, invoke $LATEST with LogType Tail; Init Duration verifies the sample.
//   publish-version: the same nonce change, then PublishVersion, wait until the version is Active
//     (SnapStart: snapshot taken), invoke that version; Init or Restore Duration verifies the sample.
//   idle / none: shared strategies, for natural cold starts.
// Before any change inspect() (read-only; also `plan`) reads the configuration and the function URL, and prepare() enforces the
// findings of lambda-checks.ts. The environment is restored and every published version deleted at
// the end, on error and on Ctrl-C. Each cold sample goes over a new connection to the API (timed
// DNS / TCP / TLS / first byte); warm calls keep their connections.
import { InvokeCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { API_CALL_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS, LAMBDA_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { JournaledChange } from '../control/journaled-change.js';
import { messageOf, TargetFailure } from '../errors.js';
import type { LambdaFacts } from '../results/platform-facts.js';
import { lambdaChanges, lambdaProblems } from './lambda-checks.js';
import { createLambdaClient, describeSdkError } from './lambda-client.js';
import { ConnectionObserver, observedAgents } from './lambda-cold-client.js';
import { readConcurrency, readConfiguration, waitUntilUpdated, writeEnvironment, type ControlWait } from './lambda-control.js';
import { invokeFunction } from './lambda-invoke.js';
import { lambdaJournal, type LambdaEnvironmentUndo, type LambdaLocation } from './lambda-journal.js';
import { VersionPublisher } from './lambda-publish.js';
import { createUrlSigner, credentialsProblem, SIGNATURE_REFRESH_MS, urlCredentials, type UrlSigner } from './lambda-signer.js';
import { loadPayload, resolveFunction, type ResolvedFunction } from './lambda-target.js';
import { LATEST, readFunctionUrl, type UrlReading } from './lambda-url.js';
import { enforceProblems, problemError } from './problems.js';
import { commonChanges, forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, Inspection, Invocation, InvokeOptions, WarmLoad } from './types.js';

export { loadPayload, resolveFunction, type ResolvedFunction } from './lambda-target.js';
export { errorKindForLambda } from './lambda-invoke.js';

/** The environment variable whose new value forces new execution environments. */
export const NONCE_KEY = 'COLDBENCH_NONCE';

export class LambdaAdapter implements Adapter<'lambda'> {
  readonly kind = 'lambda';
  private readonly fn: ResolvedFunction;
  /** Warm calls: keep-alive connections. */
  private readonly data: LambdaClient;
  /** Cold samples: a new, observed connection per call. */
  private readonly cold: LambdaClient;
  private readonly observer = new ConnectionObserver();
  private readonly control: LambdaClient;
  private payload: Uint8Array = Buffer.from('{}');
  private config: FunctionConfiguration | undefined;
  private url: UrlReading = { kind: 'none' };
  private signer: UrlSigner | undefined;
  /** Environment map as found in prepare(); what restore() writes back. */
  private original: Record<string, string> | undefined;
  private readonly change: JournaledChange<LambdaEnvironmentUndo, LambdaLocation>;
  private readonly publisher: VersionPublisher;
  /** publish-version: the version published for the latest sample (what is invoked from then on). */
  private published: string | undefined;

  constructor(
    private readonly target: LambdaTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.fn = resolveFunction(target);
    const common = { region: target.region, endpoint: target.endpoint };
    this.data = createLambdaClient({ ...common, maxAttempts: 1, timeoutMs: target.timeoutMs, maxSockets: target.warm?.connections });
    this.cold = createLambdaClient({ ...common, maxAttempts: 1, timeoutMs: target.timeoutMs, agents: observedAgents(this.observer) });
    // The control plane may retry throttles itself: its time is never part of a sample.
    this.control = createLambdaClient({ ...common, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
    this.change = new JournaledChange(ctx.journal);
    this.publisher = new VersionPublisher(this.control, target.name, this.location, ctx.journal);
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }

  private get location(): LambdaLocation {
    return { region: this.target.region, endpoint: this.target.endpoint ?? null, function: this.fn.functionName };
  }

  private get label() {
    return `lambda function ${this.fn.functionName}${this.fn.qualifier ? `:${this.fn.qualifier}` : ''} (target ${this.target.name})`;
  }

  private controlWait(signal: AbortSignal | undefined, minimumMs = 0): ControlWait {
    return {
      timeoutMs: Math.max(this.target.cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, minimumMs),
      pollIntervalMs: this.target.cold?.pollIntervalMs || LAMBDA_POLL_MS,
      signal,
      log: this.ctx.log,
      label: this.label,
    };
  }

  /** Read-only: the configuration, the function URL, credentials for a signed URL, reserved
   *  concurrency, and a DryRun invoke (checks the permission without running the function; it also
   *  opens the keep-alive connection so the first cold sample pays for neither). */
  async inspect(): Promise<Inspection<'lambda'>> {
    this.payload = await loadPayload(this.target.payload, this.ctx.baseDir, this.target.name);
    let config: FunctionConfiguration;
    try {
      config = await readConfiguration(this.control, this.fn.functionName, this.fn.qualifier, this.ctx.signal);
    } catch (err) {
      const e = describeSdkError(err);
      if (e.name === 'CredentialsProviderError') {
        throw new TargetFailure(`${this.label} cannot be read: no AWS credentials were found (${e.message}); configure credentials (environment, profile, SSO, instance role)`);
      }
      const what = e.name === 'ResourceNotFoundException' ? 'not found' : 'cannot be read';
      throw new TargetFailure(`${this.label} ${what} in ${this.target.region} (${e.name}: ${e.message})`);
    }
    this.config = config;
    this.url = await readFunctionUrl(this.control, this.fn, this.target.url, this.ctx.signal);
    let credentialsError: string | null = null;
    if (this.url.kind === 'found' && this.url.info.authType === 'AWS_IAM') {
      const credentials = urlCredentials(this.target.endpoint, this.url.url);
      credentialsError = await credentialsProblem(credentials);
      this.signer = createUrlSigner(this.target.region, credentials);
    }
    const qualifier = this.fn.qualifier;
    const { reservedConcurrency, provisionedConcurrency } = await readConcurrency(this.control, this.fn.functionName, qualifier, this.ctx.signal);
    const plan = { label: this.label, strategy: this.strategy, qualifier: qualifier ?? LATEST, coldSamples: (this.target.cold?.samples ?? 0) > 0 };
    const problems = lambdaProblems({ config, url: this.url, credentialsError, reservedConcurrency, provisionedConcurrency }, plan);
    try {
      await this.data.send(new InvokeCommand({ FunctionName: this.fn.functionName, Qualifier: this.fn.qualifier, InvocationType: 'DryRun' }), { abortSignal: this.ctx.signal });
    } catch (err) {
      const e = describeSdkError(err);
      problems.push(problemError(`${this.label} cannot be invoked (${e.name}: ${e.message})`));
    }
    const account = /^arn:[^:]+:lambda:[^:]*:(\d+):/.exec(config.FunctionArn ?? '')?.[1];
    return {
      facts: this.describe(),
      details: {
        logFormat: config.LoggingConfig?.LogFormat ?? 'Text',
        systemLogLevel: config.LoggingConfig?.SystemLogLevel ?? null,
        reservedConcurrency,
        provisionedConcurrency,
        state: config.State ?? null,
      },
      problems,
      changes: [...lambdaChanges({ ...plan, samples: this.target.cold?.samples ?? 0, nonceKey: NONCE_KEY }), ...commonChanges(this.target.cold)],
      where: { region: this.target.region, ...(account ? { account } : {}) },
      dataPlane: this.dataPlaneUrl(),
    };
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
    let config = this.config;
    if (!config) throw new TargetFailure(`${this.label}: inspect() read no configuration`);
    if (this.strategy === 'update-config' || this.strategy === 'publish-version') {
      if (config.LastUpdateStatus === 'InProgress') {
        this.ctx.log(`${this.label}: waiting for an update already in progress before reading the original configuration`);
        config = await waitUntilUpdated(this.control, this.fn.functionName, this.controlWait(this.ctx.signal));
      }
      this.original = { ...(config.Environment?.Variables ?? {}) };
      if (Object.hasOwn(this.original, NONCE_KEY)) {
        this.ctx.log(`${this.label} already has ${NONCE_KEY} (left by an unrestored run? see \`coldbench restore\`); it is kept and restored as found`);
      }
    }
    this.config = config;
    this.ctx.log(`${this.label}: ${config.MemorySize ?? '?'} MB, ${config.Architectures?.[0] ?? 'x86_64'}, cold strategy ${this.strategy}`);
  }

  async forceCold(seq: number): Promise<ColdPreparation> {
    if (this.strategy !== 'update-config' && this.strategy !== 'publish-version') return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    if (!this.original) throw new TargetFailure(`${this.label}: forceCold before prepare`);
    const nonce = `${Date.now().toString(36)}-${seq}-${Math.random().toString(36).slice(2, 8)}`;
    this.change.begin({
      id: `lambda:${this.target.name}:environment`,
      kind: 'lambda',
      target: this.target.name,
      undo: { key: NONCE_KEY, originalValue: this.original[NONCE_KEY] ?? null },
      location: this.location,
    });
    const start = nowUs();
    const wait = this.controlWait(this.ctx.signal);
    this.ctx.log(`${this.label}: setting ${NONCE_KEY}=${nonce} and waiting for the update`);
    const updated = await writeEnvironment(this.control, this.fn.functionName, { ...this.original, [NONCE_KEY]: nonce }, wait);
    if (this.strategy === 'update-config') return { controlPlaneUs: usSince(start), note: `${NONCE_KEY}=${nonce}` };
    this.ctx.log(`${this.label}: publishing a version and waiting until it is Active`);
    const version = await this.publisher.publish(updated.RevisionId, wait);
    this.published = version.Version;
    return { controlPlaneUs: usSince(start), note: `${NONCE_KEY}=${nonce}, version ${version.Version}` };
  }

  sampleCold(_seq: number): Promise<Invocation> {
    return this.call(true, true);
  }

  /** Safe to call concurrently for warm calls (one shared keep-alive client, no per-call state);
   *  `fresh` calls take a new connection, as cold samples do, one at a time. Warm calls ask for the
   *  log tail only with observeCold (its Init Duration counts a cold start inside the warm phase). */
  invoke(options: InvokeOptions): Promise<Invocation> {
    return this.call(options.observeCold === true, options.fresh);
  }

  private call(tail: boolean, fresh: boolean): Promise<Invocation> {
    return invokeFunction({
      client: fresh ? this.cold : this.data,
      ...(fresh ? { observer: this.observer } : {}),
      fn: this.fn,
      ...(this.published ? { qualifier: this.published } : {}),
      payload: this.payload,
      tail,
      memorySizeMb: this.config?.MemorySize ?? null,
      signal: this.ctx.signal,
    });
  }

  warmLoad(): WarmLoad {
    const read = this.url;
    const url = read.kind === 'found' || read.kind === 'unmatched' || read.kind === 'unreadable' ? read.url : this.target.url !== 'auto' ? this.target.url : undefined;
    if (url === undefined) return { type: 'invoke' };
    const request = { url, method: this.target.method, headers: this.target.headers, ...(this.target.body !== undefined ? { body: this.target.body } : {}) };
    const signer = this.signer;
    if (!signer) return { type: 'http', request };
    // Signed before the clock starts and re-signed well inside SigV4's validity (lambda-signer.ts).
    return { type: 'http', request: { ...request, refreshHeaders: () => signer.sign(request), refreshEveryMs: SIGNATURE_REFRESH_MS } };
  }

  /** The network baseline's host: the Function URL's when warm load goes there, else the Invoke
   *  API endpoint's (the endpoint override, or Lambda's regional endpoint). */
  dataPlaneUrl(): string {
    const load = this.warmLoad();
    if (load.type === 'http') return load.request.url;
    if (this.target.endpoint) return this.target.endpoint;
    return `https://lambda.${this.target.region}.amazonaws.com${this.target.region.startsWith('cn-') ? '.cn' : ''}/`;
  }

  /** Delete the versions published and write the original environment back (idempotent, once even
   *  when called concurrently; works after an abort: it ignores ctx.signal). */
  async restore(): Promise<void> {
    const wait = this.controlWait(undefined, MIN_RESTORE_WAIT_MS);
    const failures: string[] = [];
    await this.publisher.restore(wait).catch((err: unknown) => failures.push(`could not delete the versions it published (${messageOf(err)})`));
    await this.change
      .restore(async () => {
        const original = this.original;
        if (!original) return;
        this.ctx.log(`${this.label}: restoring the original environment`);
        await writeEnvironment(this.control, this.fn.functionName, original, wait);
      })
      .catch((err: unknown) => failures.push(`could not restore the original environment (${messageOf(err)})`));
    if (failures.length > 0) throw new TargetFailure(`${this.label}: ${failures.join('; ')}; run \`coldbench restore <report-dir>\``);
  }

  describe(): LambdaFacts {
    const c = this.config;
    // What applies to what is invoked: $LATEST never runs SnapStart; publish-version invokes versions
    // published with the function's ApplyOn setting.
    const snapStart = this.strategy === 'publish-version' ? (c?.SnapStart?.ApplyOn === 'PublishedVersions' ? 'On' : c ? 'Off' : null) : (c?.SnapStart?.OptimizationStatus ?? null);
    return {
      kind: 'lambda',
      function: c?.FunctionName ?? this.fn.ref.name,
      functionArn: c?.FunctionArn ?? null,
      version: this.strategy === 'publish-version' ? 'published per sample' : (c?.Version ?? null),
      qualifier: this.fn.qualifier ?? null,
      runtime: c?.Runtime ?? null,
      memorySizeMb: c?.MemorySize ?? null,
      architecture: c?.Architectures?.[0] ?? this.target.architecture ?? 'x86_64',
      timeoutS: c?.Timeout ?? null,
      packageType: c?.PackageType ?? null,
      snapStart,
      coldStrategy: this.strategy,
      urlAuthType: this.url.kind === 'found' ? this.url.info.authType : null,
    };
  }

  async close(): Promise<void> {
    this.data.destroy();
    this.cold.destroy();
    this.control.destroy();
  }
}

export const lambdaModule: AdapterModule<'lambda'> = {
  create: async (target, ctx) => new LambdaAdapter(target, ctx),
  journal: lambdaJournal,
};

/** `coldbench restore` of one journal entry of this kind (checked against its record shape first). */
export const restoreFromJournal = lambdaJournal.restore;
