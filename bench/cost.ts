// Cost estimates per target: per 1M requests (warm) and per cold start, from the platform facts the
// adapters recorded and the dated price table. Always labelled "estimate": list prices, no free
// tier, and client-observed latency stands in for billed time where the platform reports none.
// The monthly curves as traffic grows are in cost/curve.ts; both use the models in cost/.
import { nodeCountOf, resolvePrices, type PriceTable } from './pricing.js';
import { costModelOf } from './cost/models.js';
import { lambdaUsage, requestBasedUsage, round } from './cost/serverless.js';
import type { CostEstimate, TargetResult } from './results/types.js';

export type { CostEstimate, CostModel } from './results/types.js';

export function estimateCost(target: TargetResult, pricing: Record<string, number | string> = {}): CostEstimate {
  const prices = resolvePrices(pricing);
  const base = {
    label: 'estimate' as const,
    currency: prices.currency,
    pricesDate: prices.date,
    overrides: { ...pricing },
  };
  const model = costModelOf(target, pricing);
  if (model === 'lambda' || model === 'cloud-function') {
    const usage = model === 'lambda' ? lambdaUsage(target, prices) : requestBasedUsage(target, prices);
    return { ...base, model, per1MRequests: usage.per1MRequests, perColdStart: usage.perColdStart, basis: usage.basis };
  }
  if (model === 'node-hours') return { ...base, ...nodeCost(target, prices, pricing) };
  // A plain HTTP endpoint runs on something we know nothing about, unless a node price was given.
  return { ...base, model: 'none', per1MRequests: null, perColdStart: null, basis: [`no cost model for kind ${target.kind}; set pricing."node.hour" to estimate from node hours`] };
}

type Priced = Pick<CostEstimate, 'model' | 'per1MRequests' | 'perColdStart' | 'basis'>;

/** Node hours over the measured throughput: what a fully used cluster costs per request. */
function nodeCost(target: TargetResult, prices: PriceTable, pricing: Record<string, number | string>): Priced {
  const basis: string[] = [];
  const nodeHour = prices['node.hour'];
  // The cluster's size is not something the harness can see: the user says it, or one node is
  // assumed, and the basis says which.
  const given = nodeCountOf(pricing);
  const nodes = given ?? 1;
  const perSecond = (nodeHour * nodes) / 3600;
  basis.push(
    `${nodes} node${nodes === 1 ? '' : 's'} at ${nodeHour} per node-hour (${given !== null ? 'pricing.nodes' : 'assumed: the node count was not given; set pricing.nodes'})`,
  );
  let per1MRequests: number | null = null;
  const warm = target.phases.warm;
  if (warm && warm.throughputRps > 0) {
    per1MRequests = (perSecond / warm.throughputRps) * 1e6;
    basis.push(
      `warm: fully used at the measured throughput of ${round(warm.throughputRps, 1)} req/s${warm.connections ? ` (${warm.connections} connections)` : ''}; a node that idles costs the same per hour, so real traffic below that rate costs more per request`,
    );
  }
  let perColdStart: number | null = null;
  const cold = target.phases.cold;
  if (cold && cold.summary.count > 0) {
    perColdStart = perSecond * (cold.summary.meanUs / 1e6);
    basis.push(`cold: node time during the mean cold start of ${round(cold.summary.meanUs / 1000, 1)} ms`);
  }
  return { model: 'node-hours', per1MRequests, perColdStart, basis };
}
