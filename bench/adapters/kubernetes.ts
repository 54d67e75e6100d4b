// kind: kubernetes: a Deployment behind `url`. Cold strategy scale-from-zero: forceCold scales the
// Deployment to 0 through the scale subresource and waits until no pod is left (untimed);
// sampleCold scales it back up and times from the scale-up to the first successful response,
// polling through refused connections and 503s (expected while pods start, not errors). The time
// until the API reports ready replicas is recorded beside it (extra.readyMs). The original replica
// count is journalled before the first change and restored at the end, on error and on abort.
// none / idle / command work as for plain HTTP.
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubernetesTarget } from '../config/schema.js';
import { TargetFailure } from '../errors.js';
import { timedRequest, type TimedResponse } from '../http/timed-request.js';
import type { JournalEntry } from '../journal.js';
import {
  API_CALL_TIMEOUT_MS,
  apiErrorReason,
  apiStatusCode,
  connectKube,
  describePods,
  listPods,
  pollUntil,
  selectorOf,
  withTimeout,
  type KubeClients,
  type KubeLocation,
} from './kube-client.js';
import { podRequests } from './kube-quantity.js';
import { invokeHttpTarget } from './http.js';
import { forceColdCommon } from './strategies.js';
import type { Adapter, AdapterContext, AdapterFactory, ColdPreparation, HttpRequestSpec, Invocation } from './types.js';

/** Data-plane poll while pods start, when the target sets no cold.pollInterval. */
const DEFAULT_DATA_POLL_MS = 10;
/** Control-plane poll (pods gone, ready replicas) when the target sets none; gentler on a real API server. */
const DEFAULT_API_POLL_MS = 50;
/** How long to keep asking the API for ready replicas after the first successful response. */
const READY_GRACE_MS = 5_000;

const nowNs = () => process.hrtime.bigint();
const usSince = (start: bigint) => Number((nowNs() - start) / 1000n);
const msOfUs = (us: number) => Math.round(us) / 1000;

/** Responses that mean "still starting" during a scale-up: retried, never counted as errors. */
export function isStillStarting(response: Pick<Invocation, 'error' | 'status'>): boolean {
  if (response.error === 'connection-refused' || response.error === 'connection-reset') return true;
  return response.status === 502 || response.status === 503 || response.status === 504;
}

