// kind: cloud-function: Google Cloud Functions (2nd gen) through the v2 API.
// - prepare: read the function (URL, configuration, original environment variables) and fetch an
//   ID token for the function URL, all before any timing.
// - update-config: add a nonce variable (keeping the others), wait for the operation, check the
//   function is ACTIVE on a new revision; the next request on a fresh connection is the cold
//   sample. The original variables are written back by restore() (also after errors / Ctrl-C).
// - Cold verification is the phase's job, through `cold.instanceHeader` (Google has no per-response
//   cold flag). Warm load is plain HTTP with the Authorization header, refreshed before expiry.
import { createHash, randomBytes } from 'node:crypto';
import type { GoogleAuth, IdTokenClient } from 'google-auth-library';
import type { CloudFunctionTarget } from '../config/schema.js';
import { TargetFailure } from '../errors.js';
import { timedRequest } from '../http/timed-request.js';
import type { JournalEntry } from '../journal.js';
import {
  controlPlaneFailure,
  createAuth,
  createFunctionsClient,
  functionName,
  isActive,
  reasonOf,
  stateName,
  updateEnvironment,
  type FunctionServiceClient,
  type GcfFunction,
} from './cloud-function-client.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterFactory, ColdPreparation, HttpRequestSpec, Invocation } from './types.js';

/** The variable whose new value forces a new revision. Only this key is ever added. */
export const NONCE_VARIABLE = 'COLDBENCH_COLD_START';

/**
 * Fetch a new ID token once the cached one has less than this left. Longer than the warm engines'
 * header-refresh interval (10 min), so a token never expires between two refreshes; Google's
 * last an hour. (google-auth-library's default margin is 5 min.)
 */
const ID_TOKEN_REFRESH_MARGIN_MS = 15 * 60_000;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * The journal keeps no variable values (they may be secrets): only our key, its original value
 * if it had one, and a digest of the original map to check an undo is exact.
 */
export interface EnvUndo {
  nonceKey: string;
  originalNonceValue: string | null;
  originalDigest: string;
}

