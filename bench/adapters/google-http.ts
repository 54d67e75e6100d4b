// The data plane of both Google kinds: plain HTTP to the service URL, with an ID token whose
// audience is the service URL's origin (fetched before timing, refreshed well before it expires),
// and the verdict on a cold sample after a new revision. Deploying a revision starts an instance
// that may serve the first request (docs/platforms.md, "the first request after a new revision"),
// so after update-config a new instance id proves nothing: a sample is verified cold only by the
// instance's uptime (cold.instanceUptimeHeader: it started after the request was sent), and
// stays unverified without it.
import type { GoogleAuth, IdTokenClient } from 'google-auth-library';
import type { ColdConfig } from '../config/schema.js';
import { TargetFailure } from '../errors.js';
import { timedRequest } from '../http/timed-request.js';
import { reasonOf } from './google-errors.js';
import type { AdapterContext, HttpRequestSpec, Invocation } from './types.js';

/**
 * Fetch a new ID token once the cached one has less than this left. Longer than the warm engines'
 * header-refresh interval (10 min), so a token never expires between two refreshes; Google's
 * last an hour. (google-auth-library's default margin is 5 min.)
 */
const ID_TOKEN_REFRESH_MARGIN_MS = 15 * 60_000;

export interface GoogleHttpTarget {
  name: string;
  kind: 'cloud-function' | 'cloud-run';
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  auth: 'id-token' | 'none';
  cold: ColdConfig | null;
}

export class GoogleCaller {
  private idTokens: IdTokenClient | null = null;
  private authorization: string | null = null;
  url = '';
  audience: string | null = null;

  constructor(
    private readonly target: GoogleHttpTarget,
    private readonly ctx: AdapterContext,
  ) {}

  /** Where to call and, for auth: id-token, the first token (before anything is timed). */
  async setUp(auth: GoogleAuth, url: string, audience: string): Promise<void> {
    this.url = url;
    if (this.target.auth !== 'id-token') return;
    this.audience = audience;
    try {
      this.idTokens = await auth.getIdTokenClient(audience);
      this.idTokens.eagerRefreshThresholdMillis = ID_TOKEN_REFRESH_MARGIN_MS;
      await this.refreshAuthorization();
    } catch (err) {
      throw new TargetFailure(`${this.target.kind} target ${this.target.name}: cannot get an ID token for audience ${audience}: ${reasonOf(err)}`);
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

  async invoke(options: { fresh: boolean }): Promise<Invocation> {
    // Untimed: the token comes from google-auth-library's cache (fetched in setUp).
    const headers = await this.requestHeaders();
    const { headers: _responseHeaders, body: _body, ...result } = await timedRequest({
      url: this.url,
      method: this.target.method,
      headers,
      body: this.target.body,
      timeoutMs: this.target.timeoutMs,
      fresh: options.fresh,
      instanceHeader: this.target.cold?.instanceHeader,
      uptimeHeader: this.target.cold?.instanceUptimeHeader,
      signal: this.ctx.signal,
    });
    if (result.status === 401 || result.status === 403) {
      const hint = this.target.auth === 'none' ? 'it is not public: use auth: id-token' : `check the invoker role (roles/run.invoker) and that the service accepts the ID token audience ${this.audience ?? ''}`;
      result.errorMessage = `HTTP ${result.status}: the service refused the call (${hint})`;
    }
    return result;
  }

  /** One cold sample on a fresh connection, with the revision it ran on. */
  async sampleCold(revision: string | null): Promise<Invocation> {
    const result = await this.invoke({ fresh: true });
    const uptime = result.instanceUptimeUs;
    const extra = { ...result.extra, revision, instanceUptimeMs: typeof uptime === 'number' ? uptime / 1000 : null };
    // After a new revision, only the uptime can tell a cold instance from the deployment's own.
    const platformCold = this.target.cold?.strategy === 'update-config' && typeof uptime !== 'number' ? null : undefined;
    return platformCold === null ? { ...result, extra, platformCold } : { ...result, extra };
  }

  warmLoad(): { type: 'http'; request: HttpRequestSpec } {
    const headers = this.authorization ? { ...this.target.headers, authorization: this.authorization } : { ...this.target.headers };
    return {
      type: 'http',
      request: { url: this.url, method: this.target.method, headers, body: this.target.body, refreshHeaders: () => this.requestHeaders() },
    };
  }
}
