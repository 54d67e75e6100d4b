// kind: kubernetes: a Deployment reached at `url`, or at `service:` through the API server's service
// proxy with the kubeconfig's credentials (kube-proxy.ts). Up front (inspect(), kubernetes-problems.ts): the
// Service and its port, HPAs and KEDA ScaledObjects that would fight the replica count, a loopback
// url (port-forward), and the permissions the run needs (kube-access.ts). Cold strategy scale-from-zero: forceCold scales the Deployment to 0 through
// the scale subresource and watches its pods until none is left (untimed; terminated pods, such as
// evicted ones, stay listed and do not count); sampleCold scales it back up and times from the
// scale-up to the first successful response (kubernetes-scale.ts). The original replica count is
// journalled before the first change and restored at the end, on error and on abort.
// none / idle / command work as for plain HTTP.
import type { V1Deployment } from '@kubernetes/client-node';
import type { KubernetesTarget } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { KUBE_API_POLL_MS, KUBE_DATA_POLL_MS, KUBE_PROXY_POLL_MS } from '../control/defaults.js';
import { JournaledChange } from '../control/journaled-change.js';
import { TargetFailure } from '../errors.js';
import type { KubernetesFacts } from '../results/platform-facts.js';
import { invokeHttpTarget } from './http.js';
import { apiErrorReason, apiStatusCode, connectKube, kubeCall, selectorOf, type KubeClients } from './kube-client.js';
import { kubernetesNeeds } from './kube-access.js';
import { accessProblems } from './kube-access-review.js';
import { describePods, isLive } from './kube-pods.js';
import { proxiedRequest, proxyPort, proxyUrl } from './kube-proxy.js';
import { podRequests } from './kube-quantity.js';
import { PodWatch, waitForPods } from './kube-watch.js';
import { kubernetesJournal, type KubernetesLocation, type KubernetesUndo } from './kubernetes-journal.js';
import { kubernetesProblems, readKubernetesPlan } from './kubernetes-problems.js';
import { patchReplicas, sampleScaleUp } from './kubernetes-scale.js';
import { enforceProblems, type Problem } from './problems.js';
import { commonChanges, forceColdCommon, times } from './strategies.js';
import type { Adapter, AdapterContext, AdapterModule, ColdPreparation, HttpRequestSpec, Inspection, Invocation } from './types.js';

export { isStillStarting, patchReplicas } from './kubernetes-scale.js';

export class KubernetesAdapter implements Adapter<'kubernetes'> {
  readonly kind = 'kubernetes';
  private clients: KubeClients | undefined;
  private originalReplicas: number | null = null;
  private pods: PodWatch | undefined;
  private request: HttpRequestSpec | undefined;
  /** The service proxy URL inspect() resolved (`service:` targets). */
  private proxyTarget: string | undefined;
  private facts: KubernetesFacts = { kind: 'kubernetes' };
  private readonly change: JournaledChange<KubernetesUndo, KubernetesLocation>;

  constructor(
    private readonly target: KubernetesTarget,
    private readonly ctx: AdapterContext,
  ) {
    this.change = new JournaledChange(ctx.journal);
    if (target.url) this.request = { url: target.url, method: target.method, headers: target.headers, body: target.body };
  }

  private get namespace(): string {
    return this.clients?.location.namespace ?? this.target.namespace ?? "(the context's)";
  }

  private get name(): string {
    return `deployment ${JSON.stringify(this.target.deployment)} in namespace ${JSON.stringify(this.namespace)}`;
  }

  private get scaleFromZero(): boolean {
    return this.target.cold?.strategy === 'scale-from-zero';
  }

  /** Requests go through the API server's service proxy. */
  private get viaApiServer(): boolean {
    return this.target.service !== undefined;
  }

  private failure(action: string, err: unknown): TargetFailure {
    const context = this.clients ? ` (context ${this.clients.location.context})` : '';
    const why = apiStatusCode(err) === 404 ? `not found: ${apiErrorReason(err)}` : apiErrorReason(err);
    return new TargetFailure(`target ${this.target.name}: cannot ${action} ${this.name}${context}: ${why}`);
  }

