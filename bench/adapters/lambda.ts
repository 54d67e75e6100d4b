// kind: lambda. Invokes through @aws-sdk/client-lambda (maxAttempts 1 for measured calls: a throttle
// is a counted error, never a retry hidden in a latency). Cold strategies:
//   update-config (default): add a nonce environment variable (keeping every existing one), wait for
//     the update, invoke with LogType Tail; the REPORT line's Init/Restore Duration verifies the sample.
//   idle / none: shared strategies, for natural cold starts.
// The original environment is restored at the end, on error and on Ctrl-C; the journal entry holds
// only the nonce key (never the function's own variables, which may be secrets).
import { InvokeCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { API_CALL_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS, LAMBDA_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { JournaledChange } from '../control/journaled-change.js';
import { messageOf, TargetFailure } from '../errors.js';
import type { LambdaFacts } from '../results/platform-facts.js';
import { createLambdaClient, describeSdkError } from './lambda-client.js';
import { readConfiguration, waitUntilUpdated, writeEnvironment, type ControlWait } from './lambda-control.js';
import { invokeFunction } from './lambda-invoke.js';
import { lambdaJournal, type LambdaLocation, type LambdaUndo } from './lambda-journal.js';
import { loadPayload, resolveFunction, type ResolvedFunction } from './lambda-target.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, Invocation, InvokeOptions, WarmLoad } from './types.js';

export { loadPayload, resolveFunction, type ResolvedFunction } from './lambda-target.js';
export { errorKindForLambda } from './lambda-invoke.js';

/** The environment variable whose new value forces new execution environments. */
export const NONCE_KEY = 'COLDBENCH_NONCE';

export class LambdaAdapter implements Adapter<'lambda'> {
  readonly kind = 'lambda';
  private readonly fn: ResolvedFunction;
  private readonly data: LambdaClient;
  private readonly control: LambdaClient;
  private payload: Uint8Array = Buffer.from('{}');
  private config: FunctionConfiguration | undefined;
  /** Environment map as found in prepare(); what restore() writes back. */
  private original: Record<string, string> | undefined;
  private readonly change: JournaledChange<LambdaUndo, LambdaLocation>;

  constructor(
    private readonly target: LambdaTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.fn = resolveFunction(target);
    const common = { region: target.region, endpoint: target.endpoint };
    this.data = createLambdaClient({ ...common, maxAttempts: 1, timeoutMs: target.timeoutMs, maxSockets: target.warm?.connections });
    // The control plane may retry throttles itself: its time is never part of a sample.
    this.control = createLambdaClient({ ...common, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
    this.change = new JournaledChange(ctx.journal);
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
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

  async prepare(): Promise<void> {
    this.payload = await loadPayload(this.target.payload, this.ctx.baseDir, this.target.name);
    let config: FunctionConfiguration;
    try {
      config = await readConfiguration(this.control, this.fn.functionName, this.fn.qualifier, this.ctx.signal);
    } catch (err) {
      const e = describeSdkError(err);
      const what = e.name === 'ResourceNotFoundException' ? 'not found' : 'cannot be read';
      throw new TargetFailure(`${this.label} ${what} in ${this.target.region} (${e.name}: ${e.message})`);
    }
    if (this.strategy === 'update-config') {
      // An update changes $LATEST only: a qualifier bound to a published version would never go cold.
      if (config.Version !== undefined && config.Version !== '$LATEST') {
        throw new TargetFailure(`${this.label}: qualifier resolves to version ${config.Version}, but update-config changes only $LATEST; use qualifier $LATEST or cold.strategy idle`);
      }
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
    // DryRun checks the invoke permission without running the function, and opens the keep-alive
    // connection and warms the SDK's code paths so the first cold sample pays for neither.
    try {
      await this.data.send(new InvokeCommand({ FunctionName: this.fn.functionName, Qualifier: this.fn.qualifier, InvocationType: 'DryRun' }), { abortSignal: this.ctx.signal });
    } catch (err) {
      const e = describeSdkError(err);
      throw new TargetFailure(`${this.label} cannot be invoked (${e.name}: ${e.message})`);
    }
    this.ctx.log(`${this.label}: ${config.MemorySize ?? '?'} MB, ${config.Architectures?.[0] ?? 'x86_64'}, cold strategy ${this.strategy}`);
  }

  async forceCold(seq: number): Promise<ColdPreparation> {
    if (this.strategy !== 'update-config') return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    if (!this.original) throw new TargetFailure(`${this.label}: forceCold before prepare`);
    const nonce = `${Date.now().toString(36)}-${seq}-${Math.random().toString(36).slice(2, 8)}`;
    this.change.begin({
      id: `lambda:${this.target.name}:environment`,
      kind: 'lambda',
      target: this.target.name,
      undo: { key: NONCE_KEY, originalValue: this.original[NONCE_KEY] ?? null },
      location: { region: this.target.region, endpoint: this.target.endpoint ?? null, function: this.fn.functionName },
    });
    const start = nowUs();
    this.ctx.log(`${this.label}: setting ${NONCE_KEY}=${nonce} and waiting for the update`);
    await writeEnvironment(this.control, this.fn.functionName, { ...this.original, [NONCE_KEY]: nonce }, this.controlWait(this.ctx.signal));
    return { controlPlaneUs: usSince(start), note: `${NONCE_KEY}=${nonce}` };
  }

  sampleCold(_seq: number): Promise<Invocation> {
    return this.call(true);
  }

  /** Safe to call concurrently: one shared client, no per-call state. Warm calls ask for the log
   *  tail only with observeCold (its Init Duration counts a cold start inside the warm phase). */
  invoke(options: InvokeOptions): Promise<Invocation> {
    return this.call(options.observeCold === true);
  }

  private call(tail: boolean): Promise<Invocation> {
    return invokeFunction({ client: this.data, fn: this.fn, payload: this.payload, tail, memorySizeMb: this.config?.MemorySize ?? null, signal: this.ctx.signal });
  }

  warmLoad(): WarmLoad {
    if (this.target.url) {
      return { type: 'http', request: { url: this.target.url, method: this.target.method, headers: this.target.headers, body: this.target.body } };
    }
    return { type: 'invoke' };
  }

  /** The network baseline's host: the Function URL's when warm load goes there, else the Invoke
   *  API endpoint's (the endpoint override, or Lambda's regional endpoint). */
  dataPlaneUrl(): string {
    if (this.target.url) return this.target.url;
    if (this.target.endpoint) return this.target.endpoint;
    return `https://lambda.${this.target.region}.amazonaws.com${this.target.region.startsWith('cn-') ? '.cn' : ''}/`;
  }

  /** Write the original environment back (idempotent, once even when called concurrently; works
   *  after an abort: it ignores ctx.signal). */
  restore(): Promise<void> {
    return this.change.restore(async () => {
      const original = this.original;
      if (!original) return;
      this.ctx.log(`${this.label}: restoring the original environment`);
      try {
        await writeEnvironment(this.control, this.fn.functionName, original, this.controlWait(undefined, MIN_RESTORE_WAIT_MS));
      } catch (err) {
        throw new TargetFailure(`${this.label}: could not restore the original environment (${messageOf(err)}); run \`coldbench restore <report-dir>\``);
      }
    });
  }

  describe(): LambdaFacts {
    const c = this.config;
    return {
      kind: 'lambda',
      function: c?.FunctionName ?? this.fn.ref.name,
      functionArn: c?.FunctionArn ?? null,
      version: c?.Version ?? null,
      qualifier: this.fn.qualifier ?? null,
      runtime: c?.Runtime ?? null,
      memorySizeMb: c?.MemorySize ?? null,
      architecture: c?.Architectures?.[0] ?? this.target.architecture ?? 'x86_64',
      timeoutS: c?.Timeout ?? null,
      packageType: c?.PackageType ?? null,
      snapStart: c?.SnapStart?.ApplyOn ?? null,
      coldStrategy: this.strategy,
      // Cold samples reuse the warm keep-alive connection to the API: the connection is to Lambda's
      // front end, not to the execution environment, so a new TLS handshake would not be cold start.
      apiConnection: 'keep-alive',
    };
  }

  async close(): Promise<void> {
    this.data.destroy();
    this.control.destroy();
  }
}

export const lambdaModule: AdapterModule<'lambda'> = {
  create: async (target, ctx) => new LambdaAdapter(target, ctx),
  journal: lambdaJournal,
};

/** `coldbench restore` of one journal entry of this kind (checked against its record shape first). */
export const restoreFromJournal = lambdaJournal.restore;
