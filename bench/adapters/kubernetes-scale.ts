// The Kubernetes control plane of scale-from-zero: scaling through the scale subresource, and the
// cold sample itself, timed from the scale-up to the first successful response (polling through
// refused connections and 503s, which mean "still starting"), with the time until the API reports
// a ready replica recorded beside it (extra.readyMs). The sample ends only once every replica of the
// scale-up is ready (untimed): pods of one scale-up become ready at different times, and what
// follows (the warm phase, the next sample) must find the Deployment as it was, not with a replica
// still starting.
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { nowUs, usSince } from '../control/clock.js';
import { API_CALL_TIMEOUT_MS } from '../control/defaults.js';
import { pollUntil } from '../control/poll.js';
import { timedRequest, type TimedResponse } from '../http/timed-request.js';
import { kubeCall, withTimeout, type KubeClients } from './kube-client.js';
import type { HttpRequestSpec, Invocation } from './types.js';

const msOfUs = (us: number) => Math.round(us) / 1000;

/** Responses that mean "still starting" during a scale-up: retried, never counted as errors. */
export function isStillStarting(response: Pick<Invocation, 'error' | 'status'>): boolean {
  if (response.error === 'connection-refused' || response.error === 'connection-reset') return true;
  return response.status === 502 || response.status === 503 || response.status === 504;
}

/** Scale through the scale subresource with a merge patch (client-node's default is JSON Patch). */
export async function patchReplicas(clients: KubeClients, deployment: string, replicas: number, signal?: AbortSignal): Promise<void> {
  await kubeCall(
    () =>
      clients.apps.patchNamespacedDeploymentScale(
        { name: deployment, namespace: clients.location.namespace, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    `scale deployment ${deployment}`,
    { signal, mutation: true },
  );
}

export interface ScaleUpSample {
  clients: KubeClients;
  deployment: string;
  replicas: number;
  request: HttpRequestSpec;
  requestTimeoutMs: number;
  instanceHeader?: string;
  waitTimeoutMs: number;
  apiPollMs: number;
  dataPollMs: number;
  signal: AbortSignal;
  /** Progress of the wait for every replica to be ready. */
  log?: (message: string) => void;
  /** Names the deployment in a failure ("cannot scale to 3 deployment ..."). */
  failure(action: string, err: unknown): Error;
}

/** Scale up and time until the first real answer. A scale-up the API refuses throws (via failure()). */
export async function sampleScaleUp(s: ScaleUpSample): Promise<Invocation> {
  const startedAtMs = Date.now();
  const start = nowUs();
  const deadline = Date.now() + s.waitTimeoutMs;
  try {
    await patchReplicas(s.clients, s.deployment, s.replicas, s.signal);
  } catch (err) {
    throw s.failure(`scale to ${s.replicas}`, err);
  }
  const scaleApiUs = usSince(start);

  // Control plane, beside the data-plane poll: when does the API report a first ready replica
  // (readyMs), and when are all of them ready (the end of the sample, untimed)?
  let readyUs: number | null = null;
  let readyReplicas = 0;
  const stopWatch = new AbortController();
  const watchSignal = AbortSignal.any([s.signal, stopWatch.signal]);
  const readyWatch = pollUntil<void>(
    async () => {
      try {
        const d = await withTimeout(
          s.clients.apps.readNamespacedDeployment({ name: s.deployment, namespace: s.clients.location.namespace }),
          API_CALL_TIMEOUT_MS,
          `read deployment ${s.deployment}`,
        );
        // readyReplicas is absent (not 0) while nothing is ready.
        readyReplicas = d.status?.readyReplicas ?? 0;
        if (readyReplicas >= 1) readyUs ??= usSince(start);
        if (readyReplicas >= s.replicas) return { done: true, value: undefined };
        return { done: false, state: `${readyReplicas} of ${s.replicas} replica(s) ready` };
      } catch {
        return { done: false, state: 'status unreadable' }; // only loses readyMs; the sample goes on
      }
    },
    {
      what: `every replica of deployment ${s.deployment} to be ready`,
      timeoutMs: Math.max(0, deadline - Date.now()),
      intervalMs: s.apiPollMs,
      signal: watchSignal,
      log: s.log,
    },
  ).catch(() => undefined);

  // Data plane: fresh connections until the first real answer.
  let attempts = 0;
  let last: TimedResponse | undefined;
  let timedOut = false;
  for (;;) {
    attempts += 1;
    const remaining = deadline - Date.now();
    last = await timedRequest({ ...s.request, timeoutMs: Math.max(1, Math.min(s.requestTimeoutMs, remaining)), fresh: true, instanceHeader: s.instanceHeader, signal: s.signal });
    if (!isStillStarting(last) || s.signal.aborted) break;
    if (Date.now() + s.dataPollMs >= deadline) {
      timedOut = true;
      break;
    }
    await sleep(s.dataPollMs, undefined, { signal: s.signal }).catch(() => undefined);
  }
  const latencyUs = usSince(start);

  // Untimed: wait (within the sample's waitTimeout) until every replica is ready, so the next step
  // starts from the Deployment at its full count; a failed, timed-out or aborted sample does not wait.
  const settle = !timedOut && last.error === null && !s.signal.aborted;
  if (!settle) stopWatch.abort();
  await readyWatch;
  stopWatch.abort();
  if (settle && !s.signal.aborted && readyReplicas < s.replicas) {
    s.log?.(`deployment ${s.deployment}: ${readyReplicas} of ${s.replicas} replica(s) ready within cold.waitTimeout; going on`);
  }

  const extra = { readyMs: readyUs === null ? null : msOfUs(readyUs), scaleApiMs: msOfUs(scaleApiUs), startAttempts: attempts, replicas: s.replicas };
  const response = last;
  if (timedOut) {
    return {
      startedAtMs,
      latencyUs,
      status: response.status,
      error: 'timeout',
      errorMessage: `no successful response within ${Math.round(s.waitTimeoutMs / 1000)} s of the scale-up (last: ${response.errorMessage ?? `HTTP ${response.status}`})`,
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