  /** Read-only: the Deployment, and for scale-from-zero or `service:` the Service, HPAs and KEDA
   *  ScaledObjects, with the findings about them and the scaling the run will do. */
  async inspect(): Promise<Inspection<'kubernetes'>> {
    const inspection = (problems: Problem[], dataPlane: string | null): Inspection<'kubernetes'> => {
      const location = this.clients?.location;
      return {
        facts: this.describe(),
        problems,
        changes: [...this.scalingChanges(), ...commonChanges(this.target.cold)],
        ...(location ? { where: { server: location.server, context: location.context, namespace: location.namespace } } : {}),
        dataPlane,
      };
    };
    // The API is needed for the control plane and for the proxy; none / idle / command against a
    // plain URL only read it for the report.
    if (!this.scaleFromZero && !this.viaApiServer) {
      await this.readDeployment().catch((err) => this.ctx.log(`could not read ${this.name} for the report: ${apiErrorReason(err)}`));
      return inspection(await this.accessProblems(), this.target.url ?? null);
    }
    const deployment = await this.readDeployment();
    const clients = this.clients;
    if (!clients) throw new TargetFailure(`target ${this.target.name}: no API clients after reading ${this.name}`);
    const plan = await readKubernetesPlan(clients, this.target, deployment, this.ctx.signal).catch((err: unknown) => {
      throw this.failure('check', err);
    });
    const problems = [...kubernetesProblems(plan), ...(await this.accessProblems())];
    this.proxyTarget = undefined;
    if (this.target.service && plan.service) {
      const port = proxyPort(plan.service, this.target.servicePort);
      // A port that does not exist is among kubernetesProblems' errors.
      if (!('problem' in port)) this.proxyTarget = proxyUrl(clients.location.server, clients.location.namespace, this.target.service, port, this.target.path ?? '/');
    }
    return inspection(problems, this.proxyTarget ?? this.target.url ?? null);
  }

  /** Whether the credentials may make the calls this run needs (SelfSubjectAccessReviews). */
  private accessProblems(): Promise<Problem[]> {
    const clients = this.clients;
    return clients ? accessProblems(clients, kubernetesNeeds(this.target, clients.location.namespace), this.ctx.signal) : Promise.resolve([]);
  }

  /** scale-from-zero: the replica count goes to 0 and back once per sample, and back at the end. */
  private scalingChanges(): string[] {
    const samples = this.target.cold?.samples ?? 0;
    if (!this.scaleFromZero || samples === 0) return [];
    const original = this.originalReplicas ?? 1;
    return [`scale deployment ${this.target.deployment} ${original} -> 0 -> ${this.scaleUpTo}, ${times(samples)}; ${original} replica${original === 1 ? '' : 's'} restored at the end`];
  }

  async prepare(): Promise<void> {
    enforceProblems((await this.inspect()).problems, this.ctx);
    const clients = this.clients;
    if (this.proxyTarget && clients) {
      this.request = await proxiedRequest(clients.config, this.proxyTarget, { method: this.target.method, headers: this.target.headers, body: this.target.body });
      this.ctx.log(`requests go through the API server's service proxy: ${this.proxyTarget}`);
    }
    if (this.originalReplicas === 0 && this.scaleFromZero) {
      this.ctx.log(`${this.name} is at 0 replicas: cold samples scale it to 1; it is put back to 0 at the end`);
    }
  }

  private async readDeployment(): Promise<V1Deployment> {
    const clients = (this.clients ??= connectKube({ context: this.target.context, namespace: this.target.namespace, what: `target ${this.target.name}` }));
    let deployment: V1Deployment;
    try {
      deployment = await kubeCall(() => clients.apps.readNamespacedDeployment({ name: this.target.deployment, namespace: clients.location.namespace }), `read ${this.name}`, { signal: this.ctx.signal });
    } catch (err) {
      throw this.failure('read', err);
    }
    this.originalReplicas = deployment.spec?.replicas ?? 1;
    const selector = selectorOf(deployment.spec?.selector?.matchLabels);
    if (!selector) throw new TargetFailure(`target ${this.target.name}: ${this.name} has no spec.selector.matchLabels to find its pods by`);
    this.pods = new PodWatch(clients, selector, this.ctx.log);
    const requests = podRequests(deployment.spec?.template?.spec?.containers);
    this.facts = {
      kind: 'kubernetes',
      namespace: clients.location.namespace,
      deployment: this.target.deployment,
      context: clients.location.context,
      replicas: this.originalReplicas,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      cpuRequestCores: requests.cpuRequestCores,
      memoryRequestMiB: requests.memoryRequestMiB,
      containerRequests: requests.requests,
    };
    return deployment;
  }

  private get scaleUpTo(): number {
    return Math.max(1, this.originalReplicas ?? 1);
  }

