// kind: http: any URL. Cold strategies none / idle / command; verification through instanceHeader.
import type { HttpTarget } from '../config/schema.js';
import { timedRequest } from '../http/timed-request.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterFactory, HttpRequestSpec, Invocation } from './types.js';

export function httpRequestSpec(target: { url: string; method: string; headers: Record<string, string>; body?: string }): HttpRequestSpec {
  return { url: target.url, method: target.method, headers: target.headers, body: target.body };
}

export class HttpAdapter implements Adapter {
  readonly kind = 'http';
  constructor(
    private readonly target: HttpTarget,
    private readonly ctx: AdapterContext,
  ) {}

  async prepare(): Promise<void> {}

  async forceCold() {
    return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
  }

  sampleCold(): Promise<Invocation> {
    return this.invoke({ fresh: true });
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return timedRequest({
      ...httpRequestSpec(this.target),
      timeoutMs: this.target.timeoutMs,
      fresh: options.fresh,
      instanceHeader: this.target.cold?.instanceHeader,
      signal: this.ctx.signal,
    });
  }

  warmLoad() {
    return { type: 'http' as const, request: httpRequestSpec(this.target) };
  }

  async restore(): Promise<void> {}

  describe() {
    return {};
  }
}

export const createHttpAdapter: AdapterFactory = async (target, ctx) => new HttpAdapter(target as HttpTarget, ctx);
