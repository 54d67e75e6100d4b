// kind: lambda. Invokes through @aws-sdk/client-lambda (maxAttempts 1 for measured calls: a throttle
// is a counted error, never a retry hidden in a latency). Cold strategies:
//   update-config (default): add a nonce environment variable (keeping every existing one), wait for
//     the update, invoke with LogType Tail; the REPORT line's Init/Restore Duration verifies the sample.
//   idle / none: shared strategies, for natural cold starts.
// The original environment is restored at the end, on error and on Ctrl-C; the journal entry holds
// only the nonce key (never the function's own variables, which may be secrets).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaTarget } from '../config/schema.js';
import { TargetFailure, errorKindForException, errorKindForStatus, type ErrorKind } from '../errors.js';
import type { JournalEntry } from '../journal.js';
import { createLambdaClient, describeSdkError } from './lambda-client.js';
import { readConfiguration, waitUntilUpdated, writeEnvironment, type ControlWait } from './lambda-control.js';
import { parseFunctionRef, unqualified, type FunctionRef } from './lambda-names.js';
import { decodeLogResult, isColdReport, parseReport } from './lambda-report.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterFactory, ColdPreparation, Invocation, WarmLoad } from './types.js';

/** The environment variable whose new value forces new execution environments. */
export const NONCE_KEY = 'COLDBENCH_NONCE';
/** Restoring must finish even when the run's own wait bound was short. */
const MIN_RESTORE_WAIT_MS = 60_000;
const DEFAULT_POLL_MS = 200;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ResolvedFunction {
  /** FunctionName for the API: the name or ARN as given, without its qualifier. */
  functionName: string;
  qualifier?: string;
  ref: FunctionRef;
}

/** Split `function` (name, name:qualifier, partial or full ARN) and `qualifier`; check the ARN's region. */
export function resolveFunction(target: Pick<LambdaTarget, 'name' | 'function' | 'qualifier' | 'region'>): ResolvedFunction {
  let ref: FunctionRef;
  try {
    ref = parseFunctionRef(target.function);
  } catch (err) {
    throw new TargetFailure(`target ${target.name}: function ${(err as Error).message}`);
  }
  if (ref.qualifier !== undefined && target.qualifier !== undefined && ref.qualifier !== target.qualifier) {
    throw new TargetFailure(`target ${target.name}: function ${JSON.stringify(target.function)} names qualifier ${ref.qualifier} but qualifier is ${target.qualifier}`);
  }
  if (ref.region !== undefined && ref.region !== target.region) {
    throw new TargetFailure(`target ${target.name}: function ARN is in region ${ref.region} but region is ${target.region}`);
  }
  const qualifier = target.qualifier ?? ref.qualifier;
  return { functionName: unqualified(target.function, ref), ...(qualifier !== undefined ? { qualifier } : {}), ref };
}

