// One emulated Lambda function: its configuration (with Lambda's update life cycle) and its pool of
// execution environments. A new environment is started when every current one is busy, idle ones
// are reaped after `idleTimeoutMs`, and a configuration update retires all of them once it applies.
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { LambdaApiError, invalidParameter, notFound } from './api-error.js';
import { ExecutionEnvironment, type InitOutcome, type InvokeOutcome } from './environment.js';
import { arnOf } from './arn.js';

export interface FunctionSpec {
  name: string;
  /** `file.export`, as Lambda's Handler setting. */
  handler: string;
  /** Absolute path of the handler module. */
  file: string;
  memorySize: number;
  /** Seconds, as Lambda's Timeout setting. */
  timeout: number;
  reservedConcurrency?: number;
  environment: Record<string, string>;
  description: string;
  logFormat: 'Text' | 'JSON';
  architecture: 'x86_64' | 'arm64';
  /** Aliases accepted as qualifiers; all point at $LATEST. */
  aliases: string[];
}

export interface EmulatorSettings {
  region: string;
  accountId: string;
  /** How long an update stays InProgress before it applies. */
  updateDurationMs: number;
}

export interface InvokeRequest {
  qualifier?: string;
  invocationType: string;
  logType: string;
  payload: Buffer;
  clientContext?: string;
}

export interface InvokeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface MutableConfig {
  environment: Record<string, string>;
  memorySize: number;
  timeout: number;
  description: string;
  revisionId: string;
  lastModified: string;
}

/** Keys Lambda sets itself and refuses in an update. */
const RESERVED_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const ENV_LIMIT_BYTES = 4096;
const LOG_TAIL_BYTES = 4096;

const lambdaTimestamp = (date = new Date()) => date.toISOString().replace('Z', '+0000');

export class EmulatedFunction {
  readonly arn: string;
  private current: MutableConfig;
  private pending: { config: MutableConfig; timer: NodeJS.Timeout } | null = null;
  private generation = 0;
  /** Outcome of the last update that finished: Failed keeps the old configuration serving. */
  private lastUpdate: { status: 'Successful' | 'Failed'; reason?: string } = { status: 'Successful' };
  /** Test hook: after `skip` more successful updates, the next one ends Failed with this reason. */
  private injectedFailure: { skip: number; reason: string } | null = null;
  private readonly environments = new Set<ExecutionEnvironment>();
  private stopped = false;
  /** Environment maps of the updates accepted so far, oldest first (test hook: who changed what). */
  readonly acceptedUpdates: Array<Record<string, string>> = [];
  /** Init Duration of every environment's first invocation, as reported (ms, 2 decimals), oldest
   *  first (bounded): what tests compare the harness's numbers with. */
  readonly reportedInitsMs: number[] = [];

  constructor(
    readonly spec: FunctionSpec,
    private readonly settings: EmulatorSettings,
  ) {
    this.arn = arnOf(settings.region, settings.accountId, spec.name);
    this.current = {
      environment: { ...spec.environment },
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      description: spec.description,
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(),
    };
  }

  /** Live execution environments (for tests and the reaper). */
  get environmentCount(): number {
    return this.environments.size;
  }

  /** Environments running an invocation (or starting for one) right now. */
  get busyCount(): number {
    return [...this.environments].filter((e) => e.busy).length;
  }

