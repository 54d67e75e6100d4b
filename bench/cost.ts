// Cost estimates per target: per 1M requests (warm) and per cold start, from the platform facts the
// adapters recorded and the dated price table. Always labelled "estimate": list prices, no free
// tier, and client-observed latency stands in for billed time where the platform reports none.
import { unreachable } from './errors.js';
import { nodeCountOf, resolvePrices, type PriceTable } from './pricing.js';
import { factsOf, type CloudFunctionFacts, type LambdaFacts } from './results/platform-facts.js';
import type { CostEstimate, TargetResult } from './results/types.js';
import { bytesToGiB, defaultCpuFor, memoryBytes, parseQuantity } from './quantity.js';

export type { CostEstimate, CostModel } from './results/types.js';

export function estimateCost(target: TargetResult, pricing: Record<string, number | string> = {}): CostEstimate {
  const prices = resolvePrices(pricing);
  const base = {
    label: 'estimate' as const,
    currency: prices.currency,
    pricesDate: prices.date,
    overrides: { ...pricing },
  };
  const kind = target.kind;
  switch (kind) {
    case 'lambda':
      return { ...base, ...lambdaCost(target, factsOf(target.platform, 'lambda'), prices) };
    case 'cloud-function':
      return { ...base, ...cloudFunctionCost(target, factsOf(target.platform, 'cloud-function'), prices) };
    case 'cloud-run':
      // A v2 function is a Cloud Run service: request-based billing has the same shape and rates.
      return { ...base, ...cloudFunctionCost(target, factsOf(target.platform, 'cloud-run'), prices) };
    case 'knative':
    case 'kubernetes':
      return { ...base, ...nodeCost(target, prices, pricing) };
    case 'http':
      // A plain HTTP endpoint runs on something we know nothing about, unless a node price was given.
      if ('node.hour' in pricing) return { ...base, ...nodeCost(target, prices, pricing) };
      return { ...base, model: 'none', per1MRequests: null, perColdStart: null, basis: [`no cost model for kind ${kind}; set pricing."node.hour" to estimate from node hours`] };
    default:
      return unreachable(kind, 'target kind');
  }
}

type Priced = Pick<CostEstimate, 'model' | 'per1MRequests' | 'perColdStart' | 'basis'>;

function lambdaCost(target: TargetResult, facts: Partial<LambdaFacts>, prices: PriceTable): Priced {
  const basis: string[] = [];
  const arch = String(facts.architecture ?? target.config.architecture ?? 'x86_64') === 'arm64' ? 'arm64' : 'x86_64';
  const gbSecond = arch === 'arm64' ? prices['lambda.arm64.gbSecond'] : prices['lambda.x86_64.gbSecond'];
  const memoryMb = firstNumber(facts.memorySizeMb, ...coldSamples(target).map((s) => s.extra?.memorySizeMb));
  const mem = memoryMb ?? 128;
  basis.push(`${mem} MB ${arch}${memoryMb === null ? ' (memory size not reported; assumed the 128 MB default)' : ''} at ${prices['lambda.' + arch + '.gbSecond' as 'lambda.x86_64.gbSecond']} per GB-second, ${prices['lambda.requestPer1M']} per 1M requests`);
  const increment = prices['lambda.billingIncrementMs'];
  const perMs = (mem / 1024) * gbSecond / 1000;
  const requestPrice = prices['lambda.requestPer1M'] / 1e6;

  let per1MRequests: number | null = null;
  const warm = target.phases.warm;
  if (warm && (warm.billedDurationMsMean !== undefined || warm.summary.count > 0)) {
    const billed = warm.billedDurationMsMean ?? roundUp(warm.summary.meanUs / 1000, increment);
    basis.push(
      warm.billedDurationMsMean !== undefined
        ? `warm: mean billed duration ${round(billed, 3)} ms`
        : `warm: ${round(billed, 3)} ms billed per request, taken from the mean client latency (an upper bound: no billed duration was recorded)`,
    );
    per1MRequests = 1e6 * (billed * perMs + requestPrice);
  }
  let perColdStart: number | null = null;
  const billedCold = coldSamples(target).map((s) => s.extra?.billedDurationMs).filter(isNumber);
  const cold = target.phases.cold;
  if (billedCold.length > 0) {
    const billed = mean(billedCold);
    basis.push(`cold: mean billed duration ${round(billed, 3)} ms over ${billedCold.length} cold samples (includes INIT where the platform bills it)`);
    perColdStart = billed * perMs + requestPrice;
  } else if (cold && cold.summary.count > 0) {
    const billed = roundUp(cold.summary.meanUs / 1000, increment);
    basis.push(`cold: ${round(billed, 3)} ms from the mean cold latency (no billed duration was recorded)`);
    perColdStart = billed * perMs + requestPrice;
  }
  return { model: 'lambda', per1MRequests, perColdStart, basis };
}

