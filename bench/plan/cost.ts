// The estimated cost of the run itself (not of the target in production: that is cost/): the
// requests the run will send and the compute they use, or, on a cluster, its nodes for the
// predicted wall time. Durations are assumed (nothing has been measured yet) and the basis says so.
import { costModelOf } from '../cost/models.js';
import { nodeCountOf, resolvePrices } from '../pricing.js';
import type { PlatformFacts } from '../results/platform-facts.js';
import type { TargetConfig } from '../config/schema.js';
import { predictRequests } from '../origins/predict.js';

/** Billed time assumed per request before anything is measured: a warm call, and a cold one (with its init). */
const ASSUMED_WARM_MS = 100;
const ASSUMED_COLD_MS = 1_000;

export interface RunCost {
  currency: string;
  /** null: no cost model for this kind (a plain URL without pricing."node.hour"). */
  amount: number | null;
  basis: string[];
}

const round = (n: number) => Number(n.toPrecision(3));

export function runCost(target: TargetConfig, facts: PlatformFacts, predictedMs: number, filePricing: Record<string, number | string>): RunCost {
  const pricing = { ...filePricing, ...target.pricing };
  const prices = resolvePrices(pricing);
  const currency = prices.currency;
  const requests = predictRequests(target);
  const total = requests.cold + requests.warm;
  const counted = `${total} requests (${requests.cold} cold, ${requests.warm} warm${requests.assumed ? ' at an assumed 50 req/s per connection' : ''})`;
  const assumed = `billed ${ASSUMED_COLD_MS} ms per cold and ${ASSUMED_WARM_MS} ms per warm request (assumed: nothing is measured yet)`;
  const computeSeconds = (requests.cold * ASSUMED_COLD_MS + requests.warm * ASSUMED_WARM_MS) / 1000;
  const model = costModelOf(target, pricing);
  if (model === 'lambda') {
    const memoryMb = facts.kind === 'lambda' && facts.memorySizeMb !== null ? facts.memorySizeMb : 128;
    const arch = facts.kind === 'lambda' ? facts.architecture : 'x86_64';
    const gbSecond = arch === 'arm64' ? prices['lambda.arm64.gbSecond'] : prices['lambda.x86_64.gbSecond'];
    const amount = (total * prices['lambda.requestPer1M']) / 1e6 + (memoryMb / 1024) * computeSeconds * gbSecond;
    return { currency, amount: round(amount), basis: [`${counted}, ${assumed}, ${memoryMb} MB ${arch}; list prices of ${prices.date}, no free tier`] };
  }
  if (model === 'cloud-function') {
    const memoryMb = (facts.kind === 'cloud-function' || facts.kind === 'cloud-run') && facts.memoryMb !== null ? facts.memoryMb : 256;
    const cpu = (facts.kind === 'cloud-function' || facts.kind === 'cloud-run') && facts.cpu !== null ? facts.cpu : 1;
    const amount =
      (total * prices['cloudFunction.requestPer1M']) / 1e6 + computeSeconds * (cpu * prices['cloudFunction.vcpuSecond'] + (memoryMb / 1073.741824) * prices['cloudFunction.gibSecond']);
    return { currency, amount: round(amount), basis: [`${counted}, ${assumed}, ${cpu} vCPU and ${memoryMb} MB per instance (request-based billing); list prices of ${prices.date}, no free tier`] };
  }
  if (model === 'node-hours') {
    const given = nodeCountOf(pricing);
    const nodes = given ?? 1;
    const hours = predictedMs / 3_600_000;
    const amount = nodes * prices['node.hour'] * hours;
    return {
      currency,
      amount: round(amount),
      basis: [
        `${nodes} node${nodes === 1 ? '' : 's'}${given === null ? ' (assumed; set pricing.nodes)' : ''} at ${prices['node.hour']} per node-hour for the predicted ${Math.round(predictedMs / 1000)} s: what the cluster costs during the run, whether or not coldbench runs`,
      ],
    };
  }
  return { currency, amount: null, basis: [`no cost model for kind ${target.kind}; set pricing."node.hour" to estimate from node hours`] };
}
