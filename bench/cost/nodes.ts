// The node-hours model (Knative, Kubernetes, and a plain HTTP endpoint given a node price): pods
// enough for the traffic at the measured capacity per pod, packed onto nodes by their CPU and
// memory requests, whole nodes paid by the hour whatever they serve.
import { parseDuration } from '../config/duration.js';
import { costInputOf, nodeCountOf, type PriceTable } from '../pricing.js';
import type { CapacityEstimate, TargetResult } from '../results/types.js';
import { podInputs } from './models.js';
import { round } from './serverless.js';

/** Pod size assumed when neither the cluster nor `pricing:` says (the basis says so). */
const ASSUMED_POD = { vcpu: 0.25, memoryGiB: 0.5 };
/** Knative's stable window: a pod stays this long after its last request (the default of
 *  `autoscaling.knative.dev/window`), before the scale-to-zero grace period. */
const KNATIVE_DEFAULT_WINDOW_S = 60;

export interface NodePlan {
  /** One node for a month. */
  nodeMonth: number;
  podsPerNode: number;
  /** Requests one pod serves in a month at the measured capacity; null: no capacity measured. */
  podMonthRequests: number | null;
  /** Pods never fewer than this while the service is not idle (at least 1 then). */
  minPods: number;
  /** A scale-to-zero service runs no pod below this many requests a month; null: never idles. */
  idleBelow: number | null;
  /** Nodes never fewer than this (`pricing.nodes`, whole). */
  floorNodes: number;
  basis: string[];
}

export function nodePlan(target: TargetResult, prices: PriceTable, overrides: Record<string, number | string>, capacity: CapacityEstimate | null): NodePlan {
  const basis: string[] = [];
  const monthHours = prices['month.hours'];
  const nodeMonth = prices['node.hour'] * monthHours;
  const facts = podInputs(target);
  const pod = podSize(facts, overrides);
  const fit = Math.floor(Math.min(prices['node.vcpu'] / pod.vcpu, prices['node.memoryGiB'] / pod.memoryGiB) + 1e-9);
  const podsPerNode = Math.max(1, fit);
  basis.push(
    `nodes of ${prices['node.vcpu']} vCPU / ${prices['node.memoryGiB']} GiB at ${prices['node.hour']} per node-hour, ${monthHours} hours a month; pods of ${round(pod.vcpu, 3)} vCPU / ${round(pod.memoryGiB, 3)} GiB (${pod.source}): ${podsPerNode} per node${fit < 1 ? ' (a pod is larger than a node: one per node)' : ''}`,
  );
  const secondsPerMonth = monthHours * 3600;
  const podMonthRequests = capacity ? capacity.rpsPerInstance * secondsPerMonth : null;
  if (capacity) basis.push(`capacity ${round(capacity.rpsPerInstance, 2)} req/s per pod (${capacity.basis}: ${capacity.note})`);
  else basis.push('no warm phase: the capacity per pod is unknown, so the monthly cost cannot follow the traffic');
  const givenMin = costInputOf(overrides, 'minPods');
  const minPods = givenMin ?? (facts.scalesToZero ? (facts.minScale ?? 0) : 1);
  let idleBelow: number | null = null;
  if (minPods === 0) {
    const windowS = windowSeconds(facts.idleWindow);
    idleBelow = secondsPerMonth / windowS;
    basis.push(
      `scales to zero (${givenMin !== null ? 'pricing.minPods 0' : 'Knative, no min-scale'}): no pod while fewer requests arrive than ${windowS} s windows fit in a month (below ${Math.round(idleBelow)} requests a month), at least one above`,
    );
  } else {
    basis.push(`at least ${minPods} pod${minPods === 1 ? '' : 's'} (${givenMin !== null ? 'pricing.minPods' : facts.minScale !== null ? 'min-scale' : 'one pod always runs'})`);
  }
  const floor = nodeCountOf(overrides);
  const floorNodes = floor === null ? 0 : Math.ceil(floor - 1e-9);
  if (floor !== null) basis.push(`never fewer than ${floorNodes} node${floorNodes === 1 ? '' : 's'} (pricing.nodes)`);
  return { nodeMonth, podsPerNode, podMonthRequests, minPods, idleBelow, floorNodes, basis };
}

function podSize(facts: ReturnType<typeof podInputs>, overrides: Record<string, number | string>): { vcpu: number; memoryGiB: number; source: string } {
  const vcpu = costInputOf(overrides, 'pod.vcpu');
  const memoryGiB = costInputOf(overrides, 'pod.memoryGiB');
  const cpuFact = facts.cpuCores !== null && facts.cpuCores > 0 ? facts.cpuCores : null;
  const memFact = facts.memoryMiB !== null && facts.memoryMiB > 0 ? facts.memoryMiB / 1024 : null;
  const sources = [
    vcpu !== null ? 'CPU from pricing.pod.vcpu' : cpuFact !== null ? 'CPU request' : `CPU not requested, ${ASSUMED_POD.vcpu} assumed`,
    memoryGiB !== null ? 'memory from pricing.pod.memoryGiB' : memFact !== null ? 'memory request' : `memory not requested, ${ASSUMED_POD.memoryGiB} GiB assumed`,
  ];
  return { vcpu: vcpu ?? cpuFact ?? ASSUMED_POD.vcpu, memoryGiB: memoryGiB ?? memFact ?? ASSUMED_POD.memoryGiB, source: sources.join(', ') };
}

function windowSeconds(window: string | null): number {
  if (window === null) return KNATIVE_DEFAULT_WINDOW_S;
  try {
    const ms = parseDuration(window);
    return ms > 0 ? ms / 1000 : KNATIVE_DEFAULT_WINDOW_S;
  } catch {
    return KNATIVE_DEFAULT_WINDOW_S; // not a duration the harness reads: Knative's default
  }
}

/** Pods running at `requests` a month. */
export function podsAt(plan: NodePlan, requests: number): number | null {
  if (plan.idleBelow !== null && requests < plan.idleBelow) return 0;
  if (plan.podMonthRequests === null) return null;
  const needed = plan.podMonthRequests > 0 ? Math.ceil(requests / plan.podMonthRequests - 1e-12) : Number.POSITIVE_INFINITY;
  return Math.max(plan.minPods, 1, needed);
}

/** Whole nodes running at `requests` a month. */
export function nodesAt(plan: NodePlan, requests: number): number | null {
  const pods = podsAt(plan, requests);
  return pods === null ? null : Math.max(plan.floorNodes, Math.ceil(pods / plan.podsPerNode));
}
