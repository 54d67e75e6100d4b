// The Kubernetes control plane of scale-from-zero: scaling through the scale subresource, and the
// cold sample itself, timed from the scale-up to the first successful response (retrying through
// refused connections and 502/503/504, which mean "still starting"; through the API server's
// service proxy also 429, after its Retry-After). Beside it, from the pod watch: when the API first
// showed a ready pod (extra.readyMs) and the serving pod's own start-up times from its conditions.
// The sample ends only once every replica of the scale-up is ready (untimed): pods of one scale-up
// become ready at different times, and what follows (the warm phase, the next sample) must find
// the Deployment as it was, not with a replica still starting.
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { nowUs, usSince } from '../control/clock.js';
import { KUBE_API_POLL_MS } from '../control/defaults.js';
import { parseRetryAfter } from '../control/transient.js';
import { timedRequest, type TimedResponse } from '../http/timed-request.js';
import { kubeCall, type KubeClients } from './kube-client.js';
import { isLive, isServing, podStartTimes, servingPod } from './kube-pods.js';
import { waitForPods, type PodWatch } from './kube-watch.js';
import type { HttpRequestSpec, Invocation } from './types.js';

const msOfUs = (us: number) => Math.round(us) / 1000;

/** Responses that mean "still starting" during a scale-up: retried, never counted as errors. Through
 *  the API server's proxy a 429 (its own throttling) is one too: the proxy, not the pod, answered. */
export function isStillStarting(response: Pick<Invocation, 'error' | 'status'>, viaApiServer = false): boolean {
  if (response.error === 'connection-refused' || response.error === 'connection-reset') return true;
  if (viaApiServer && response.status === 429) return true;
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
  /** The Deployment's pods (after the scale to zero: only those of this scale-up are live). */
  pods: PodWatch;
  request: HttpRequestSpec;
  requestTimeoutMs: number;
  instanceHeader?: string;
  waitTimeoutMs: number;
  /** Pause between data-plane tries. */
  dataPollMs: number;
  /** Requests go through the API server (its service proxy): tries are API requests, never more
   *  than one per KUBE_API_POLL_MS, and a pod turning ready wakes the next one early. */
  viaApiServer: boolean;
  signal: AbortSignal;
  /** Progress of the wait for every replica to be ready. */
  log?: (message: string) => void;
  /** Names the deployment in a failure ("cannot scale to 3 deployment ..."). */
  failure(action: string, err: unknown): Error;
}

/** Pause before the next try. Through the API server: the proxy's Retry-After after a 429, else
 *  until a pod changes (it may have turned ready) or the poll interval ends, and never a second try
 *  within KUBE_API_POLL_MS of the last. */
async function pauseBeforeNextTry(s: ScaleUpSample, last: TimedResponse, triedAt: number, deadline: number): Promise<void> {
  const sleepUntil = (at: number) => (Date.now() < at ? sleep(at - Date.now(), undefined, { signal: s.signal }).catch(() => undefined) : undefined);
  if (!s.viaApiServer) return sleepUntil(Math.min(deadline, triedAt + s.dataPollMs));
  const retryAfter = last.status === 429 ? parseRetryAfter(String(last.headers['retry-after'] ?? '')) : undefined;
  if (retryAfter !== undefined) return sleepUntil(Math.min(deadline, triedAt + Math.max(retryAfter, KUBE_API_POLL_MS)));
  await s.pods.nextChange(Math.min(deadline, triedAt + s.dataPollMs) - Date.now(), s.signal);
  return sleepUntil(Math.min(deadline, triedAt + KUBE_API_POLL_MS));
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

  // Control plane, beside the data plane, from the pod watch: when does the API show a first ready
  // pod (readyMs), and when are all of them ready (the end of the sample, untimed)?
  let readyUs: number | null = null;
  let ready = 0;
  const stopWatch = new AbortController();
  const readiness = waitForPods<void>(
    s.pods,
    (pods) => {
      ready = pods.filter(isServing).length;
      if (ready >= 1) readyUs ??= usSince(start);
      return ready >= s.replicas ? { done: true, value: undefined } : { done: false, state: `${ready} of ${s.replicas} replica(s) ready` };
    },
    { what: `every replica of deployment ${s.deployment} to be ready`, timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: KUBE_API_POLL_MS, signal: AbortSignal.any([s.signal, stopWatch.signal]), log: s.log },
  ).catch(() => undefined); // only loses readyMs and the pod's times; the sample goes on

  // Data plane: fresh connections until the first real answer.
  let attempts = 0;
  let last: TimedResponse | undefined;
  let timedOut = false;
  for (;;) {
    attempts += 1;
    const triedAt = Date.now();
    last = await timedRequest({ ...s.request, timeoutMs: Math.max(1, Math.min(s.requestTimeoutMs, deadline - triedAt)), fresh: true, instanceHeader: s.instanceHeader, signal: s.signal });
    if (!isStillStarting(last, s.viaApiServer) || s.signal.aborted) break;
    if (Date.now() + (s.viaApiServer ? KUBE_API_POLL_MS : s.dataPollMs) >= deadline) {
      timedOut = true;
      break;
    }
    await pauseBeforeNextTry(s, last, triedAt, deadline);
  }
  const latencyUs = usSince(start);

  // Untimed: wait (within the sample's waitTimeout) until every replica is ready, so the next step
  // starts from the Deployment at its full count; a failed, timed-out or aborted sample does not wait.
  const settle = !timedOut && last.error === null && !s.signal.aborted;
  if (!settle) stopWatch.abort();
  await readiness;
  stopWatch.abort();
  if (settle && !s.signal.aborted && ready < s.replicas) {
    s.log?.(`deployment ${s.deployment}: ${ready} of ${s.replicas} replica(s) ready within cold.waitTimeout; going on`);
  }

  const pod = servingPod(s.pods.list().filter(isLive), last.instance);
  const extra = {
    readyMs: readyUs === null ? null : msOfUs(readyUs),
    scaleApiMs: msOfUs(scaleApiUs),
    startAttempts: attempts,
    replicas: s.replicas,
    ...podStartTimes(pod, startedAtMs),
  };
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
