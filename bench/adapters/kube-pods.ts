// Reading pods: which are still there (not terminated: an evicted or completed pod stays listed
// until garbage collection, phase Failed / Succeeded), which are ready, a one-line summary for
// progress lines, and a pod's own start-up times from its conditions, relative to a sample's start.
import type { V1Pod } from '@kubernetes/client-node';

/** Pending or Running: terminated pods (Failed, Succeeded) no longer count as the workload's. */
export function isLive(pod: V1Pod): boolean {
  const phase = pod.status?.phase ?? 'Pending';
  return phase === 'Pending' || phase === 'Running' || phase === 'Unknown';
}

export function isTerminating(pod: V1Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

/** Running, Ready=True and not terminating: a pod that serves. */
export function isServing(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !isTerminating(pod) && conditionTrue(pod, 'Ready') !== null;
}

/** When a condition last became True (null while it is not True). */
function conditionTrue(pod: V1Pod, type: string): Date | null {
  const condition = pod.status?.conditions?.find((c) => c.type === type);
  if (condition?.status !== 'True') return null;
  return condition.lastTransitionTime ?? new Date(Number.NaN);
}

/** "2 Running, 1 Terminating, 1 Failed (Evicted)". */
export function describePods(pods: V1Pod[]): string {
  if (pods.length === 0) return 'no pods';
  const counts = new Map<string, number>();
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Unknown';
    const key = isTerminating(p) && isLive(p) ? 'Terminating' : p.status?.reason ? `${phase} (${p.status.reason})` : phase;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** The pod's own start-up, from its condition times, in ms after the sample's start (epoch ms).
 *  A real API server stores these times in whole seconds, so each is up to 1000 ms early and may
 *  be negative; the client's and the server's clocks may also differ. */
export interface PodStartTimes {
  podScheduledMs: number | null;
  containersReadyMs: number | null;
  podReadyMs: number | null;
}

export function podStartTimes(pod: V1Pod | undefined, sampleStartMs: number): PodStartTimes {
  const since = (type: string) => {
    const at = pod ? conditionTrue(pod, type) : null;
    return at === null || Number.isNaN(at.getTime()) ? null : at.getTime() - sampleStartMs;
  };
  return { podScheduledMs: since('PodScheduled'), containersReadyMs: since('ContainersReady'), podReadyMs: since('Ready') };
}

/** The pod that served a sample: the one its instance header names, else the first to become
 *  ready among those created for it. */
export function servingPod(pods: V1Pod[], instance: string | null | undefined): V1Pod | undefined {
  if (instance) {
    const named = pods.find((p) => p.metadata?.name === instance);
    if (named) return named;
  }
  const readyAt = (p: V1Pod) => conditionTrue(p, 'Ready')?.getTime() ?? Number.POSITIVE_INFINITY;
  return pods.filter((p) => p.status?.phase === 'Running').sort((a, b) => readyAt(a) - readyAt(b))[0];
}
