// Cost estimates per target: per 1M requests (warm) and per cold start, from the platform numbers
// the adapters recorded and the dated price table. Always labelled "estimate": list prices, no free
// tier, and client-observed latency stands in for billed time where the platform reports none.
import { resolvePrices, type PriceTable } from './pricing.js';
import type { TargetResult } from './results/types.js';

export type CostModel = 'lambda' | 'cloud-function' | 'node-hours' | 'none';

export type CostEstimate = {
  label: 'estimate';
  model: CostModel;
  currency: string;
  /** Date of the price table (the default table's, or the one set with `pricing.date`). */
  pricesDate: string;
  per1MRequests: number | null;
  perColdStart: number | null;
  /** One sentence each: which numbers went in. */
  basis: string[];
  /** The `pricing:` overrides used, so a merged report can compute the same estimate again. */
  overrides: Record<string, number | string>;
};

export function estimateCost(target: TargetResult, pricing: Record<string, number | string> = {}): CostEstimate {
  const prices = resolvePrices(pricing);
  const base = {
    label: 'estimate' as const,
    currency: prices.currency,
    pricesDate: prices.date,
    overrides: { ...pricing },
  };
  switch (target.kind) {
    case 'lambda':
      return { ...base, ...lambdaCost(target, prices) };
    case 'cloud-function':
      return { ...base, ...cloudFunctionCost(target, prices) };
    case 'knative':
    case 'kubernetes':
      return { ...base, ...nodeCost(target, prices) };
    default:
      // A plain HTTP endpoint runs on something we know nothing about, unless a node price was given.
      if ('node.hour' in pricing) return { ...base, ...nodeCost(target, prices) };
      return { ...base, model: 'none', per1MRequests: null, perColdStart: null, basis: [`no cost model for kind ${target.kind}; set pricing."node.hour" to estimate from node hours`] };
  }
}

type Priced = Pick<CostEstimate, 'model' | 'per1MRequests' | 'perColdStart' | 'basis'>;

function lambdaCost(target: TargetResult, prices: PriceTable): Priced {
  const basis: string[] = [];
  const arch = String(target.platform.architecture ?? target.config.architecture ?? 'x86_64') === 'arm64' ? 'arm64' : 'x86_64';
  const gbSecond = arch === 'arm64' ? prices['lambda.arm64.gbSecond'] : prices['lambda.x86_64.gbSecond'];
  const memoryMb = firstNumber(
    target.platform.memorySizeMb,
    target.platform.memoryMb,
    target.platform.memorySize,
    ...coldSamples(target).map((s) => s.extra?.memorySizeMb),
  );
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

function cloudFunctionCost(target: TargetResult, prices: PriceTable): Priced {
  const basis: string[] = [];
  const memoryGiB = parseMemoryGiB(target.platform.availableMemory) ?? 0.25;
  const cpu = firstNumber(target.platform.availableCpu) ?? defaultCpuFor(memoryGiB);
  const increment = prices['cloudFunction.billingIncrementMs'];
  basis.push(
    `${round(memoryGiB, 3)} GiB${target.platform.availableMemory === undefined ? ' (memory not reported; assumed 256 MiB)' : ''}, ${round(cpu, 3)} vCPU${target.platform.availableCpu === undefined ? ' (default for the memory size)' : ''}, billed in ${increment} ms increments at ${prices['cloudFunction.vcpuSecond']} per vCPU-second, ${prices['cloudFunction.gibSecond']} per GiB-second, ${prices['cloudFunction.requestPer1M']} per 1M requests`,
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

function nodeCost(target: TargetResult, prices: PriceTable): Priced {
  const basis: string[] = [];
  const nodeHour = prices['node.hour'];
  const nodes = firstNumber(target.platform.nodes) ?? 1;
  const perSecond = (nodeHour * nodes) / 3600;
  basis.push(`${nodes} node${nodes === 1 ? '' : 's'} at ${nodeHour} per node-hour`);
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

/** "256M", "512Mi", "1G", "1Gi", "2048" (MiB) -> GiB. Cloud Functions' M means MiB in practice. */
export function parseMemoryGiB(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value / 1024 : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|ki|m|mi|g|gi|mb|gb)?\s*$/i.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'mi').toLowerCase();
  if (unit.startsWith('k')) return n / 1024 / 1024;
  if (unit.startsWith('g')) return n;
  return n / 1024;
}

/** Cloud Functions (2nd gen) default vCPU for a memory size, when the API gives no availableCpu. */
function defaultCpuFor(memoryGiB: number): number {
  if (memoryGiB <= 0.125) return 0.083;
  if (memoryGiB <= 0.25) return 0.167;
  if (memoryGiB <= 0.5) return 0.333;
  if (memoryGiB <= 1) return 0.583;
  if (memoryGiB <= 2) return 1;
  if (memoryGiB <= 8) return 2;
  if (memoryGiB <= 16) return 4;
  return 8;
}