/** The Invoke payload: a JSON value, JSON text, or `@file.json` relative to the target file. */
export async function loadPayload(payload: unknown, baseDir: string, targetName: string): Promise<Uint8Array> {
  if (payload === undefined || payload === null) return Buffer.from('{}');
  if (typeof payload === 'string' && payload.startsWith('@')) {
    const file = path.resolve(baseDir, payload.slice(1));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new TargetFailure(`target ${targetName}: payload file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      JSON.parse(text);
    } catch (err) {
      throw new TargetFailure(`target ${targetName}: payload file ${file} is not valid JSON (${(err as Error).message})`);
    }
    return Buffer.from(text);
  }
  if (typeof payload === 'string') {
    try {
      JSON.parse(payload);
      return Buffer.from(payload); // already JSON text
    } catch {
      return Buffer.from(JSON.stringify(payload));
    }
  }
  return Buffer.from(JSON.stringify(payload));
}

/** Error kind of a failed Invoke: throttles apart, then by HTTP status, then network errors. */
export function errorKindForLambda(err: unknown): ErrorKind {
  const e = describeSdkError(err);
  if (e.name === 'TooManyRequestsException' || e.status === 429) return 'throttled';
  if (e.status !== undefined) return errorKindForStatus(e.status) ?? 'other';
  return errorKindForException(err);
}

export class LambdaAdapter implements Adapter {
  readonly kind = 'lambda';
  private readonly fn: ResolvedFunction;
  private readonly data: LambdaClient;
  private readonly control: LambdaClient;
  private payload: Uint8Array = Buffer.from('{}');
  private config: FunctionConfiguration | undefined;
  /** Environment map as found in prepare(); what restore() writes back. */
  private original: Record<string, string> | undefined;
  private changed = false;
  private restoring: Promise<void> | undefined;
  private readonly journalId: string;

  constructor(
    private readonly target: LambdaTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.fn = resolveFunction(target);
    const common = { region: target.region, endpoint: target.endpoint };
    this.data = createLambdaClient({ ...common, maxAttempts: 1, timeoutMs: target.timeoutMs, maxSockets: target.warm?.connections });
    // The control plane may retry throttles itself: its time is never part of a sample.
    this.control = createLambdaClient({ ...common, maxAttempts: 3, timeoutMs: 30_000 });
    this.journalId = `lambda:${target.name}:environment`;
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }

  private get label() {
    return `lambda function ${this.fn.functionName}${this.fn.qualifier ? `:${this.fn.qualifier}` : ''} (target ${this.target.name})`;
  }

  private controlWait(signal: AbortSignal | undefined, minimumMs = 0): ControlWait {
    return {
      timeoutMs: Math.max(this.target.cold?.waitTimeoutMs ?? 180_000, minimumMs),
      pollIntervalMs: this.target.cold?.pollIntervalMs || DEFAULT_POLL_MS,
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
    if (!this.changed) {
      // Write-ahead: recorded before the first change, so a killed run can still be undone.
      const entry: JournalEntry = {
        id: this.journalId,
        kind: 'lambda',
        target: this.target.name,
        undo: { key: NONCE_KEY, originalValue: this.original[NONCE_KEY] ?? null },
        location: { region: this.target.region, endpoint: this.target.endpoint ?? null, function: this.fn.functionName },
      };
      this.ctx.journal.begin(entry);
      this.changed = true;
    }
    const start = nowUs();
    this.ctx.log(`${this.label}: setting ${NONCE_KEY}=${nonce} and waiting for the update`);
    await writeEnvironment(this.control, this.fn.functionName, { ...this.original, [NONCE_KEY]: nonce }, this.controlWait(this.ctx.signal));
    return { controlPlaneUs: nowUs() - start, note: `${NONCE_KEY}=${nonce}` };
  }

  sampleCold(_seq: number): Promise<Invocation> {
    return this.call(true);
  }

  /** Safe to call concurrently: one shared client, no per-call state. Warm calls skip LogType Tail. */
  invoke(_options: { fresh: boolean }): Promise<Invocation> {
    return this.call(false);
  }

  private async call(tail: boolean): Promise<Invocation> {
    const command = new InvokeCommand({
      FunctionName: this.fn.functionName,
      Qualifier: this.fn.qualifier,
      Payload: this.payload,
      ...(tail ? { LogType: 'Tail' as const } : {}),
    });
    const startedAtMs = Date.now();
    const start = process.hrtime.bigint();
    const elapsedUs = () => Number((process.hrtime.bigint() - start) / 1000n);
    try {
      const out = await this.data.send(command, { abortSignal: this.ctx.signal });
      const latencyUs = elapsedUs();
      const invocation: Invocation = { startedAtMs, latencyUs, status: out.StatusCode ?? 200, error: null };
      if (out.FunctionError) {
        invocation.error = 'function-error';
        invocation.errorMessage = functionErrorMessage(out.FunctionError, out.Payload);
      }
      if (tail) {
        const report = out.LogResult ? parseReport(decodeLogResult(out.LogResult)) : null;
        invocation.extra = {
          durationMs: report?.durationMs ?? null,
          billedDurationMs: report?.billedDurationMs ?? null,
          memorySizeMb: report?.memorySizeMb ?? this.config?.MemorySize ?? null,
          maxMemoryUsedMb: report?.maxMemoryUsedMb ?? null,
          restoreMs: report?.restoreDurationMs ?? null,
        };
        if (report) {
          invocation.platformCold = isColdReport(report);
          const initMs = report.initDurationMs ?? report.restoreDurationMs;
          invocation.initUs = initMs !== null ? Math.round(initMs * 1000) : null;
        }
      }
      return invocation;
    } catch (err) {
      const latencyUs = elapsedUs();
      const e = describeSdkError(err);
      return {
        startedAtMs,
        latencyUs,
        status: e.status ?? null,
        error: errorKindForLambda(err),
        errorMessage: `${e.name}: ${e.message}`.slice(0, 300),
      };
    }
  }

  warmLoad(): WarmLoad {
    if (this.target.url) {
      return { type: 'http', request: { url: this.target.url, method: this.target.method, headers: this.target.headers, body: this.target.body } };
    }
    return { type: 'invoke' };
  }

  /** Write the original environment back (idempotent; works after an abort: it ignores ctx.signal). */
  restore(): Promise<void> {
    this.restoring ??= this.restoreOnce().finally(() => {
      this.restoring = undefined;
    });
    return this.restoring;
  }

  private async restoreOnce(): Promise<void> {
    if (!this.changed || !this.original) return;
    this.ctx.log(`${this.label}: restoring the original environment`);
    try {
      await writeEnvironment(this.control, this.fn.functionName, this.original, this.controlWait(undefined, MIN_RESTORE_WAIT_MS));
    } catch (err) {
      throw new TargetFailure(`${this.label}: could not restore the original environment (${(err as Error).message}); run \`coldbench restore <report-dir>\``);
    }
    this.changed = false;
    this.ctx.journal.done(this.journalId);
  }

  describe(): Record<string, string | number | boolean | null> {
    const c = this.config;
    return {
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

function functionErrorMessage(kind: string, payload: Uint8Array | undefined): string {
  let detail = '';
  try {
    const body = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    detail = [body.errorType, body.errorMessage].filter((v) => typeof v === 'string').join(': ');
  } catch {
    // not JSON: the kind alone
  }
  return `${kind}${detail ? `: ${detail}` : ''}`.slice(0, 300);
}

export const createLambdaAdapter: AdapterFactory = async (target, ctx) => new LambdaAdapter(target as LambdaTarget, ctx);

/** `coldbench restore`: undo one journal entry of this adapter after a killed run. Reads the current
 *  environment and puts the nonce key back as it was found (removed, or its old value). */
export async function restoreFromJournal(entry: JournalEntry): Promise<void> {
  const region = entry.location.region;
  const functionName = entry.location.function;
  const endpoint = entry.location.endpoint;
  const key = entry.undo.key;
  const originalValue = entry.undo.originalValue;
  if (typeof region !== 'string' || typeof functionName !== 'string' || typeof key !== 'string') {
    throw new TargetFailure(`journal entry ${entry.id} lacks region, function or key`);
  }
  const client = createLambdaClient({ region, endpoint: typeof endpoint === 'string' ? endpoint : undefined, maxAttempts: 3, timeoutMs: 30_000 });
  const label = `lambda function ${functionName} (target ${entry.target})`;
  const wait: ControlWait = { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: 500, log: () => undefined, label };
  try {
    let config: FunctionConfiguration;
    try {
      config = await readConfiguration(client, functionName);
    } catch (err) {
      const e = describeSdkError(err);
      throw new TargetFailure(`${label} cannot be read (${e.name}: ${e.message})`);
    }
    if (config.LastUpdateStatus === 'InProgress') config = await waitUntilUpdated(client, functionName, wait);
    const variables = { ...(config.Environment?.Variables ?? {}) };
    if (typeof originalValue === 'string') variables[key] = originalValue;
    else delete variables[key];
    await writeEnvironment(client, functionName, variables, wait);
  } finally {
    client.destroy();
  }
}
