// kind: http: any URL. Cold strategies none / idle / command; verification through instanceHeader.
import type { HttpTarget } from '../config/schema.js';
import { timedRequest } from '../http/timed-request.js';
import { enforceProblems } from './problems.js';
import { commonChanges, forceColdCommon } from './strategies.js';
import type { HttpFacts } from '../results/platform-facts.js';
import type { Adapter, AdapterContext, AdapterModule, HttpRequestSpec, Inspection, Invocation } from './types.js';

export function httpRequestSpec(target: { url: string; method: string; headers: Record<string, string>; body?: string }): HttpRequestSpec {
  return { url: target.url, method: target.method, headers: target.headers, body: target.body };
}

/** One call of an HTTP-reachable target (http, knative, kubernetes): the target's timeout,
 *  instance and uptime headers, aborted with the run. */
export function invokeHttpTarget(
  request: HttpRequestSpec,
  target: { timeoutMs: number; cold: { instanceHeader?: string; instanceUptimeHeader?: string } | null },
  ctx: AdapterContext,
  fresh: boolean,
): Promise<Invocation> {
  const cold = target.cold;
  return timedRequest({ ...request, timeoutMs: target.timeoutMs, fresh, instanceHeader: cold?.instanceHeader, uptimeHeader: cold?.instanceUptimeHeader, signal: ctx.signal });
}

export class HttpAdapter implements Adapter<'http'> {
  readonly kind = 'http';
  constructor(
    private readonly target: HttpTarget,
    private readonly ctx: AdapterContext,
  ) {}

  /** Nothing to read: the URL is all there is (no request is sent; plan measures the connection). */
  async inspect(): Promise<Inspection<'http'>> {
    return { facts: this.describe(), problems: [], changes: commonChanges(this.target.cold), dataPlane: this.target.url };
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
  }

  async forceCold() {
    return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
  }

  sampleCold(): Promise<Invocation> {
    return this.invoke({ fresh: true });
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return invokeHttpTarget(httpRequestSpec(this.target), this.target, this.ctx, options.fresh);
  }

  warmLoad() {
    return { type: 'http' as const, request: httpRequestSpec(this.target) };
  }

  async restore(): Promise<void> {}

  /** Nothing is known about what serves a plain URL. */
  describe(): HttpFacts {
    return { kind: 'http' };
  }
}

export const httpModule: AdapterModule<'http'> = {
  create: async (target, ctx) => new HttpAdapter(target, ctx),
};