  /** Pids of the live execution environments. */
  get pids(): number[] {
    return [...this.environments].map((e) => e.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** The configuration the API shows: during an update the new values with LastUpdateStatus InProgress. */
  configuration(): Record<string, unknown> {
    const shown = this.pending?.config ?? this.current;
    const variables = shown.environment;
    return {
      FunctionName: this.spec.name,
      FunctionArn: this.arn,
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${this.settings.accountId}:role/coldbench-local`,
      Handler: this.spec.handler,
      CodeSize: 1024,
      Description: shown.description,
      Timeout: shown.timeout,
      MemorySize: shown.memorySize,
      LastModified: shown.lastModified,
      CodeSha256: createHash('sha256').update(this.spec.file).digest('base64'),
      Version: '$LATEST',
      ...(Object.keys(variables).length > 0 ? { Environment: { Variables: { ...variables } } } : {}),
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: shown.revisionId,
      State: 'Active',
      LastUpdateStatus: this.pending ? 'InProgress' : this.lastUpdate.status,
      ...(this.pending ? { LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'Updating' } : {}),
      ...(!this.pending && this.lastUpdate.status === 'Failed' ? { LastUpdateStatusReason: this.lastUpdate.reason, LastUpdateStatusReasonCode: 'InternalError' } : {}),
      PackageType: 'Zip',
      Architectures: [this.spec.architecture],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: this.spec.logFormat, LogGroup: `/aws/lambda/${this.spec.name}` },
    };
  }

  getFunction(): Record<string, unknown> {
    return {
      Configuration: this.configuration(),
      Code: { RepositoryType: 'S3', Location: `file://${this.spec.file}` },
      Tags: {},
      ...(this.spec.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: this.spec.reservedConcurrency } } : {}),
    };
  }

  /** The version a qualifier names (only $LATEST exists; aliases point at it). */
  resolveQualifier(qualifier: string | undefined): '$LATEST' {
    if (qualifier === undefined || qualifier === '$LATEST' || this.spec.aliases.includes(qualifier)) return '$LATEST';
    throw notFound(`${this.arn}:${qualifier}`);
  }

