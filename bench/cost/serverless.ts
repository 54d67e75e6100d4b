// Per-request cost models: Lambda, and Cloud Run request-based billing (Cloud Run functions, i.e.
// Cloud Functions 2nd gen, and Cloud Run services). Each is a list of meters (requests,
// GB-seconds, vCPU-seconds...) with the amount one warm request and one cold start use, so that the
// per-1M estimate and the monthly curve (with free tiers, cold starts at a rate) come from the
// same numbers. Billed durations come from the platform where it reports them (Lambda's Billed
// Duration, which includes INIT where AWS bills it); otherwise from client latency, rounded up to
// the billing increment, and the basis says it is an upper bound.
import type { PriceTable } from '../pricing.js';
import { bytesToGiB, defaultCpuFor, memoryBytes, parseQuantity } from '../quantity.js';
import type { TargetResult } from '../results/types.js';
import { lambdaInputs, requestBasedInputs } from './models.js';

export interface Meter {
  /** What is metered: requests, GB-seconds, vCPU-seconds, GiB-seconds. */
  unit: string;
  /** List price of one unit. */
  unitPrice: number;
  /** Units one warm request uses. */
  perRequest: number;
  /** Units one cold start uses on top of its request. */
  perColdStart: number;
  /** Units free per month (used only with --free-tier). */
  free: number;
}

export interface ServerlessUsage {
  model: 'lambda' | 'cloud-function';
  /** null: no warm phase to take the per-request amounts from. */
  meters: Meter[] | null;
  per1MRequests: number | null;
  /** A cold request in full (its request price included). */
  perColdStart: number | null;
  /** What a cold start adds to a warm request. */
  coldStartExtra: number | null;
  basis: string[];
}

export function lambdaUsage(target: TargetResult, prices: PriceTable): ServerlessUsage {
  const basis: string[] = [];
  const facts = lambdaInputs(target.platform);
  const arch = (facts.architecture ?? stringConfig(target, 'architecture') ?? 'x86_64') === 'arm64' ? 'arm64' : 'x86_64';
  const gbSecond = arch === 'arm64' ? prices['lambda.arm64.gbSecond'] : prices['lambda.x86_64.gbSecond'];
  const memoryMb = firstPositive(facts.memorySizeMb, ...coldSamples(target).map((s) => s.extra?.memorySizeMb));
  const mem = memoryMb ?? 128;
  const gb = mem / 1024;
  basis.push(`${mem} MB ${arch}${memoryMb === null ? ' (memory size not reported; assumed the 128 MB default)' : ''} at ${gbSecond} per GB-second, ${prices['lambda.requestPer1M']} per 1M requests`);
  const increment = prices['lambda.billingIncrementMs'];
  const requestPrice = prices['lambda.requestPer1M'] / 1e6;

  let warmMs: number | null = null;
  const warm = target.phases.warm;
  if (warm && (warm.billedDurationMsMean !== undefined || warm.summary.count > 0)) {
    warmMs = warm.billedDurationMsMean ?? roundUp(warm.summary.meanUs / 1000, increment);
    basis.push(
      warm.billedDurationMsMean !== undefined
        ? `warm: mean billed duration ${round(warmMs, 3)} ms`
        : `warm: ${round(warmMs, 3)} ms billed per request, taken from the mean client latency (an upper bound: no billed duration was recorded)`,
    );
  }
  let coldMs: number | null = null;
  const billedCold = coldSamples(target).map((s) => s.extra?.billedDurationMs).filter(isNumber);
  const cold = target.phases.cold;
  if (billedCold.length > 0) {
    coldMs = mean(billedCold);
    basis.push(`cold: mean billed duration ${round(coldMs, 3)} ms over ${billedCold.length} cold samples (the platform's Billed Duration: it includes INIT where AWS bills it)`);
  } else if (cold && cold.summary.count > 0) {
    coldMs = roundUp(cold.summary.meanUs / 1000, increment);
    basis.push(`cold: ${round(coldMs, 3)} ms from the mean cold latency (no billed duration was recorded)`);
  }
  const extraMs = coldMs === null ? null : Math.max(0, coldMs - (warmMs ?? 0));
  const perMs = (gb * gbSecond) / 1000;
  return {
    model: 'lambda',
    meters:
      warmMs === null
        ? null
        : [
            { unit: 'requests', unitPrice: requestPrice, perRequest: 1, perColdStart: 0, free: prices['lambda.freeRequests'] },
            { unit: 'GB-seconds', unitPrice: gbSecond, perRequest: (gb * warmMs) / 1000, perColdStart: (gb * (extraMs ?? 0)) / 1000, free: prices['lambda.freeGbSeconds'] },
          ],
    per1MRequests: warmMs === null ? null : 1e6 * (warmMs * perMs + requestPrice),
    perColdStart: coldMs === null ? null : coldMs * perMs + requestPrice,
    coldStartExtra: extraMs === null ? null : extraMs * perMs,
    basis,
  };
}

