// kind: knative: a Knative Service, called at `url` or at the Service's status.url, optionally through
// an ingress address with a `host` header. Cold strategy scale-to-zero changes nothing on the
// platform: forceCold waits (bounded, with progress) until the service has no pod that is Pending
// or Running without a deletionTimestamp (Knative's own "at zero" check), then the sample is one
// request on a fresh connection, which the activator holds while a pod starts. none / idle /
// command work as for plain HTTP.
import type { KnativeTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { KNATIVE_ZERO_POLL_MS } from '../control/defaults.js';
import { pollUntil } from '../control/poll.js';
import { messageOf, TargetFailure } from '../errors.js';
import type { KnativeFacts } from '../results/platform-facts.js';
import { invokeHttpTarget } from './http.js';
import { apiErrorReason, apiStatusCode, connectKube, describePods, kubeCall, listPods, type KubeClients, type PodState } from './kube-client.js';
import { podRequests } from './kube-quantity.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, HttpRequestSpec, Invocation } from './types.js';

/** Knative's "scaled to zero": no pod Pending, none Running without a deletion timestamp. */
export function isAtZero(pods: PodState[]): boolean {
  return !pods.some((p) => p.phase === 'Pending' || (p.phase === 'Running' && !p.deleting));
}

interface KnativeServiceObject {
  metadata?: { name?: string };
  spec?: {
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containerConcurrency?: number; containers?: { resources?: { requests?: Record<string, string> } }[] };
    };
  };
  status?: {
    url?: string;
    latestReadyRevisionName?: string;
    conditions?: { type?: string; status?: string; message?: string; reason?: string }[];
  };
}

export class KnativeAdapter implements Adapter<'knative'> {
  readonly kind = 'knative';
  private clients: KubeClients | undefined;
  private url: string | undefined;
  private facts: KnativeFacts = { kind: 'knative' };

  constructor(
    private readonly target: KnativeTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.url = target.url;
  }

  private get name(): string {
    return `knative service ${JSON.stringify(this.target.service)} in namespace ${JSON.stringify(this.target.namespace)}`;
  }

  private get scaleToZero(): boolean {
    return this.target.cold?.strategy === 'scale-to-zero';
  }

  private get selector(): string {
    return `serving.knative.dev/service=${this.target.service}`;
  }

  async prepare(): Promise<void> {
    const needsApi = !this.target.url || this.scaleToZero;
    try {
      await this.readService();
    } catch (err) {
      if (needsApi) throw err;
      this.ctx.log(`could not read ${this.name} for the report: ${messageOf(err)}`);
    }
    if (!this.url) throw new TargetFailure(`target ${this.target.name}: ${this.name} has no status.url yet and the target sets no url`);
  }

  private async readService(): Promise<void> {
    const clients = (this.clients ??= connectKube({ context: this.target.context, namespace: this.target.namespace, what: `target ${this.target.name}` }));
    let service: KnativeServiceObject;
    try {
      const object: unknown = await kubeCall(
        () =>
          clients.custom.getNamespacedCustomObject({
            group: 'serving.knative.dev',
            version: 'v1',
            namespace: this.target.namespace,
            plural: 'services',
            name: this.target.service,
          }),
        `read ${this.name}`,
        { signal: this.ctx.signal },
      );
      service = asKnativeService(object);
    } catch (err) {
      const why = apiStatusCode(err) === 404 ? `not found: ${apiErrorReason(err)}` : apiErrorReason(err);
      throw new TargetFailure(`target ${this.target.name}: cannot read ${this.name} (context ${clients.location.context}): ${why}`);
    }
    const ready = service.status?.conditions?.find((c) => c.type === 'Ready');
    if (!this.url) {
      if (!service.status?.url) {
        const reason = ready ? ` (Ready=${ready.status}${ready.message ? `: ${ready.message}` : ''})` : '';
        throw new TargetFailure(`target ${this.target.name}: ${this.name} has no status.url${reason}`);
      }
      this.url = service.status.url;
    }
    const template = service.spec?.template;
    const requests = podRequests(template?.spec?.containers);
    this.facts = {
      kind: 'knative',
      namespace: this.target.namespace,
      service: this.target.service,
      context: clients.location.context,
      url: this.url,
      revision: service.status?.latestReadyRevisionName ?? null,
      ready: ready?.status ?? null,
      scaleToZeroWindow: template?.metadata?.annotations?.['autoscaling.knative.dev/window'] ?? null,
      containerConcurrency: template?.spec?.containerConcurrency ?? null,
      minScale: wholeNumber(template?.metadata?.annotations?.['autoscaling.knative.dev/min-scale'] ?? template?.metadata?.annotations?.['autoscaling.knative.dev/minScale']),
      cpuRequestCores: requests.cpuRequestCores,
      memoryRequestMiB: requests.memoryRequestMiB,
      containerRequests: requests.requests,
    };
  }