/** Scale through the scale subresource with a merge patch (client-node's default is JSON Patch). */
export async function patchReplicas(clients: KubeClients, deployment: string, replicas: number): Promise<void> {
  await withTimeout(
    clients.apps.patchNamespacedDeploymentScale(
      { name: deployment, namespace: clients.location.namespace, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ),
    API_CALL_TIMEOUT_MS,
    `scale deployment ${deployment}`,
  );
}

export class KubernetesAdapter implements Adapter {
  readonly kind = 'kubernetes';
  private clients: KubeClients | undefined;
  private originalReplicas: number | null = null;
  private selector = '';
  private facts: Record<string, string | number | boolean | null> = {};
  /** Set once the journal entry is written: restore() has something to undo. */
  private changed = false;

  constructor(
    private readonly target: KubernetesTarget,
    private readonly ctx: AdapterContext,
  ) {}

  private get name(): string {
    return `deployment ${JSON.stringify(this.target.deployment)} in namespace ${JSON.stringify(this.target.namespace)}`;
  }

  private get journalId(): string {
    return `kubernetes:${this.target.name}:replicas`;
  }

  private get scaleFromZero(): boolean {
    return this.target.cold?.strategy === 'scale-from-zero';
  }

  private get apiPollMs(): number {
    return this.target.cold?.pollIntervalMs || DEFAULT_API_POLL_MS;
  }

  private get dataPollMs(): number {
    return this.target.cold?.pollIntervalMs || DEFAULT_DATA_POLL_MS;
  }

  private failure(action: string, err: unknown): TargetFailure {
    const context = this.clients ? ` (context ${this.clients.location.context})` : '';
    const why = apiStatusCode(err) === 404 ? `not found: ${apiErrorReason(err)}` : apiErrorReason(err);
    return new TargetFailure(`target ${this.target.name}: cannot ${action} ${this.name}${context}: ${why}`);
  }

  async prepare(): Promise<void> {
    // Only the control plane needs the API; none / idle / command against a plain URL do not.
    if (!this.scaleFromZero) {
      await this.readFacts().catch((err) => this.ctx.log(`could not read ${this.name} for the report: ${apiErrorReason(err)}`));
      return;
    }
    await this.readFacts();
    if (this.originalReplicas === 0) {
      this.ctx.log(`${this.name} is at 0 replicas: cold samples scale it to 1; it is put back to 0 at the end`);
    }
  }

  private async readFacts(): Promise<void> {
    const clients = (this.clients ??= connectKube({ context: this.target.context, namespace: this.target.namespace, what: `target ${this.target.name}` }));
    let deployment;
    try {
      deployment = await withTimeout(
        clients.apps.readNamespacedDeployment({ name: this.target.deployment, namespace: this.target.namespace }),
        API_CALL_TIMEOUT_MS,
        `read ${this.name}`,
      );
    } catch (err) {
      throw this.failure('read', err);
    }
    this.originalReplicas = deployment.spec?.replicas ?? 1;
    this.selector = selectorOf(deployment.spec?.selector?.matchLabels);
    if (!this.selector) throw new TargetFailure(`target ${this.target.name}: ${this.name} has no spec.selector.matchLabels to find its pods by`);
    const requests = podRequests(deployment.spec?.template?.spec?.containers);
    this.facts = {
      namespace: this.target.namespace,
      deployment: this.target.deployment,
      context: clients.location.context,
      replicas: this.originalReplicas,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      cpuRequestCores: requests.cpuRequestCores,
      memoryRequestMiB: requests.memoryRequestMiB,
      containerRequests: requests.requests,
    };
  }

  private get scaleUpTo(): number {
    return Math.max(1, this.originalReplicas ?? 1);
  }

  private location(): Record<string, unknown> {
    const where: KubeLocation & { deployment: string } = { ...this.clients!.location, deployment: this.target.deployment };
    return { ...where };
  }

  async forceCold(_seq?: number): Promise<ColdPreparation> {
    if (!this.scaleFromZero) return (await forceColdCommon(this.target.cold, this.ctx)) ?? {};
    const clients = this.clients;
    if (!clients || this.originalReplicas === null) throw new TargetFailure(`target ${this.target.name}: forceCold before prepare`);
    const start = nowNs();
    if (!this.changed) {
      // Write-ahead: if we are killed from here on, `coldbench restore` puts the count back.
      this.ctx.journal.begin({
        id: this.journalId,
        kind: 'kubernetes',
        target: this.target.name,
        undo: { replicas: this.originalReplicas },
        location: this.location(),
      });
      this.changed = true;
    }
    try {
      await patchReplicas(clients, this.target.deployment, 0);
    } catch (err) {
      throw this.failure('scale to 0', err);
    }
    const cold = this.target.cold!;
    const waitedMs = await pollUntil(
      async () => {
        const pods = await listPods(clients, this.selector).catch((err) => {
          throw this.failure('list the pods of', err);
        });
        return { done: pods.length === 0, state: describePods(pods) };
      },
      { timeoutMs: cold.waitTimeoutMs, intervalMs: this.apiPollMs, signal: this.ctx.signal, log: this.ctx.log, what: `${this.name} to have no pods left` },
    ).catch((err) => {
      if (err instanceof TargetFailure && !err.message.startsWith('target ')) throw new TargetFailure(`target ${this.target.name}: ${err.message}`);
      throw err;
    });
    return { controlPlaneUs: usSince(start), note: `scaled to 0; no pod left after ${waitedMs} ms` };
  }

  async sampleCold(_seq?: number): Promise<Invocation> {
    if (!this.scaleFromZero) return this.invoke({ fresh: true });
    const clients = this.clients;
    if (!clients) throw new TargetFailure(`target ${this.target.name}: sampleCold before prepare`);
    const cold = this.target.cold!;
    const startedAtMs = Date.now();
    const start = nowNs();
    const deadline = Date.now() + cold.waitTimeoutMs;
    try {
      await patchReplicas(clients, this.target.deployment, this.scaleUpTo);
    } catch (err) {
      throw this.failure(`scale to ${this.scaleUpTo}`, err);
    }
    const scaleApiUs = usSince(start);

    // Control plane: when does the API report a ready replica? (runs beside the data-plane poll)
    let readyUs: number | null = null;
    let stopReadyWatch = false;
    const readyWatch = (async () => {
      while (!stopReadyWatch && !this.ctx.signal.aborted && Date.now() < deadline) {
        try {
          const d = await withTimeout(
            clients.apps.readNamespacedDeployment({ name: this.target.deployment, namespace: this.target.namespace }),
            API_CALL_TIMEOUT_MS,
            `read ${this.name}`,
          );
          // readyReplicas is absent (not 0) while nothing is ready.
          if ((d.status?.readyReplicas ?? 0) >= 1) {
            readyUs = usSince(start);
            return;
          }
        } catch {
          // a failed status read only loses readyMs; the sample itself goes on
        }
        await sleep(this.apiPollMs, undefined, { signal: this.ctx.signal }).catch(() => undefined);
      }
    })();

    // Data plane: fresh connections until the first real answer.
    let attempts = 0;
    let last: TimedResponse | undefined;
    let timedOut = false;
    for (;;) {
      attempts += 1;
      const remaining = deadline - Date.now();
      last = await timedRequest({
        ...this.requestSpec(),
        timeoutMs: Math.max(1, Math.min(this.target.timeoutMs, remaining)),
        fresh: true,
        instanceHeader: cold.instanceHeader,
        signal: this.ctx.signal,
      });
      if (!isStillStarting(last) || this.ctx.signal.aborted) break;
      if (Date.now() + this.dataPollMs >= deadline) {
        timedOut = true;
        break;
      }
      await sleep(this.dataPollMs, undefined, { signal: this.ctx.signal }).catch(() => undefined);
    }
    const latencyUs = usSince(start);

    // Give the API a short moment to report readiness if it lags the data plane.
    const graceEnd = Date.now() + READY_GRACE_MS;
    while (readyUs === null && Date.now() < Math.min(graceEnd, deadline) && !this.ctx.signal.aborted) {
      await sleep(this.apiPollMs, undefined, { signal: this.ctx.signal }).catch(() => undefined);
    }
    stopReadyWatch = true;
    await readyWatch;

    const response = last!;
    const extra = {
      readyMs: readyUs === null ? null : msOfUs(readyUs),
      scaleApiMs: msOfUs(scaleApiUs),
      startAttempts: attempts,
      replicas: this.scaleUpTo,
    };
    if (timedOut) {
      return {
        startedAtMs,
        latencyUs,
        status: response.status,
        error: 'timeout',
        errorMessage: `no successful response within ${Math.round(cold.waitTimeoutMs / 1000)} s of the scale-up (last: ${response.errorMessage ?? `HTTP ${response.status}`})`,
        instance: null,
        timing: response.timing,
        extra,
      };
    }
    return {
      startedAtMs,
      latencyUs,
      status: response.status,
      error: response.error,
      errorMessage: response.errorMessage,
      instance: response.instance ?? null,
      timing: response.timing,
      extra,
    };
  }

  private requestSpec(): HttpRequestSpec {
    return { url: this.target.url, method: this.target.method, headers: this.target.headers, body: this.target.body };
  }

  invoke(options: { fresh: boolean }): Promise<Invocation> {
    return invokeHttpTarget(this.requestSpec(), this.target, this.ctx, options.fresh);
  }

  warmLoad() {
    return { type: 'http' as const, request: this.requestSpec() };
  }

  /** Put the original replica count back (idempotent; works after abort: no signal used). */
  async restore(): Promise<void> {
    if (!this.changed || !this.clients || this.originalReplicas === null) return;
    try {
      const scale = await withTimeout(
        this.clients.apps.readNamespacedDeploymentScale({ name: this.target.deployment, namespace: this.target.namespace }),
        API_CALL_TIMEOUT_MS,
        `read the scale of ${this.name}`,
      );
      if (scale.spec?.replicas !== this.originalReplicas) {
        this.ctx.log(`restoring ${this.name} to ${this.originalReplicas} replica(s)`);
        await patchReplicas(this.clients, this.target.deployment, this.originalReplicas);
      }
    } catch (err) {
      // The journal entry stays open, so `coldbench restore` can retry.
      throw this.failure(`restore ${this.originalReplicas} replica(s) of`, err);
    }
    this.ctx.journal.done(this.journalId);
    this.changed = false;
  }

  describe() {
    return { ...this.facts };
  }
}

export const createKubernetesAdapter: AdapterFactory = async (target, ctx) => new KubernetesAdapter(target as KubernetesTarget, ctx);

/** Undo one journal entry after a killed run: scale the Deployment back to its recorded count. */
export async function restoreFromJournal(entry: JournalEntry): Promise<void> {
  const location = entry.location as Partial<KubeLocation & { deployment: string }>;
  const replicas = (entry.undo as { replicas?: unknown }).replicas;
  if (!location.deployment || !location.namespace || typeof replicas !== 'number') {
    throw new Error(`journal entry ${entry.id}: missing deployment, namespace or replicas`);
  }
  const clients = connectKube({ context: location.context, namespace: location.namespace, what: `journal entry ${entry.id}` });
  if (location.server && clients.location.server !== location.server) {
    throw new Error(
      `journal entry ${entry.id}: context ${clients.location.context} now points at ${clients.location.server}, not ${location.server} as during the run; not touching it`,
    );
  }
  try {
    await patchReplicas(clients, location.deployment, replicas);
  } catch (err) {
    throw new Error(`journal entry ${entry.id}: cannot scale deployment ${location.deployment} in namespace ${location.namespace} back to ${replicas}: ${apiErrorReason(err)}`);
  }
}