  /** UpdateFunctionConfiguration: InProgress for a while (old configuration serving), 409 on a second update. */
  update(body: Record<string, unknown>): Record<string, unknown> {
    if (this.pending) {
      throw new LambdaApiError(409, 'ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${this.arn}`);
    }
    if (typeof body.RevisionId === 'string' && body.RevisionId !== this.current.revisionId) {
      throw new LambdaApiError(412, 'PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    const next: MutableConfig = { ...this.current, environment: { ...this.current.environment } };
    if (body.Environment !== undefined) next.environment = validateEnvironment(body.Environment);
    if (body.MemorySize !== undefined) {
      if (!Number.isInteger(body.MemorySize) || (body.MemorySize as number) < 128 || (body.MemorySize as number) > 10240) {
        throw invalidParameter(`1 validation error detected: Value '${String(body.MemorySize)}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
      }
      next.memorySize = body.MemorySize as number;
    }
    if (body.Timeout !== undefined) {
      if (!Number.isInteger(body.Timeout) || (body.Timeout as number) < 1 || (body.Timeout as number) > 900) {
        throw invalidParameter(`1 validation error detected: Value '${String(body.Timeout)}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
      }
      next.timeout = body.Timeout as number;
    }
    if (typeof body.Description === 'string') next.description = body.Description;
    next.revisionId = randomUUID();
    next.lastModified = lambdaTimestamp();
    this.acceptedUpdates.push({ ...next.environment });
    if (this.acceptedUpdates.length > 1000) this.acceptedUpdates.splice(0, this.acceptedUpdates.length - 1000);
    const timer = setTimeout(() => this.applyPending(), this.settings.updateDurationMs);
    timer.unref();
    this.pending = { config: next, timer };
    return this.configuration();
  }

  /** Make an update fail as AWS updates can (e.g. a KMS or network problem): for failure injection in tests. */
  failUpdate(reason: string, skip = 0): void {
    this.injectedFailure = { skip, reason };
  }

  private applyPending(): void {
    if (!this.pending) return;
    if (this.injectedFailure && this.injectedFailure.skip-- <= 0) {
      this.lastUpdate = { status: 'Failed', reason: this.injectedFailure.reason };
      this.injectedFailure = null;
      this.pending = null;
      return;
    }
    this.lastUpdate = { status: 'Successful' };
    this.current = this.pending.config;
    this.pending = null;
    this.generation += 1;
    // Every environment of the old configuration is retired: idle ones now, busy ones when done.
    for (const env of this.environments) if (!env.busy) this.retire(env);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const version = this.resolveQualifier(request.qualifier);
    const requestId = randomUUID();
    const baseHeaders = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': version };
    if (request.invocationType === 'DryRun') return { status: 204, headers: baseHeaders, body: '' };
    if (request.invocationType !== 'RequestResponse' && request.invocationType !== 'Event') {
      throw invalidParameter(`1 validation error detected: Value '${request.invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
    }
    let event: unknown = {};
    const text = request.payload.toString('utf8');
    if (text.trim() !== '') {
      try {
        event = JSON.parse(text);
      } catch (err) {
        throw new LambdaApiError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
      }
    }
    const env = this.acquire();
    const run = this.run(env, requestId, version, event, request.clientContext);
    if (request.invocationType === 'Event') {
      void run.catch(() => undefined);
      return { status: 202, headers: { 'x-amzn-RequestId': requestId }, body: '' };
    }
    const { outcome, init, config } = await run;
    const headers: Record<string, string> = { ...baseHeaders, 'Content-Type': 'application/json' };
    if (request.logType === 'Tail') {
      const log = Buffer.from(this.composeLog(requestId, version, outcome, init, config.memorySize), 'utf8');
      headers['X-Amz-Log-Result'] = log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64');
    }
    if (outcome.kind === 'ok') return { status: 200, headers, body: outcome.payload };
    headers['X-Amz-Function-Error'] = 'Unhandled';
    return { status: 200, headers, body: JSON.stringify(errorPayload(requestId, outcome, init, config.timeout)) };
  }

  /** An idle environment of the current configuration, or a new one; 429 beyond reserved concurrency. */
  private acquire(): ExecutionEnvironment {
    const busy = [...this.environments].filter((e) => e.busy).length;
    const reserved = this.spec.reservedConcurrency;
    if (reserved !== undefined && busy >= reserved) {
      throw new LambdaApiError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' }, { 'Retry-After': '1' });
    }
    if (this.stopped) throw new LambdaApiError(500, 'ServiceException', 'The emulator is stopping.');
    let env = [...this.environments].find((e) => !e.busy && e.alive && e.generation === this.generation);
    if (!env) {
      env = new ExecutionEnvironment({
        functionName: this.spec.name,
        file: this.spec.file,
        exportName: this.spec.handler.slice(this.spec.handler.lastIndexOf('.') + 1),
        env: this.environmentVariables(),
        generation: this.generation,
      });
      this.environments.add(env);
    }
    env.busy = true;
    return env;
  }

  private async run(env: ExecutionEnvironment, requestId: string, version: string, event: unknown, clientContext: string | undefined) {
    const config = this.current;
    await env.ready;
    // Only the first invocation of an environment reports its init.
    const init = env.pendingInit;
    env.pendingInit = null;
    if (init) {
      this.reportedInitsMs.push(Number(init.initDurationMs.toFixed(2)));
      if (this.reportedInitsMs.length > 1000) this.reportedInitsMs.shift();
    }
    let outcome: InvokeOutcome;
    if (init && !init.ok) {
      outcome = { kind: 'error', errorType: init.errorType, errorMessage: init.errorMessage, trace: init.trace, durationMs: 0, maxMemoryUsedMb: env.maxMemoryUsedMb, logs: [] };
      this.retire(env);
    } else {
      const context = {
        functionName: this.spec.name,
        functionVersion: version,
        invokedFunctionArn: this.arn,
        memoryLimitInMB: config.memorySize,
        logGroupName: `/aws/lambda/${this.spec.name}`,
        logStreamName: env.logStream,
        clientContext: clientContext ? safeJson(Buffer.from(clientContext, 'base64').toString('utf8')) : undefined,
      };
      outcome = await env.invoke(requestId, event, context, config.timeout * 1000);
      this.release(env, outcome);
    }
    return { outcome, init, config };
  }

  private release(env: ExecutionEnvironment, outcome: InvokeOutcome): void {
    env.busy = false;
    env.lastUsedAt = Date.now();
    if (outcome.kind === 'timeout' || outcome.kind === 'crash' || !env.alive || env.generation !== this.generation) this.retire(env);
  }

  private retire(env: ExecutionEnvironment): void {
    this.environments.delete(env);
    void env.kill();
  }

  /** Kill environments idle for longer than `idleMs`. */
  reap(idleMs: number, now = Date.now()): void {
    for (const env of this.environments) if (!env.busy && now - env.lastUsedAt >= idleMs) this.retire(env);
  }

  /** Stop every environment (SIGTERM, SIGKILL after a bound) and wait until all are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending.timer);
    const all = [...this.environments];
    this.environments.clear();
    await Promise.all(all.map((env) => env.kill()));
  }

  private environmentVariables(): Record<string, string> {
    const region = this.settings.region;
    return {
      ...this.current.environment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.current.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.spec.name}`,
      _HANDLER: this.spec.handler,
      LAMBDA_TASK_ROOT: path.dirname(this.spec.file),
      TZ: ':UTC',
    };
  }

  private composeLog(requestId: string, version: string, outcome: InvokeOutcome, init: InitOutcome | null, memorySize: number): string {
    const durationMs = outcome.durationMs;
    const initMs = init?.initDurationMs ?? null;
    // Since Aug 2025 the init phase is billed too.
    const billedMs = Math.ceil(durationMs + (initMs ?? 0));
    const maxMemory = 'maxMemoryUsedMb' in outcome ? outcome.maxMemoryUsedMb : 0;
    const status = outcome.kind === 'timeout' ? 'timeout' : outcome.kind === 'crash' ? 'error' : null;
    const appLogs = [...(init?.logs ?? []), ...outcome.logs];
    if (outcome.kind === 'timeout') appLogs.push(`${new Date().toISOString()} ${requestId} Task timed out after ${(durationMs / 1000).toFixed(2)} seconds`);
    if (this.spec.logFormat === 'JSON') {
      const time = new Date().toISOString();
      const lines = [
        ...(init ? [{ time, type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', runtimeVersion: 'nodejs:20.v0', functionName: this.spec.name, functionVersion: version } }] : []),
        { time, type: 'platform.start', record: { requestId, version } },
        ...appLogs.map((message) => ({ timestamp: time, level: 'INFO', requestId, message })),
        {
          time,
          type: 'platform.report',
          record: {
            requestId,
            metrics: {
              durationMs: round2(durationMs),
              billedDurationMs: billedMs,
              memorySizeMB: memorySize,
              maxMemoryUsedMB: maxMemory,
              ...(initMs !== null ? { initDurationMs: round2(initMs) } : {}),
            },
            status: status ?? (outcome.kind === 'error' ? 'error' : 'success'),
          },
        },
      ];
      return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    }
    const lines: string[] = [];
    if (init) lines.push('INIT_START Runtime Version: nodejs:20.v0\tRuntime Version ARN: arn:aws:lambda:local::runtime:coldbench');
    lines.push(`START RequestId: ${requestId} Version: ${version}`, ...appLogs, `END RequestId: ${requestId}`);
    let report = `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\tMemory Size: ${memorySize} MB\tMax Memory Used: ${maxMemory} MB\t`;
    if (initMs !== null) report += `Init Duration: ${initMs.toFixed(2)} ms\t`;
    if (status) report += `Status: ${status}\t`;
    lines.push(report);
    return lines.join('\n') + '\n';
  }
}

function errorPayload(requestId: string, outcome: InvokeOutcome, init: InitOutcome | null, timeoutS: number): Record<string, unknown> {
  switch (outcome.kind) {
    case 'error':
      return { errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.trace ?? [] };
    case 'timeout':
      return { errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutS.toFixed(2)} seconds` };
    case 'crash':
      return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.exit}` };
    default:
      return { errorType: 'Runtime.Unknown', errorMessage: init ? 'init failed' : 'unknown error' };
  }
}

function validateEnvironment(value: unknown): Record<string, string> {
  const variables = (value as { Variables?: unknown } | null)?.Variables ?? {};
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    throw invalidParameter('Environment.Variables must be a map of strings');
  }
  const out: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [key, val] of Object.entries(variables)) {
    if (typeof val !== 'string') throw invalidParameter(`Environment variable ${key} must be a string`);
    if (!ENV_KEY.test(key)) throw invalidParameter(`1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`);
    if (RESERVED_KEYS.has(key)) reserved.push(key);
    out[key] = val;
  }
  if (reserved.length > 0) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  if (Buffer.byteLength(JSON.stringify(out)) > ENV_LIMIT_BYTES) {
    throw invalidParameter('Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.');
  }
  return out;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
