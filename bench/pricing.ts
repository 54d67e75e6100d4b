// The dated default price table for cost estimates (USD list prices, no discounts; free tiers only
// when asked for), and the cost inputs that are not prices. Every key can be overridden in the
// target file (`pricing:` at the top level or per target). Each number, its source and the date it
// was checked are in docs/cost.md: AWS Lambda (us-east-1, first duration tier, 1 ms billing);
// Cloud Run request-based billing, Tier 1 regions, which is what Cloud Run functions (Cloud
// Functions 2nd gen) are billed under (100 ms rounding); a generic on-demand node of 2 vCPU /
// 8 GiB (an m5.large in us-east-1) for Knative and Kubernetes.

export const PRICES_DATE = '2026-12-02';

export const DEFAULT_PRICES = {
  currency: 'USD',
  date: PRICES_DATE,
  'lambda.x86_64.gbSecond': 0.0000166667,
  'lambda.arm64.gbSecond': 0.0000133334,
  'lambda.requestPer1M': 0.2,
  'lambda.billingIncrementMs': 1,
  /** Free tier per month (account-wide), applied only with --free-tier. */
  'lambda.freeRequests': 1_000_000,
  'lambda.freeGbSeconds': 400_000,
  'cloudFunction.vcpuSecond': 0.000024,
  'cloudFunction.gibSecond': 0.0000025,
  'cloudFunction.requestPer1M': 0.4,
  'cloudFunction.billingIncrementMs': 100,
  /** Free tier per month (billing-account-wide), applied only with --free-tier. */
  'cloudFunction.freeRequests': 2_000_000,
  'cloudFunction.freeVcpuSeconds': 180_000,
  'cloudFunction.freeGibSeconds': 360_000,
  /** Price of one node per hour, and what one node offers to pods (set the allocatable figures). */
  'node.hour': 0.096,
  'node.vcpu': 2,
  'node.memoryGiB': 8,
  /** Hours in a billing month (730 = 8760 / 12, the convention of the AWS and Google calculators). */
  'month.hours': 730,
} as const;

export type PriceKey = keyof typeof DEFAULT_PRICES;
export type PriceTable = { -readonly [K in PriceKey]: (typeof DEFAULT_PRICES)[K] extends string ? string : number };

const TEXT_KEYS: ReadonlySet<string> = new Set(['currency', 'date']);

/** Not a price but a cost input: how many nodes a Knative / Kubernetes target runs on (the
 *  harness cannot see the cluster's size; without it one node is assumed, and the basis says so).
 *  In the monthly curves it is the cluster's floor: never fewer nodes than this. */
export const NODE_COUNT_KEY = 'nodes';

/** Cost inputs that are not prices, with no default: each is taken from the run unless given. */
export const COST_INPUTS = {
  [NODE_COUNT_KEY]: { check: (n: number) => n > 0, expected: 'a positive number of nodes' },
  /** Pods never fewer than this (Knative min-scale, an HPA's minReplicas). */
  minPods: { check: (n: number) => Number.isInteger(n) && n >= 0, expected: 'a whole number of pods, 0 or more' },
  /** Share of requests that meet a cold start (0..1). */
  coldStartRate: { check: (n: number) => n >= 0 && n <= 1, expected: 'a share of requests between 0 and 1' },
  /** A pod's CPU and memory requests, when the cluster did not say. */
  'pod.vcpu': { check: (n: number) => n > 0, expected: 'a positive number of vCPUs' },
  'pod.memoryGiB': { check: (n: number) => n > 0, expected: 'a positive number of GiB' },
} as const;

export type CostInputKey = keyof typeof COST_INPUTS;

function isCostInput(key: string): key is CostInputKey {
  return Object.hasOwn(COST_INPUTS, key);
}

/** Problems of a `pricing:` override map (unknown keys, non-numeric prices); empty when valid. */
export function pricingProblems(overrides: Record<string, unknown>): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (isCostInput(key)) {
      const n = toNumber(value);
      const input = COST_INPUTS[key];
      if (n === null || !input.check(n)) problems.push({ key, message: `expected ${input.expected}, got ${JSON.stringify(value)}` });
    } else if (!(key in DEFAULT_PRICES)) {
      problems.push({ key, message: `unknown price ${JSON.stringify(key)}; known prices: ${Object.keys(DEFAULT_PRICES).join(', ')} (and the cost inputs ${Object.keys(COST_INPUTS).join(', ')})` });
    } else if (!TEXT_KEYS.has(key) && toPrice(value) === null) {
      problems.push({ key, message: `expected a non-negative number, got ${JSON.stringify(value)}` });
    }
  }
  return problems;
}

function toNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim().replace(/^\$/, '')) : NaN;
  return Number.isFinite(n) ? n : null;
}

function toPrice(value: unknown): number | null {
  const n = toNumber(value);
  return n !== null && n >= 0 ? n : null;
}

/** Defaults with overrides applied. Throws an Error naming the first bad override. */
export function resolvePrices(overrides: Record<string, number | string> = {}): PriceTable {
  const problems = pricingProblems(overrides);
  if (problems.length > 0) throw new Error(`pricing.${problems[0]!.key}: ${problems[0]!.message}`);
  const table: PriceTable = { ...DEFAULT_PRICES };
  for (const [key, value] of Object.entries(overrides)) {
    if (isCostInput(key) || !(key in DEFAULT_PRICES)) continue;
    if (TEXT_KEYS.has(key)) Reflect.set(table, key, String(value));
    else Reflect.set(table, key, toPrice(value));
  }
  return table;
}

/** A cost input, when given (already validated by pricingProblems). */
export function costInputOf(overrides: Record<string, number | string>, key: CostInputKey): number | null {
  const value = overrides[key];
  return value === undefined ? null : toNumber(value);
}

/** `pricing.nodes`, when given. */
export function nodeCountOf(overrides: Record<string, number | string>): number | null {
  return costInputOf(overrides, NODE_COUNT_KEY);
}
