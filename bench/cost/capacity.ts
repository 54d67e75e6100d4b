// Capacity from the measurement: the requests per second one instance (pod) sustained in the warm
// phase, = the warm phase's successful throughput / the instances that served it. The instances
// are counted when an instance header named them (distinct instances), else derived from the
// configured concurrency per instance (Lambda: one request per execution environment; Cloud
// Functions / Cloud Run: maxInstanceRequestConcurrency; Knative: containerConcurrency), else the
// replica count. results.json says which (`capacity.basis`) and how (`capacity.note`).
import type { CapacityEstimate, TargetResult, WarmPhaseResult } from '../results/types.js';
import { concurrencyFacts } from './models.js';

/** Knative's container-concurrency-target-default: the autoscaler's target per pod when
 *  containerConcurrency is 0 (unlimited). */
const KNATIVE_SOFT_TARGET = 100;

export function estimateCapacity(target: TargetResult): CapacityEstimate | null {
  const warm = target.phases.warm;
  if (!warm || warm.durationUs <= 0 || warm.summary.count <= 0) return null;
  const rps = (warm.summary.count * 1e6) / warm.durationUs;
  const served = instancesThatServed(target, warm);
  return { rpsPerInstance: rps / served.instances, instances: served.instances, basis: served.basis, note: served.note };
}

type Served = Pick<CapacityEstimate, 'instances' | 'basis' | 'note'>;

function instancesThatServed(target: TargetResult, warm: WarmPhaseResult): Served {
  const counted = warm.instances;
  if (typeof counted === 'number' && Number.isInteger(counted) && counted > 0) {
    return { instances: counted, basis: 'distinct-instances', note: `${counted} distinct instance${counted === 1 ? '' : 's'} answered the timed warm phase (instance header)` };
  }
  const inFlight = requestsInFlight(warm);
  const perInstance = concurrencyFacts(target);
  if (perInstance !== null) {
    const limit = perInstance.limit > 0 ? perInstance.limit : KNATIVE_SOFT_TARGET;
    const instances = Math.max(1, Math.ceil(inFlight.value / limit - 1e-9));
    const why = perInstance.limit > 0 ? `${perInstance.limit} per instance (${perInstance.source})` : `${KNATIVE_SOFT_TARGET} per pod (${perInstance.source} 0 means unlimited: Knative's default target)`;
    return { instances, basis: 'configured-concurrency', note: `${round(inFlight.value)} requests in flight (${inFlight.source}) at ${why}: ${instances} instance${instances === 1 ? '' : 's'}` };
  }
  const replicas = replicasOf(target);
  return {
    instances: replicas.count,
    basis: 'replicas',
    note: replicas.given ? `${replicas.count} ready replica${replicas.count === 1 ? '' : 's'} served the warm phase` : 'one instance assumed: neither an instance header nor a replica count was recorded',
  };
}

/** Mean requests in flight during the warm phase: the closed model's connections, else Little's
 *  law (throughput x mean latency). */
function requestsInFlight(warm: WarmPhaseResult): { value: number; source: string } {
  if (warm.model !== 'open' && typeof warm.connections === 'number' && warm.connections > 0) {
    return { value: warm.connections, source: `${warm.connections} connection${warm.connections === 1 ? '' : 's'}` };
  }
  const value = Math.max(1, ((warm.summary.count * 1e6) / warm.durationUs) * (warm.summary.meanUs / 1e6));
  return { value, source: 'throughput x mean latency' };
}

function replicasOf(target: TargetResult): { count: number; given: boolean } {
  const facts = target.platform;
  if (facts.kind !== 'kubernetes') return { count: 1, given: false };
  const ready = facts.readyReplicas ?? facts.replicas;
  return typeof ready === 'number' && ready > 0 ? { count: ready, given: true } : { count: 1, given: false };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