export function environmentDigest(env: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(env).sort().map((k) => [k, env[k]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/** The original map, rebuilt from the current one: our key removed (or set back). */
export function withoutNonce(current: Record<string, string>, undo: EnvUndo): Record<string, string> {
  const env = { ...current };
  delete env[undo.nonceKey];
  if (undo.originalNonceValue !== null) env[undo.nonceKey] = undo.originalNonceValue;
  return env;
}

function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  return environmentDigest(a) === environmentDigest(b);
}

/** '256M' -> 256, '1Gi' -> 1073.741824 (megabytes, as Google prices memory). */
export function memoryMegabytes(value: string | null | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(k|Ki|M|Mi|G|Gi)?$/.exec(value?.trim() ?? '');
  if (!match) return null;
  const factor: Record<string, number> = { k: 1e-3, Ki: 1.024e-3, M: 1, Mi: 1.048576, G: 1e3, Gi: 1073.741824, '': 1e-6 };
  return Math.round(Number(match[1]) * (factor[match[2] ?? ''] ?? 1) * 1000) / 1000;
}

/** vCPUs Google assigns when availableCpu is unset (2nd gen memory tiers). */
function defaultCpuFor(memoryMb: number | null): number | null {
  if (memoryMb === null) return null;
  const tiers: [number, number][] = [[128, 0.083], [256, 0.167], [512, 0.333], [1024, 0.583], [2048, 1], [4096, 2], [8192, 2], [16384, 4], [32768, 8]];
  for (const [limit, cpu] of tiers) if (memoryMb <= limit * 1.05) return cpu;
  return 8;
}

export class CloudFunctionAdapter implements Adapter {
  readonly kind = 'cloud-function';
  private readonly name: string;
  private auth: GoogleAuth | null = null;
  private client: FunctionServiceClient | null = null;
  private idTokens: IdTokenClient | null = null;
  private url = '';
  private fn: GcfFunction | null = null;
  private original: Record<string, string> | null = null;
  private revision: string | null = null;
  private authorization: string | null = null;
  private changed = false;
  private readonly nonceBase = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly target: CloudFunctionTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.name = functionName(target.project, target.region, target.function);
  }

  private get journalId(): string {
    return `cloud-function:${this.target.name}:environment`;
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }

  private get waitTimeoutMs(): number {
    return this.target.cold?.waitTimeoutMs ?? 180_000;
  }

  async prepare(): Promise<void> {
    const needsApi = this.strategy === 'update-config' || !this.target.url;
    try {
      this.auth = await createAuth();
      this.client = await createFunctionsClient(this.auth, this.target.apiEndpoint);
      this.ctx.log(`reading ${this.name}`);
      const [fn] = await this.client.getFunction({ name: this.name });
      this.fn = fn;
    } catch (err) {
      if (needsApi) throw controlPlaneFailure(this.target.name, `reading function ${this.name}`, err);
      // A given URL and no config changes: the benchmark can run without API access.
      this.ctx.log(`cannot read ${this.name} (${reasonOf(err)}); going on with the given url`);
    }
    const fn = this.fn;
    this.url = this.target.url ?? fn?.serviceConfig?.uri ?? fn?.url ?? '';
    if (!this.url) throw new TargetFailure(`cloud-function target ${this.target.name}: function ${this.name} has no serviceConfig.uri (is it an HTTP function?); set url`);
    if (fn) {
      this.revision = fn.serviceConfig?.revision ?? null;
      this.original = { ...(fn.serviceConfig?.environmentVariables ?? {}) };
      if (this.strategy === 'update-config' && !isActive(fn.state)) {
        throw new TargetFailure(`cloud-function target ${this.target.name}: function ${this.name} is ${stateName(fn.state)}, not ACTIVE; fix or redeploy it first`);
      }
    }
    if (this.target.auth === 'id-token') {
      try {
        this.auth ??= await createAuth();
        this.idTokens = await this.auth.getIdTokenClient(this.url);
        this.idTokens.eagerRefreshThresholdMillis = ID_TOKEN_REFRESH_MARGIN_MS;
        await this.refreshAuthorization();
      } catch (err) {
        throw new TargetFailure(
          `cloud-function target ${this.target.name}: cannot get an ID token for ${this.url} (auth: id-token needs service-account credentials or a metadata server; use auth: none for a public function): ${reasonOf(err)}`,
        );
      }
    }
  }

  /** Current `Authorization` value; google-auth-library refreshes the cached token before it expires. */
  private async refreshAuthorization(): Promise<string | null> {
    if (!this.idTokens) return null;
    const headers = await this.idTokens.getRequestHeaders();
    this.authorization = headers.get('authorization');
    if (!this.authorization) throw new Error('the ID token client returned no authorization header');
    return this.authorization;
  }

  private async requestHeaders(): Promise<Record<string, string>> {
    const authorization = await this.refreshAuthorization();
    return authorization ? { ...this.target.headers, authorization } : { ...this.target.headers };
  }

  async forceCold(seq: number): Promise<ColdPreparation> {
    const common = await forceColdCommon(this.target.cold, this.ctx);
    if (common) return common;
    if (this.strategy !== 'update-config') throw new TargetFailure(`cloud-function target ${this.target.name}: cold strategy ${this.strategy} is not supported`);
    const client = this.client;
    const original = this.original;
    if (!client || !original) throw new TargetFailure(`cloud-function target ${this.target.name}: prepare() did not read the function`);

    const start = nowUs();
    if (!this.changed) {
      const undo: EnvUndo = { nonceKey: NONCE_VARIABLE, originalNonceValue: original[NONCE_VARIABLE] ?? null, originalDigest: environmentDigest(original) };
      this.ctx.journal.begin({
        id: this.journalId,
        kind: 'cloud-function',
        target: this.target.name,
        undo: { ...undo },
        location: { apiEndpoint: this.target.apiEndpoint ?? null, project: this.target.project, region: this.target.region, function: this.target.function, name: this.name },
      });
      this.changed = true;
    }
    const previous = this.revision;
    let fn: GcfFunction;
    try {
      fn = await updateEnvironment(client, this.name, { ...original, [NONCE_VARIABLE]: `${this.nonceBase}-${seq}` }, {
        timeoutMs: this.waitTimeoutMs,
        pollIntervalMs: this.target.cold?.pollIntervalMs ?? 0,
        signal: this.ctx.signal,
        log: this.ctx.log,
      });
    } catch (err) {
      throw controlPlaneFailure(this.target.name, `updating the environment of ${this.name}`, err);
    }
    const revision = fn.serviceConfig?.revision ?? null;
    if (!isActive(fn.state)) {
      throw new TargetFailure(`cloud-function target ${this.target.name}: after the update ${this.name} is ${stateName(fn.state)}, not ACTIVE`);
    }
    if (!revision || revision === previous) {
      throw new TargetFailure(`cloud-function target ${this.target.name}: the update of ${this.name} did not deploy a new revision (still ${previous ?? 'unknown'})`);
    }
    this.revision = revision;
    this.fn = fn;
    return { controlPlaneUs: nowUs() - start, note: `revision ${revision}` };
  }

  async sampleCold(_seq?: number): Promise<Invocation> {
    const result = await this.invoke({ fresh: true });
    return { ...result, extra: { ...result.extra, revision: this.revision } };
  }

  async invoke(options: { fresh: boolean }): Promise<Invocation> {
    // Untimed: the token comes from google-auth-library's cache (fetched in prepare).
    const headers = await this.requestHeaders();
    const { headers: _responseHeaders, body: _body, ...result } = await timedRequest({
      url: this.url,
      method: this.target.method,
      headers,
      body: this.target.body,
      timeoutMs: this.target.timeoutMs,
      fresh: options.fresh,
      instanceHeader: this.target.cold?.instanceHeader,
      signal: this.ctx.signal,
    });
    if (result.status === 401 || result.status === 403) {
      result.errorMessage = `HTTP ${result.status}: the function refused the call (${this.target.auth === 'none' ? 'it is not public: use auth: id-token' : 'check the invoker role and that the ID token audience is the function URL'})`;
    }
    return result;
  }

  warmLoad(): { type: 'http'; request: HttpRequestSpec } {
    const headers = this.authorization ? { ...this.target.headers, authorization: this.authorization } : { ...this.target.headers };
    return {
      type: 'http',
      request: {
        url: this.url,
        method: this.target.method,
        headers,
        body: this.target.body,
        refreshHeaders: () => this.requestHeaders(),
      },
    };
  }

  async restore(): Promise<void> {
    if (!this.changed) return;
    const client = this.client;
    const original = this.original;
    if (!client || !original) return;
    this.ctx.log(`restoring the environment variables of ${this.name}`);
    let fn: GcfFunction;
    try {
      // Not bound to ctx.signal: restoring must work after Ctrl-C.
      fn = await updateEnvironment(client, this.name, original, { timeoutMs: this.waitTimeoutMs, pollIntervalMs: this.target.cold?.pollIntervalMs ?? 0, log: this.ctx.log });
    } catch (err) {
      throw new TargetFailure(
        `cloud-function target ${this.target.name}: restoring the environment variables of ${this.name} failed (run \`coldbench restore <report-dir>\` to retry): ${reasonOf(err)}`,
      );
    }
    const restored = { ...(fn.serviceConfig?.environmentVariables ?? {}) };
    if (!sameEnvironment(restored, original)) {
      throw new TargetFailure(`cloud-function target ${this.target.name}: after restoring, the environment variables of ${this.name} differ from the original ones`);
    }
    this.changed = false;
    this.revision = fn.serviceConfig?.revision ?? this.revision;
    this.ctx.journal.done(this.journalId);
  }

  describe(): Record<string, string | number | boolean | null> {
    const service = this.fn?.serviceConfig;
    const memoryMb = memoryMegabytes(service?.availableMemory);
    const cpu = service?.availableCpu ? Number(service.availableCpu) : null;
    return {
      function: this.name,
      url: this.url || null,
      auth: this.target.auth,
      revision: this.revision,
      state: this.fn ? stateName(this.fn.state) : null,
      runtime: this.fn?.buildConfig?.runtime ?? null,
      availableMemory: service?.availableMemory ?? null,
      memoryMb,
      availableCpu: service?.availableCpu ?? null,
      cpu: cpu !== null && Number.isFinite(cpu) ? cpu : defaultCpuFor(memoryMb),
      timeoutSeconds: service?.timeoutSeconds ?? null,
      minInstanceCount: service?.minInstanceCount ?? 0,
      maxInstanceCount: service?.maxInstanceCount ?? null,
      maxInstanceRequestConcurrency: service?.maxInstanceRequestConcurrency ?? null,
    };
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}

export const createCloudFunctionAdapter: AdapterFactory = async (target, ctx) => new CloudFunctionAdapter(target as CloudFunctionTarget, ctx);

/**
 * Undo one journal entry after a killed run: remove our nonce variable from the function's
 * current variables (which gives back the original map unless someone else changed it since).
 */
export async function restoreFromJournal(entry: JournalEntry): Promise<void> {
  const location = entry.location as { apiEndpoint?: string | null; name?: string };
  const undo = entry.undo as Partial<EnvUndo>;
  if (!location.name || !undo.nonceKey || undo.originalDigest === undefined) {
    throw new Error(`journal entry ${entry.id} has no function name or undo information`);
  }
  const full: EnvUndo = { nonceKey: undo.nonceKey, originalNonceValue: undo.originalNonceValue ?? null, originalDigest: undo.originalDigest };
  const auth = await createAuth();
  const client = await createFunctionsClient(auth, location.apiEndpoint ?? undefined);
  try {
    const [fn] = await client.getFunction({ name: location.name });
    const current = { ...(fn.serviceConfig?.environmentVariables ?? {}) };
    const target = withoutNonce(current, full);
    if (!sameEnvironment(current, target)) {
      await updateEnvironment(client, location.name, target, { timeoutMs: 180_000, pollIntervalMs: 0 });
    }
    if (environmentDigest(target) !== full.originalDigest) {
      throw new TargetFailure(`cloud-function target ${entry.target}: removed ${full.nonceKey} from ${location.name}, but other environment variables changed since the run; check them by hand`);
    }
  } catch (err) {
    throw controlPlaneFailure(entry.target, `restoring the environment variables of ${location.name}`, err);
  } finally {
    await client.close().catch(() => undefined);
  }
}