/** Google's default memory for a function when the facts say nothing: 256 MiB. */
const DEFAULT_FUNCTION_MEMORY_BYTES = 256 * 2 ** 20;

function cloudFunctionCost(target: TargetResult, facts: Partial<Pick<CloudFunctionFacts, 'availableMemory' | 'availableCpu'>>, prices: PriceTable): Priced {
  const basis: string[] = [];
  const reportedMemory = memoryBytes(facts.availableMemory);
  const memory = reportedMemory ?? DEFAULT_FUNCTION_MEMORY_BYTES;
  const memoryGiB = bytesToGiB(memory);
  const reportedCpu = firstNumber(parseQuantity(facts.availableCpu));
  const cpu = reportedCpu ?? defaultCpuFor(memory);
  const increment = prices['cloudFunction.billingIncrementMs'];
  basis.push(
    `${round(memoryGiB, 3)} GiB${reportedMemory === null ? ' (memory not reported; assumed 256 MiB)' : ''}, ${round(cpu, 3)} vCPU${reportedCpu === null ? ' (default for the memory size)' : ''}, billed in ${increment} ms increments at ${prices['cloudFunction.vcpuSecond']} per vCPU-second, ${prices['cloudFunction.gibSecond']} per GiB-second, ${prices['cloudFunction.requestPer1M']} per 1M requests`,
  );
  const perSecond = cpu * prices['cloudFunction.vcpuSecond'] + memoryGiB * prices['cloudFunction.gibSecond'];
  const requestPrice = prices['cloudFunction.requestPer1M'] / 1e6;
  let per1MRequests: number | null = null;
  const warm = target.phases.warm;
  if (warm && warm.summary.count > 0) {
    const billedMs = roundUp(warm.summary.meanUs / 1000, increment);
    basis.push(`warm: ${billedMs} ms billed per request from the mean client latency (an upper bound; one request per instance at a time)`);
    per1MRequests = 1e6 * ((billedMs / 1000) * perSecond + requestPrice);
  }
  let perColdStart: number | null = null;
  const cold = target.phases.cold;
  if (cold && cold.summary.count > 0) {
    const billedMs = roundUp(cold.summary.meanUs / 1000, increment);
    basis.push(`cold: ${billedMs} ms billed from the mean cold latency (instance start-up is billed)`);
    perColdStart = (billedMs / 1000) * perSecond + requestPrice;
  }
  return { model: 'cloud-function', per1MRequests, perColdStart, basis };
}

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

function coldSamples(target: TargetResult) {
  return (target.phases.cold?.samples ?? []).filter((s) => s.error === null);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function firstNumber(...values: unknown[]): number | null {
  for (const v of values) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (isNumber(n) && n > 0) return n;
  }
  return null;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function roundUp(ms: number, increment: number): number {
  if (!(increment > 0)) return ms;
  return Math.max(increment, Math.ceil(ms / increment - 1e-9) * increment);
}

function round(n: number, digits: number): number {
  return +n.toFixed(digits);
}

