// Following a Kubernetes origin's pod: wait until its container started (failing fast when it
// cannot: the image cannot be pulled, a Secret is missing, the Job failed), follow its log while
// it runs, and read how it ended. The log stream is not trusted to end by itself (a broken
// connection never ends a piped stream): the pod's state decides when the run is over.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Log } from '@kubernetes/client-node';
import { apiErrorReason, apiStatusCode, kubeCall } from '../adapters/kube-client.js';
import { pollUntil } from '../control/poll.js';
import { TargetFailure } from '../errors.js';
import { CONTAINER, type KubeObjectRef } from './kubernetes-manifests.js';
import { jobPodSelector, type OriginKubeClients } from './kubernetes-objects.js';

/** Waiting reasons that will not resolve by waiting (the kubelet keeps retrying, in vain). */
const CANNOT_START = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError', 'StartError']);
/** How long the log stream may lag behind the end of the container. */
const LOG_DRAIN_MS = 5_000;
/** Bound of the log kept in memory (the results block is at its end). */
const MAX_LOG_CHARS = 64 * 1024 * 1024;

export interface PodEnd {
  gone: boolean;
  exitCode?: number;
  reason?: string;
}

/** The name of the Job's pod once its container has started (or already ended). */
export async function waitForPodStarted(clients: OriginKubeClients, job: KubeObjectRef, options: { timeoutMs: number; signal: AbortSignal; log: (m: string) => void }): Promise<string> {
  const { value } = await pollUntil(
    async () => {
      const pods = await kubeCall(() => clients.core.listNamespacedPod({ namespace: job.namespace, labelSelector: jobPodSelector(job.name) }), `list the pods of job ${job.name}`, { signal: options.signal });
      const pod = pods.items[0];
      if (!pod) {
        const state = await kubeCall(() => clients.batch.readNamespacedJob({ name: job.name, namespace: job.namespace }), `read job ${job.name}`, { signal: options.signal });
        const failed = state.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
        if (failed) throw new TargetFailure(`job ${job.namespace}/${job.name} failed before its pod started: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim());
        return { done: false, state: 'no pod yet (the Job controller creates it once the ServiceAccount exists)' };
      }
      const name = pod.metadata?.name ?? '?';
      const state = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.state;
      if (state?.running || state?.terminated) return { done: true, value: name };
      const waiting = state?.waiting;
      if (waiting?.reason && CANNOT_START.has(waiting.reason)) {
        throw new TargetFailure(`pod ${job.namespace}/${name} cannot start its container: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
      }
      return { done: false, state: `pod ${name} ${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''}` };
    },
    { what: `the pod of job ${job.namespace}/${job.name} to start`, timeoutMs: options.timeoutMs, intervalMs: 250, backoff: 1.5, signal: options.signal, log: options.log },
  );
  return value;
}

/** How the pod ended: its container's exit code, or gone (deleted). Waits within `timeoutMs`. */
export async function waitForPodEnd(clients: OriginKubeClients, namespace: string, pod: string, timeoutMs: number): Promise<PodEnd> {
  const { value } = await pollUntil<PodEnd>(
    async () => {
      try {
        const current = await clients.core.readNamespacedPod({ name: pod, namespace });
        const terminated = current.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.state?.terminated;
        if (terminated) return { done: true, value: { gone: false, exitCode: terminated.exitCode, ...(terminated.reason ? { reason: terminated.reason } : {}) } };
        return { done: false, state: `pod ${pod} ${current.status?.phase ?? '?'}` };
      } catch (err) {
        if (apiStatusCode(err) === 404) return { done: true, value: { gone: true } };
        throw err;
      }
    },
    { what: `pod ${namespace}/${pod} to end`, timeoutMs, intervalMs: 500, backoff: 1.5, maxIntervalMs: 2_000 },
  );
  return value;
}

/** Follow the pod's log until the container ends; `onText` gets each chunk. Returns the log. */
export async function collectPodLog(clients: OriginKubeClients, namespace: string, pod: string, options: { timeoutMs: number; onText: (chunk: string) => void }): Promise<{ text: string; end: PodEnd }> {
  let text = '';
  let streamEnded!: () => void;
  const ended = new Promise<void>((resolve) => (streamEnded = resolve));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const piece = chunk.toString('utf8');
      text = (text + piece).slice(-MAX_LOG_CHARS);
      options.onText(piece);
      callback();
    },
  });
  sink.on('finish', streamEnded);
  sink.on('error', streamEnded);
  let controller: AbortController | undefined;
  try {
    controller = await new Log(clients.config).log(namespace, pod, CONTAINER, sink, { follow: true, pretty: false, timestamps: false });
  } catch (err) {
    // No stream (e.g. the pod ended and was removed at once): the state below still decides.
    options.onText(`(cannot follow the log: ${apiErrorReason(err)})\n`);
    streamEnded();
  }
  const end = await waitForPodEnd(clients, namespace, pod, options.timeoutMs);
  await Promise.race([ended, sleep(LOG_DRAIN_MS)]);
  controller?.abort();
  return { text, end };
}

/** The whole log of a pod that still exists (when following it lost a part). */
export function readPodLog(clients: OriginKubeClients, namespace: string, pod: string): Promise<string> {
  return kubeCall(() => clients.core.readNamespacedPodLog({ name: pod, namespace, container: CONTAINER }), `read the log of pod ${pod}`);
}
