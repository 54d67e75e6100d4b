// kind: knative: a Knative Service, called at `url` or at the Service's status.url, optionally through
// an ingress address with a `host` header. Cold strategy scale-to-zero changes nothing on the
// platform: forceCold waits (bounded, with progress) until the service has no pod that is Pending
// or Running without a deletionTimestamp (Knative's own "at zero" check), then the sample is one
// request on a fresh connection, which the activator holds while a pod starts. none / idle /
// command work as for plain HTTP.
import type { KnativeTarget } from '../config/schema.js';
import { TargetFailure } from '../errors.js';
import { invokeHttpTarget } from './http.js';
import type { JournalEntry } from '../journal.js';
import { API_CALL_TIMEOUT_MS, apiErrorReason, apiStatusCode, connectKube, describePods, listPods, pollUntil, withTimeout, type KubeClients, type PodState } from './kube-client.js';
import { podRequests } from './kube-quantity.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterFactory, ColdPreparation, HttpRequestSpec, Invocation } from './types.js';

/** Pod-list poll while waiting for zero when the target sets no cold.pollInterval (Knative's own check uses 1 s). */
const DEFAULT_ZERO_POLL_MS = 500;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

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

export class KnativeAdapter implements Adapter {
  readonly kind = 'knative';
  private clients: KubeClients | undefined;
  private url: string | undefined;
  private facts: Record<string, string | number | boolean | null> = {};

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
      this.ctx.log(`could not read ${this.name} for the report: ${(err as Error).message}`);
    }
    if (!this.url) throw new TargetFailure(`target ${this.target.name}: ${this.name} has no status.url yet and the target sets no url`);
  }

  private async readService(): Promise<void> {
    const clients = (this.clients ??= connectKube({ context: this.target.context, namespace: this.target.namespace, what: `target ${this.target.name}` }));
    let service: KnativeServiceObject;
    try {
      service = (await withTimeout(
        clients.custom.getNamespacedCustomObject({
          group: 'serving.knative.dev',
          version: 'v1',
          namespace: this.target.namespace,
          plural: 'services',
          name: this.target.service,
        }),
        API_CALL_TIMEOUT_MS,
        `read ${this.name}`,
      )) as KnativeServiceObject;
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
      namespace: this.target.namespace,
      service: this.target.service,
      context: clients.location.context,
      url: this.url,
      revision: service.status?.latestReadyRevisionName ?? null,
      ready: ready?.status ?? null,
      scaleToZeroWindow: template?.metadata?.annotations?.['autoscaling.knative.dev/window'] ?? null,
      containerConcurrency: template?.spec?.containerConcurrency ?? null,
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
      const waitedMs = await pollUntil(
        async () => {
          let pods: PodState[];
          try {
            pods = await listPods(clients, this.selector);
          } catch (err) {
            throw new TargetFailure(`target ${this.target.name}: cannot list the pods of ${this.name}: ${apiErrorReason(err)}`);
          }
          return { done: isAtZero(pods), state: describePods(pods) };
        },
        {
          timeoutMs: cold.waitTimeoutMs,
          intervalMs: cold.pollIntervalMs || DEFAULT_ZERO_POLL_MS,
          signal: this.ctx.signal,
          log: this.ctx.log,
          what: `${this.name} to scale to zero`,
        },
      );
      return { controlPlaneUs: nowUs() - start, note: `at zero after ${waitedMs} ms` };
    } catch (err) {
      if (err instanceof TargetFailure && !err.message.startsWith('target ')) {
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

  describe() {
    return { ...this.facts };
  }
}

export const createKnativeAdapter: AdapterFactory = async (target, ctx) => new KnativeAdapter(target as KnativeTarget, ctx);

/** The knative adapter writes no journal entries (it changes nothing); an entry of its kind is not ours to undo. */
export async function restoreFromJournal(entry: JournalEntry): Promise<void> {
  throw new Error(`journal entry ${entry.id}: the knative adapter never changes a platform, so there is nothing to restore`);
}
