// One emulated Lambda function: $LATEST's configuration (with Lambda's update life cycle), its
// published versions (configuration frozen at publish; SnapStart versions snapshotted, see
// versions.ts), its Function URL configuration, and its pool of execution environments. A new
// environment is started when every current one of the invoked version is busy, idle ones are
// reaped after `idleTimeoutMs`, and an update of $LATEST retires $LATEST's environments once it applies.
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { LambdaApiError, invalidParameter, notFound } from './api-error.js';
import { arnOf } from './arn.js';
import { ExecutionEnvironment, type InitOutcome, type InvokeOutcome } from './environment.js';
import { composeLog, loggingConfig } from './logs.js';
import { initCpuShare, lambdaTimestamp, type EmulatorSettings, type FunctionSpec, type InvokeRequest, type InvokeResponse, type MutableConfig } from './model.js';
import { PublishedVersion } from './versions.js';

export type { EmulatorSettings, FunctionSpec, InvokeRequest, InvokeResponse } from './model.js';

const LATEST = '$LATEST';

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

const conflict = (message: string) => new LambdaApiError(409, 'ResourceConflictException', message);

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
  private readonly versions = new Map<string, PublishedVersion>();
  /** Version numbers are never reused, even after a version is deleted. */
  private lastVersion = 0;
  private stopped = false;
  private readonly urlCreatedAt = lambdaTimestamp();
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

  /** Numbers of the published versions that exist (test hook: what a run left behind). */
  get versionNumbers(): string[] {
    return [...this.versions.keys()];
  }

  /** GetFunctionConfiguration: $LATEST (during an update its new values, InProgress) or a version. */
  configuration(qualifier?: string): Record<string, unknown> {
    const version = this.resolveQualifier(qualifier);
    if (version !== LATEST) return this.versionConfiguration(this.versionOf(version));
    const shown = this.pending?.config ?? this.current;
    return this.describeConfig(shown, LATEST, {
      State: 'Active',
      LastUpdateStatus: this.pending ? 'InProgress' : this.lastUpdate.status,
      ...(this.pending ? { LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'Updating' } : {}),
      ...(!this.pending && this.lastUpdate.status === 'Failed' ? { LastUpdateStatusReason: this.lastUpdate.reason, LastUpdateStatusReasonCode: 'InternalError' } : {}),
      // OptimizationStatus describes the configuration read: SnapStart never applies to $LATEST.
      SnapStart: { ApplyOn: this.spec.snapStart ? 'PublishedVersions' : 'None', OptimizationStatus: 'Off' },
    });
  }

  private versionConfiguration(v: PublishedVersion): Record<string, unknown> {
    const status = { Pending: 'InProgress', Active: 'Successful', Failed: 'Failed' }[v.state];
    return this.describeConfig({ ...v.config, description: v.description }, v.number, {
      State: v.state,
      ...(v.state === 'Pending' ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : {}),
      ...(v.state === 'Failed' ? { StateReason: v.stateReason, StateReasonCode: 'InternalError' } : {}),
      LastUpdateStatus: status,
      SnapStart: { ApplyOn: v.snapStart ? 'PublishedVersions' : 'None', OptimizationStatus: v.snapStart ? 'On' : 'Off' },
    });
  }

  private describeConfig(config: MutableConfig, version: string, state: Record<string, unknown>): Record<string, unknown> {
    return {
      FunctionName: this.spec.name,
      FunctionArn: version === LATEST ? this.arn : `${this.arn}:${version}`,
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${this.settings.accountId}:role/coldbench-local`,
      Handler: this.spec.handler,
      CodeSize: 1024,
      Description: config.description,
      Timeout: config.timeout,
      MemorySize: config.memorySize,
      LastModified: config.lastModified,
      CodeSha256: this.codeSha256(),
      Version: version,
      ...this.environmentField(config.environment),
      ...(this.spec.kmsKeyArn ? { KMSKeyArn: this.spec.kmsKeyArn } : {}),
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: config.revisionId,
      PackageType: 'Zip',
      Architectures: [this.spec.architecture],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: loggingConfig(this.spec.logging, this.spec.name),
      ...state,
    };
  }

  /** A caller who may not use the function's KMS key reads Environment.Error, not the variables
   *  (Lambda API reference: EnvironmentResponse, EnvironmentError). */
  private environmentField(variables: Record<string, string>): Record<string, unknown> {
    if (Object.keys(variables).length === 0) return {};
    if (this.spec.kmsCallerDenied) {
      return {
        Environment: {
          Error: {
            ErrorCode: 'KMSAccessDeniedException',
            Message: `Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedException KMS Message: User: arn:aws:iam::${this.settings.accountId}:user/coldbench-local is not authorized to perform: kms:Decrypt on resource: ${this.spec.kmsKeyArn ?? 'the function key'}`,
          },
        },
      };
    }
    return { Environment: { Variables: { ...variables } } };
  }

  private codeSha256(): string {
    return createHash('sha256').update(this.spec.file).digest('base64');
  }

  getFunction(qualifier?: string): Record<string, unknown> {
    return {
      Configuration: this.configuration(qualifier),
      Code: { RepositoryType: 'S3', Location: `file://${this.spec.file}` },
      Tags: {},
      ...(this.spec.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: this.spec.reservedConcurrency } } : {}),
    };
  }

  /** The version a qualifier names: $LATEST (aliases point at it) or a published version number. */
  resolveQualifier(qualifier: string | undefined): string {
    if (qualifier === undefined || qualifier === LATEST || this.spec.aliases.includes(qualifier)) return LATEST;
    if (this.versions.has(qualifier)) return qualifier;
    throw notFound(`${this.arn}:${qualifier}`);
  }

  private versionOf(number: string): PublishedVersion {
    const v = this.versions.get(number);
    if (!v) throw notFound(`${this.arn}:${number}`);
    return v;
  }

  /** UpdateFunctionConfiguration: InProgress for a while (old configuration serving), 409 on a second update. */
  update(body: Record<string, unknown>): Record<string, unknown> {
    if (this.pending) throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${this.arn}`);
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
    for (const env of this.environments) if (env.version === LATEST && !env.busy) this.retire(env);
  }

  /** PublishVersion: freeze $LATEST as a new version, unless nothing changed since the last version
   *  (then that version is returned, as Lambda does). Refused while an update is in progress. */
  publish(body: Record<string, unknown>): Record<string, unknown> {
    if (this.pending) throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${this.arn}`);
    if (typeof body.RevisionId === 'string' && body.RevisionId !== this.current.revisionId) {
      throw new LambdaApiError(412, 'PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    if (typeof body.CodeSha256 === 'string' && body.CodeSha256 !== this.codeSha256()) {
      throw invalidParameter(`CodeSHA256 (${body.CodeSha256}) is different from current CodeSHA256 in $LATEST (${this.codeSha256()}). Please try publishing again with the CodeSHA256 in $LATEST.`);
    }
    const newest = [...this.versions.values()].at(-1);
    if (newest && PublishedVersion.fingerprint(newest.config) === PublishedVersion.fingerprint(this.current)) return this.versionConfiguration(newest);
    this.lastVersion += 1;
    const number = String(this.lastVersion);
    const frozen: MutableConfig = { ...this.current, environment: { ...this.current.environment }, revisionId: randomUUID(), lastModified: lambdaTimestamp() };
    const description = typeof body.Description === 'string' ? body.Description : this.current.description;
    const version = new PublishedVersion(number, frozen, description, this.spec.snapStart);
    this.versions.set(number, version);
    if (version.snapStart) {
      version.optimize(
        { file: this.spec.file, exportName: this.exportName(), env: this.environmentVariables(number), snapshotsDir: this.settings.snapshotsDir, delayMs: this.settings.snapStartDelayMs },
        this.spec.name,
      );
    }
    return this.versionConfiguration(version);
  }

  /** DeleteFunction with a version qualifier: the version and its environments go. */
  deleteVersion(qualifier: string): void {
    if (qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (this.spec.aliases.includes(qualifier)) throw invalidParameter('Deletion of aliases is not supported.');
    const version = this.versionOf(qualifier);
    version.discard();
    this.versions.delete(qualifier);
    for (const env of this.environments) if (env.version === qualifier && !env.busy) this.retire(env);
  }

  /** ListVersionsByFunction, oldest first: $LATEST, then the published versions. */
  listVersions(): Array<Record<string, unknown>> {
    return [this.configuration(), ...[...this.versions.values()].map((v) => this.versionConfiguration(v))];
  }

  /** The Function URL configuration, as GetFunctionUrlConfig returns it for its qualifier. */
  urlConfig(host: string): Record<string, unknown> {
    const qualifier = this.spec.url.qualifier;
    return {
      FunctionUrl: `http://${host}/lambda-url/${this.spec.name}/`,
      FunctionArn: qualifier ? `${this.arn}:${qualifier}` : this.arn,
      AuthType: this.spec.url.authType,
      CreationTime: this.urlCreatedAt,
      LastModifiedTime: this.urlCreatedAt,
      InvokeMode: 'BUFFERED',
    };
  }

  /** GetFunctionUrlConfig: the URL exists only for the qualifier it was created for ($LATEST when none). */
  urlConfigFor(qualifier: string | undefined, host: string): Record<string, unknown> {
    if (qualifier !== undefined && /^\d+$/.test(qualifier)) {
      throw invalidParameter(`1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))`);
    }
    if ((qualifier ?? LATEST) !== (this.spec.url.qualifier ?? LATEST)) throw new LambdaApiError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
    return this.urlConfig(host);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const version = this.resolveQualifier(request.qualifier);
    const requestId = randomUUID();
    const baseHeaders = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': version };
    if (request.invocationType === 'DryRun') return { status: 204, headers: baseHeaders, body: '' };
    if (request.invocationType !== 'RequestResponse' && request.invocationType !== 'Event') {
      throw invalidParameter(`1 validation error detected: Value '${request.invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
    }
    if (version !== LATEST) {
      const state = this.versionOf(version).state;
      if (state !== 'Active') throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${state}`);
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
    const env = this.acquire(version);
    const run = this.run(env, requestId, version, event, request.clientContext);
    if (request.invocationType === 'Event') {
      void run.catch(() => undefined);
      return { status: 202, headers: { 'x-amzn-RequestId': requestId }, body: '' };
    }
    const { outcome, start, config } = await run;
    const headers: Record<string, string> = { ...baseHeaders, 'Content-Type': 'application/json' };
    if (request.logType === 'Tail') {
      const log = Buffer.from(composeLog({ requestId, version, outcome, start, memorySize: config.memorySize, settings: this.spec.logging }), 'utf8');
      headers['X-Amz-Log-Result'] = log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64');
    }
    if (outcome.kind === 'ok') return { status: 200, headers, body: outcome.payload };
    headers['X-Amz-Function-Error'] = 'Unhandled';
    return { status: 200, headers, body: JSON.stringify(errorPayload(requestId, outcome, start, config.timeout)) };
  }

  private configOf(version: string): MutableConfig {
    return version === LATEST ? this.current : this.versionOf(version).config;
  }

  private exportName(): string {
    return this.spec.handler.slice(this.spec.handler.lastIndexOf('.') + 1);
  }

  /** An idle environment of the invoked version (and, for $LATEST, the current configuration), or
   *  a new one (restored from the version's snapshot when it has one); 429 beyond reserved concurrency. */
  private acquire(version: string): ExecutionEnvironment {
    const busy = [...this.environments].filter((e) => e.busy).length;
    const reserved = this.spec.reservedConcurrency;
    if (reserved !== undefined && busy >= reserved) {
      throw new LambdaApiError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', message: 'Rate Exceeded.' }, { 'Retry-After': '1' });
    }
    if (this.stopped) throw new LambdaApiError(500, 'ServiceException', 'The emulator is stopping.');
    const current = (e: ExecutionEnvironment) => e.version === version && (version !== LATEST || e.generation === this.generation);
    let env = [...this.environments].find((e) => !e.busy && e.alive && current(e));
    if (!env) {
      const snapshot = version === LATEST ? null : this.versionOf(version).snapshot;
      env = new ExecutionEnvironment({
        functionName: this.spec.name,
        file: this.spec.file,
        exportName: this.exportName(),
        env: this.environmentVariables(version),
        generation: this.generation,
        version,
        cpuShare: initCpuShare(this.spec, this.configOf(version).memorySize),
        ...(snapshot ? { snapshot } : {}),
      });
      this.environments.add(env);
    }
    env.busy = true;
    return env;
  }

  private async run(env: ExecutionEnvironment, requestId: string, version: string, event: unknown, clientContext: string | undefined) {
    const config = this.configOf(version);
    await env.ready;
    // Only the first invocation of an environment reports its init (or restore).
    const start = env.pendingInit;
    env.pendingInit = null;
    if (start) {
      // Init or Restore Duration as the REPORT line will state it (tests compare with it).
      this.reportedInitsMs.push(Number(start.durationMs.toFixed(2)));
      if (this.reportedInitsMs.length > 1000) this.reportedInitsMs.shift();
    }
    let outcome: InvokeOutcome;
    if (start && !start.ok) {
      outcome = { kind: 'error', errorType: start.errorType, errorMessage: start.errorMessage, trace: start.trace, durationMs: 0, maxMemoryUsedMb: env.maxMemoryUsedMb, logs: [] };
      this.retire(env);
    } else {
      const context = {
        functionName: this.spec.name,
        functionVersion: version,
        invokedFunctionArn: version === LATEST ? this.arn : `${this.arn}:${version}`,
        memoryLimitInMB: config.memorySize,
        logGroupName: `/aws/lambda/${this.spec.name}`,
        logStreamName: env.logStream,
        clientContext: clientContext ? safeJson(Buffer.from(clientContext, 'base64').toString('utf8')) : undefined,
      };
      outcome = await env.invoke(requestId, event, context, config.timeout * 1000);
      this.release(env, outcome);
    }
    return { outcome, start, config };
  }

  private release(env: ExecutionEnvironment, outcome: InvokeOutcome): void {
    env.busy = false;
    env.lastUsedAt = Date.now();
    const stale = env.version === LATEST ? env.generation !== this.generation : !this.versions.has(env.version);
    if (outcome.kind === 'timeout' || outcome.kind === 'crash' || !env.alive || stale) this.retire(env);
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
    for (const v of this.versions.values()) v.discard();
    const all = [...this.environments];
    this.environments.clear();
    await Promise.all(all.map((env) => env.kill()));
  }

  private environmentVariables(version: string): Record<string, string> {
    const region = this.settings.region;
    const config = this.configOf(version);
    const snapStart = version !== LATEST && this.versionOf(version).snapStart;
    return {
      ...config.environment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: version,
      AWS_LAMBDA_INITIALIZATION_TYPE: snapStart ? 'snap-start' : 'on-demand',
      // Not available to SnapStart functions (Lambda docs, "Monitoring for Lambda SnapStart").
      ...(snapStart ? {} : { AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.spec.name}` }),
      _HANDLER: this.spec.handler,
      LAMBDA_TASK_ROOT: path.dirname(this.spec.file),
      TZ: ':UTC',
    };
  }
}

function errorPayload(requestId: string, outcome: InvokeOutcome, start: InitOutcome | null, timeoutS: number): Record<string, unknown> {
  switch (outcome.kind) {
    case 'error':
      return { errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.trace ?? [] };
    case 'timeout':
      return { errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutS.toFixed(2)} seconds` };
    case 'crash':
      return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.exit}` };
    default:
      return { errorType: 'Runtime.Unknown', errorMessage: start ? 'init failed' : 'unknown error' };
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