  async forceCold(_seq?: number): Promise<ColdPreparation> {
    if (!this.scaleFromZero) return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    const { clients, pods } = this;
    const cold = this.target.cold;
    if (!clients || !pods || !cold || this.originalReplicas === null) throw new TargetFailure(`target ${this.target.name}: forceCold before prepare`);
    const start = nowUs();
    // Write-ahead: if we are killed from here on, `coldbench restore` puts the count back.
    this.change.begin({
      id: `kubernetes:${this.target.name}:replicas`,
      kind: 'kubernetes',
      target: this.target.name,
      undo: { replicas: this.originalReplicas },
      location: { ...clients.location, deployment: this.target.deployment },
    });
    try {
      await patchReplicas(clients, this.target.deployment, 0, this.ctx.signal);
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      throw this.failure('scale to 0', err);
    }
    try {
      // Terminated pods (evicted, completed) stay listed until garbage collection: not "left".
      const { waitedMs } = await waitForPods<void>(
        pods,
        (list) => (list.some(isLive) ? { done: false, state: describePods(list) } : { done: true, value: undefined }),
        { timeoutMs: cold.waitTimeoutMs, intervalMs: Math.max(cold.pollIntervalMs, KUBE_API_POLL_MS), signal: this.ctx.signal, log: this.ctx.log, what: `${this.name} to have no pods left` },
      );
      return { controlPlaneUs: usSince(start), note: `scaled to 0; no pod left after ${waitedMs} ms` };
    } catch (err) {
      if (!(err instanceof Error) || err.name === 'Interrupted') throw err;
      if (!(err instanceof TargetFailure)) throw this.failure('list the pods of', err);
      throw err.message.startsWith('target ') ? err : new TargetFailure(`target ${this.target.name}: ${err.message}`);
    }
  }

  async sampleCold(_seq?: number): Promise<Invocation> {
    const { clients, pods, request } = this;
    const cold = this.target.cold;
    if (!this.scaleFromZero || !cold) return this.invoke({ fresh: true });
    if (!clients || !pods || !request) throw new TargetFailure(`target ${this.target.name}: sampleCold before prepare`);
    return sampleScaleUp({
      clients,
      deployment: this.target.deployment,
      replicas: this.scaleUpTo,
      pods,
      request,
      requestTimeoutMs: this.target.timeoutMs,
      instanceHeader: cold.instanceHeader,
      waitTimeoutMs: cold.waitTimeoutMs,
      dataPollMs: this.viaApiServer ? Math.max(cold.pollIntervalMs, KUBE_PROXY_POLL_MS) : cold.pollIntervalMs || KUBE_DATA_POLL_MS,
      viaApiServer: this.viaApiServer,
      signal: this.ctx.signal,
      log: this.ctx.log,
      failure: (action, err) => this.failure(action, err),
    });
  }

  private requestSpec(): HttpRequestSpec {
    if (!this.request) throw new TargetFailure(`target ${this.target.name}: service ${this.target.service ?? '?'} not resolved (prepare did not run)`);
    return this.request;
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return invokeHttpTarget(this.requestSpec(), this.target, this.ctx, options.fresh);
  }

  warmLoad() {
    return { type: 'http' as const, request: this.requestSpec() };
  }

  /** Put the original replica count back (idempotent, once even when called concurrently; works
   *  after an abort: no signal used). The journal entry stays open if it fails. */
  restore(): Promise<void> {
    this.pods?.stop();
    return this.change.restore(async () => {
      const clients = this.clients;
      const replicas = this.originalReplicas;
      if (!clients || replicas === null) return;
      try {
        const scale = await kubeCall(
          () => clients.apps.readNamespacedDeploymentScale({ name: this.target.deployment, namespace: clients.location.namespace }),
          `read the scale of ${this.name}`,
        );
        if (scale.spec?.replicas !== replicas) {
          this.ctx.log(`restoring ${this.name} to ${replicas} replica(s)`);
          await patchReplicas(clients, this.target.deployment, replicas);
        }
      } catch (err) {
        throw this.failure(`restore ${replicas} replica(s) of`, err);
      }
    });
  }

  async close(): Promise<void> {
    this.pods?.stop();
  }

  describe(): KubernetesFacts {
    return { ...this.facts };
  }
}

export const kubernetesModule: AdapterModule<'kubernetes'> = {
  create: async (target, ctx) => new KubernetesAdapter(target, ctx),
  journal: kubernetesJournal,
};

/** `coldbench restore` of one journal entry of this kind (checked against its record shape first). */
export const restoreFromJournal = kubernetesJournal.restore;
