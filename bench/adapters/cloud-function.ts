// kind: cloud-function: Google Cloud Functions (2nd gen) through the v2 API.
// - prepare: read the function (URL, configuration, original environment variables) and fetch an
//   ID token for the function URL, all before any timing.
// - update-config: add a nonce variable (keeping the others), wait for the operation, check the
//   function is ACTIVE on a new revision; the next request on a fresh connection is the cold
//   sample. The original variables are written back by restore() (also after errors / Ctrl-C).
// - Cold verification is the phase's job, through `cold.instanceHeader` (Google has no per-response
//   cold flag). Warm load is plain HTTP with the Authorization header, refreshed before expiry.
import { randomBytes } from 'node:crypto';
import type { GoogleAuth, IdTokenClient } from 'google-auth-library';
import type { CloudFunctionTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../control/defaults.js';
import { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import { timedRequest } from '../http/timed-request.js';
import type { CloudFunctionFacts } from '../results/platform-facts.js';
import { bytesToMegabytes, defaultCpuFor, memoryBytes, parseQuantity } from '../quantity.js';
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
import { cloudFunctionJournal, environmentDigest, sameEnvironment, type CloudFunctionLocation, type EnvUndo } from './cloud-function-journal.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, HttpRequestSpec, Invocation } from './types.js';

export { environmentDigest, withoutNonce, type EnvUndo } from './cloud-function-journal.js';

/** The variable whose new value forces a new revision. Only this key is ever added. */
export const NONCE_VARIABLE = 'COLDBENCH_COLD_START';

/**
 * Fetch a new ID token once the cached one has less than this left. Longer than the warm engines'
 * header-refresh interval (10 min), so a token never expires between two refreshes; Google's
 * last an hour. (google-auth-library's default margin is 5 min.)
 */
const ID_TOKEN_REFRESH_MARGIN_MS = 15 * 60_000;

/** '256M' -> 256, '1Gi' -> 1073.742 (megabytes, as Google prices memory). */
export function memoryMegabytes(value: string | null | undefined): number | null {
  const bytes = memoryBytes(value);
  return bytes === null ? null : bytesToMegabytes(bytes);
}

export class CloudFunctionAdapter implements Adapter<'cloud-function'> {
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
  private readonly change: JournaledChange<EnvUndo, CloudFunctionLocation>;
  private readonly nonceBase = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly target: CloudFunctionTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.name = functionName(target.project, target.region, target.function);
    this.change = new JournaledChange(ctx.journal);
  }

  private get strategy() {
    return this.target.cold?.strategy ?? 'none';
  }

  private get waitTimeoutMs(): number {
    return this.target.cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
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
    this.change.begin({
      id: `cloud-function:${this.target.name}:environment`,
      kind: 'cloud-function',
      target: this.target.name,
      undo: { nonceKey: NONCE_VARIABLE, originalNonceValue: original[NONCE_VARIABLE] ?? null, originalDigest: environmentDigest(original) },
      location: { apiEndpoint: this.target.apiEndpoint ?? null, project: this.target.project, region: this.target.region, function: this.target.function, name: this.name },
    });
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
    return { controlPlaneUs: usSince(start), note: `revision ${revision}` };
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

  /** Write the original variables back (idempotent, once even when called concurrently; works
   *  after Ctrl-C: not bound to ctx.signal). */
  restore(): Promise<void> {
    return this.change.restore(async () => {
      const client = this.client;
      const original = this.original;
      if (!client || !original) return;
      this.ctx.log(`restoring the environment variables of ${this.name}`);
      let fn: GcfFunction;
      try {
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
      this.revision = fn.serviceConfig?.revision ?? this.revision;
    });
  }

  describe(): CloudFunctionFacts {
    const service = this.fn?.serviceConfig;
    const memory = memoryBytes(service?.availableMemory);
    const cpu = parseQuantity(service?.availableCpu);
    return {
      kind: 'cloud-function',
      function: this.name,
      url: this.url || null,
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
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}

export const cloudFunctionModule: AdapterModule<'cloud-function'> = {
  create: async (target, ctx) => new CloudFunctionAdapter(target, ctx),
  journal: cloudFunctionJournal,
};

/** `coldbench restore` of one journal entry of this kind (checked against its record shape first). */
export const restoreFromJournal = cloudFunctionJournal.restore;