/** Google's default memory for a function when the facts say nothing: 256 MiB. */
const DEFAULT_FUNCTION_MEMORY_BYTES = 256 * 2 ** 20;

export function requestBasedUsage(target: TargetResult, prices: PriceTable): ServerlessUsage {
  const basis: string[] = [];
  const facts = requestBasedInputs(target.platform);
  const reportedMemory = memoryBytes(facts.memory);
  const memory = reportedMemory ?? DEFAULT_FUNCTION_MEMORY_BYTES;
  const memoryGiB = bytesToGiB(memory);
  const reportedCpu = firstPositive(parseQuantity(facts.cpu));
  const cpu = reportedCpu ?? defaultCpuFor(memory);
  const increment = prices['cloudFunction.billingIncrementMs'];
  basis.push(
    `${round(memoryGiB, 3)} GiB${reportedMemory === null ? ' (memory not reported; assumed 256 MiB)' : ''}, ${round(cpu, 3)} vCPU${reportedCpu === null ? ' (default for the memory size)' : ''}, billed in ${increment} ms increments at ${prices['cloudFunction.vcpuSecond']} per vCPU-second, ${prices['cloudFunction.gibSecond']} per GiB-second, ${prices['cloudFunction.requestPer1M']} per 1M requests`,
  );
  const perSecond = cpu * prices['cloudFunction.vcpuSecond'] + memoryGiB * prices['cloudFunction.gibSecond'];
  const requestPrice = prices['cloudFunction.requestPer1M'] / 1e6;
  let warmMs: number | null = null;
  const warm = target.phases.warm;
  if (warm && warm.summary.count > 0) {
    warmMs = roundUp(warm.summary.meanUs / 1000, increment);
    basis.push(`warm: ${warmMs} ms billed per request from the mean client latency (an upper bound; one request per instance at a time)`);
  }
  let coldMs: number | null = null;
  const cold = target.phases.cold;
  if (cold && cold.summary.count > 0) {
    coldMs = roundUp(cold.summary.meanUs / 1000, increment);
    basis.push(`cold: ${coldMs} ms billed from the mean cold latency (instance start-up is billed)`);
  }
  const extraS = coldMs === null ? null : Math.max(0, coldMs - (warmMs ?? 0)) / 1000;
  const warmS = warmMs === null ? null : warmMs / 1000;
  return {
    model: 'cloud-function',
    meters:
      warmS === null
        ? null
        : [
            { unit: 'requests', unitPrice: requestPrice, perRequest: 1, perColdStart: 0, free: prices['cloudFunction.freeRequests'] },
            { unit: 'vCPU-seconds', unitPrice: prices['cloudFunction.vcpuSecond'], perRequest: cpu * warmS, perColdStart: cpu * (extraS ?? 0), free: prices['cloudFunction.freeVcpuSeconds'] },
            { unit: 'GiB-seconds', unitPrice: prices['cloudFunction.gibSecond'], perRequest: memoryGiB * warmS, perColdStart: memoryGiB * (extraS ?? 0), free: prices['cloudFunction.freeGibSeconds'] },
          ],
    per1MRequests: warmS === null ? null : 1e6 * (warmS * perSecond + requestPrice),
    perColdStart: coldMs === null ? null : (coldMs / 1000) * perSecond + requestPrice,
    coldStartExtra: extraS === null ? null : extraS * perSecond,
    basis,
  };
}

function stringConfig(target: TargetResult, key: string): string | null {
  const v = target.config[key];
  return typeof v === 'string' ? v : null;
}

function coldSamples(target: TargetResult) {
  return (target.phases.cold?.samples ?? []).filter((s) => s.error === null);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function firstPositive(...values: unknown[]): number | null {
  for (const v of values) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (isNumber(n) && n > 0) return n;
  }
  return null;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function roundUp(ms: number, increment: number): number {
  if (!(increment > 0)) return ms;
  return Math.max(increment, Math.ceil(ms / increment - 1e-9) * increment);
}

export function round(n: number, digits: number): number {
  return +n.toFixed(digits);
}
