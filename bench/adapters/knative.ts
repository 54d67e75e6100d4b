// kind: knative: a Knative Service, called at `url` or at the Service's status.url; through an
// ingress address (`url` on another host than status.url) the Host header is status.url's host
// unless `host` says otherwise. Up front (inspect(), knative-problems.ts) it refuses what keeps the service
// from zero and predicts the wait per sample, and checks the permissions the run needs (kube-access.ts). Cold strategy scale-to-zero changes nothing on the
// platform: forceCold watches the pods (bounded, with progress) until none is Pending or Running
// without a deletionTimestamp (Knative's own "at zero" check), then the sample is one request on a
// fresh connection, which the activator holds while a pod starts; the new pod's own start-up times
// (its conditions) are recorded beside it. none / idle / command work as for plain HTTP.
import type { V1Pod } from '@kubernetes/client-node';
import type { KnativeTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { KNATIVE_ZERO_POLL_MS } from '../control/defaults.js';
import { messageOf, TargetFailure } from '../errors.js';
import type { KnativeFacts } from '../results/platform-facts.js';
import { invokeHttpTarget } from './http.js';
import { knativeNeeds } from './kube-access.js';
import { accessProblems } from './kube-access-review.js';
import { apiErrorReason, apiStatusCode, connectKube, kubeCall, type KubeClients } from './kube-client.js';
import { describePods, podStartTimes } from './kube-pods.js';
import { podRequests } from './kube-quantity.js';
import { PodWatch, waitForPods } from './kube-watch.js';
import { ingressHost, knativeProblems, predictZeroWait, readKnativePlan } from './knative-problems.js';
import { asKnativeService, type KnativeServiceObject } from './knative-service.js';
import { newPodTimes } from './knative-pod-times.js';
import { enforceProblems, type Problem } from './problems.js';
import { commonChanges, forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, HttpRequestSpec, Inspection, Invocation } from './types.js';

/** Knative's "scaled to zero": no pod Pending, none Running without a deletion timestamp. */
export function isAtZero(pods: V1Pod[]): boolean {
  return !pods.some((p) => p.status?.phase === 'Pending' || (p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp));
}

export class KnativeAdapter implements Adapter<'knative'> {
  readonly kind = 'knative';
  private clients: KubeClients | undefined;
  private url: string | undefined;
  private host: string | undefined;
  private pods: PodWatch | undefined;
  private facts: KnativeFacts = { kind: 'knative' };

  constructor(
    private readonly target: KnativeTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.url = target.url;
    this.host = target.host;
  }

  private get namespace(): string {
    return this.clients?.location.namespace ?? this.target.namespace ?? '(the context\'s)';
  }

  private get name(): string {
    return `knative service ${JSON.stringify(this.target.service)} in namespace ${JSON.stringify(this.namespace)}`;
  }

  private get scaleToZero(): boolean {
    return this.target.cold?.strategy === 'scale-to-zero';
  }

  /** Read-only: the service, knative-serving/config-autoscaler, and the findings about them
   *  (scale-to-zero changes nothing: it only waits, for as long as predicted here). */
  async inspect(): Promise<Inspection<'knative'>> {
    const needsApi = !this.target.url || this.scaleToZero;
    let service: KnativeServiceObject | undefined;
    try {
      service = await this.readService();
    } catch (err) {
      if (needsApi) throw err;
      this.ctx.log(`could not read ${this.name} for the report: ${messageOf(err)}`);
    }
    const problems: Problem[] = [];
    let coldWaitMs: number | undefined;
    if (service && this.clients) {
      const plan = await readKnativePlan(this.clients, this.target, service, this.ctx.signal);
      if ('unreadable' in plan.autoscaler && this.scaleToZero) {
        this.ctx.log(`could not read knative-serving/config-autoscaler (${plan.autoscaler.unreadable}): assuming Knative's defaults for the checks`);
      }
      problems.push(...knativeProblems(plan));
      problems.push(...(await accessProblems(this.clients, knativeNeeds(this.target, this.clients.location.namespace), this.ctx.signal)));
      if (this.scaleToZero) {
        const wait = predictZeroWait(plan);
        coldWaitMs = wait.maxMs;
        this.ctx.log(`each cold sample first waits for scale to zero: ${Math.round(wait.minMs / 1000)}-${Math.round(wait.maxMs / 1000)} s (${wait.because})`);
      }
    }
    if (!this.url) throw new TargetFailure(`target ${this.target.name}: ${this.name} has no status.url yet and the target sets no url`);
    this.host = ingressHost({ url: this.target.url, host: this.target.host }, service?.status?.url);
    const location = this.clients?.location;
    return {
      facts: this.describe(),
      problems,
      changes: commonChanges(this.target.cold),
      ...(location ? { where: { server: location.server, context: location.context, namespace: location.namespace } } : {}),
      dataPlane: this.url,
      ...(coldWaitMs !== undefined ? { coldWaitMs } : {}),
    };
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
    if (this.host && !this.target.host) this.ctx.log(`sending Host: ${this.host} (from status.url) to ${this.url}`);
  }

  private async readService(): Promise<KnativeServiceObject> {
    const clients = (this.clients ??= connectKube({ context: this.target.context, namespace: this.target.namespace, what: `target ${this.target.name}` }));
    const namespace = clients.location.namespace;
    let service: KnativeServiceObject;
    try {
      const object: unknown = await kubeCall(
        () => clients.custom.getNamespacedCustomObject({ group: 'serving.knative.dev', version: 'v1', namespace, plural: 'services', name: this.target.service }),
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
      namespace,
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
    return service;
  }

  /** The service's pods, watched from the first wait on (one list, then one long-lived watch). */
  private podWatch(clients: KubeClients): PodWatch {
    return (this.pods ??= new PodWatch(clients, `serving.knative.dev/service=${this.target.service}`, this.ctx.log));
  }

  async forceCold(_seq?: number): Promise<ColdPreparation> {
    if (!this.scaleToZero) return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    const clients = this.clients;
    const cold = this.target.cold;
    if (!clients || !cold) throw new TargetFailure(`target ${this.target.name}: forceCold before prepare`);
    const start = nowUs();
    try {
      const { waitedMs } = await waitForPods<void>(
        this.podWatch(clients),
        // A transient failure (429, 5xx) is retried by the wait; any other ends it.
        (pods) => (isAtZero(pods) ? { done: true, value: undefined } : { done: false, state: describePods(pods) }),
        { timeoutMs: cold.waitTimeoutMs, intervalMs: cold.pollIntervalMs || KNATIVE_ZERO_POLL_MS, signal: this.ctx.signal, log: this.ctx.log, what: `${this.name} to scale to zero` },
      );
      return { controlPlaneUs: usSince(start), note: `at zero after ${waitedMs} ms` };
    } catch (err) {
      if (!(err instanceof Error) || err.name === 'Interrupted') throw err;
      if (!(err instanceof TargetFailure)) {
        throw new TargetFailure(`target ${this.target.name}: cannot list the pods of ${this.name}: ${apiErrorReason(err)}`);
      }
      if (!err.message.startsWith('target ')) {
        throw new TargetFailure(`target ${this.target.name}: ${err.message}; check the revision's autoscaling.knative.dev/window and cold.waitTimeout`);
      }
      throw err;
    }
  }

  async sampleCold(_seq?: number): Promise<Invocation> {
    const watch = this.clients && this.scaleToZero ? this.podWatch(this.clients) : undefined;
    const sample = await this.invoke({ fresh: true });
    if (!watch || sample.error || this.ctx.signal.aborted) return sample;
    // Untimed: the pod that answered, and its own start-up from its conditions.
    const pod = await newPodTimes(watch, sample, this.ctx.signal);
    return { ...sample, extra: { ...sample.extra, ...podStartTimes(pod, sample.startedAtMs) } };
  }

  private requestSpec(): HttpRequestSpec {
    const headers = { ...this.target.headers };
    // Calling through an ingress address: the ingress routes by Host.
    if (this.host) headers.host = this.host;
    return { url: this.url!, method: this.target.method, headers, body: this.target.body };
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return invokeHttpTarget(this.requestSpec(), this.target, this.ctx, options.fresh);
  }

  warmLoad() {
    return { type: 'http' as const, request: this.requestSpec() };
  }

  /** scale-to-zero only waits; nothing on the platform was changed. The pod watch is closed. */
  async restore(): Promise<void> {
    this.pods?.stop();
  }

  async close(): Promise<void> {
    this.pods?.stop();
  }

  describe(): KnativeFacts {
    return { ...this.facts };
  }
}

/** No journal: scale-to-zero changes nothing on the platform. */
export const knativeModule: AdapterModule<'knative'> = {
  create: async (target, ctx) => new KnativeAdapter(target, ctx),
};

/** An annotation holding a whole number ("2"), or null. */
function wholeNumber(value: string | undefined): number | null {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
