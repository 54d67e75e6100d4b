// After a Knative cold sample: the pod that served it (named by the instance header, else the first
// to become ready among pods created since the sample started), waited for briefly and untimed in
// the watch's cache (its watch event may come after the answer). Null when the API does not say.
import type { V1Pod } from '@kubernetes/client-node';
import { isServing, servingPod } from './kube-pods.js';
import { waitForPods, type PodWatch } from './kube-watch.js';
import type { Invocation } from './types.js';

/** How long to wait for the serving pod to show up ready in the watch (untimed, after the sample). */
const POD_SEEN_WITHIN_MS = 5_000;
/** Condition and creation times on a real API server are whole seconds. */
const WHOLE_SECOND_MS = 1_000;

export async function newPodTimes(watch: PodWatch, sample: Invocation, signal: AbortSignal): Promise<V1Pod | undefined> {
  const created = (p: V1Pod) => (p.metadata?.creationTimestamp?.getTime() ?? 0) >= sample.startedAtMs - WHOLE_SECOND_MS;
  try {
    const { value } = await waitForPods<V1Pod>(
      watch,
      (pods) => {
        const pod = servingPod(pods.filter((p) => p.metadata?.name === sample.instance || created(p)), sample.instance);
        return pod && isServing(pod) ? { done: true, value: pod } : { done: false, state: pod ? 'not ready yet' : 'no new pod yet' };
      },
      { what: 'the pod that served the sample', timeoutMs: POD_SEEN_WITHIN_MS, intervalMs: 0, signal },
    );
    return value;
  } catch {
    return undefined; // only loses the pod's times; the sample stands
  }
}