  async forceCold(_seq?: number): Promise<ColdPreparation> {
    if (!this.scaleToZero) return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    const clients = this.clients;
    if (!clients) throw new TargetFailure(`target ${this.target.name}: forceCold before prepare`);
    const cold = this.target.cold!;
    const start = nowUs();
    try {
      const { waitedMs } = await pollUntil<void>(
        async () => {
          // A transient failure (429, 5xx) is retried by the wait; any other ends it.
          const pods = await listPods(clients, this.selector);
          return isAtZero(pods) ? { done: true, value: undefined } : { done: false, state: describePods(pods) };
        },
        {
          timeoutMs: cold.waitTimeoutMs,
          intervalMs: cold.pollIntervalMs || KNATIVE_ZERO_POLL_MS,
          signal: this.ctx.signal,
          log: this.ctx.log,
          what: `${this.name} to scale to zero`,
        },
      );
      return { controlPlaneUs: usSince(start), note: `at zero after ${waitedMs} ms` };
    } catch (err) {
      if (!(err instanceof Error) || err.name === 'Interrupted') throw err;
      if (!(err instanceof TargetFailure)) {
        throw new TargetFailure(`target ${this.target.name}: cannot list the pods of ${this.name}: ${apiErrorReason(err)}`);
      }
      if (!err.message.startsWith('target ')) {
        throw new TargetFailure(
          `target ${this.target.name}: ${err.message}; check the revision's autoscaling.knative.dev/window and cold.waitTimeout`,
        );
      }
      throw err;
    }
  }

  sampleCold(_seq?: number): Promise<Invocation> {
    return this.invoke({ fresh: true });
  }

  private requestSpec(): HttpRequestSpec {
    const headers = { ...this.target.headers };
    // Calling through an ingress address: the ingress routes by Host.
    if (this.target.host) headers.host = this.target.host;
    return { url: this.url!, method: this.target.method, headers, body: this.target.body };
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return invokeHttpTarget(this.requestSpec(), this.target, this.ctx, options.fresh);
  }

  warmLoad() {
    return { type: 'http' as const, request: this.requestSpec() };
  }

  /** scale-to-zero only waits; nothing on the platform was changed. */
  async restore(): Promise<void> {}

  describe(): KnativeFacts {
    return { ...this.facts };
  }
}

/** No journal: scale-to-zero changes nothing on the platform. */
export const knativeModule: AdapterModule<'knative'> = {
  create: async (target, ctx) => new KnativeAdapter(target, ctx),
};

/** The parts of a serving.knative.dev/v1 Service read here (the custom-objects API returns untyped JSON). */
function asKnativeService(object: unknown): KnativeServiceObject {
  if (object === null || typeof object !== 'object') throw new TargetFailure('the API returned no Service object');
  return object;
}

/** An annotation holding a whole number ("2"), or null. */
function wholeNumber(value: string | undefined): number | null {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
