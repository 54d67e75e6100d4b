// The dated default price table for cost estimates (USD list prices, no free tier, no discounts).
// Every key can be overridden in the target file (`pricing:` at the top level or per target).
// Sources, checked on the date below: AWS Lambda pricing (us-east-1: duration per GB-second by
// architecture, requests per million, 1 ms billing); Cloud Run pricing, Tier 1 regions, request-based
// billing, which is what Cloud Functions (2nd gen) / Cloud Run functions use (vCPU-second,
// GiB-second, requests per million, billed in 100 ms increments); a generic on-demand node of
// 2 vCPU / 8 GiB (e.g. m5.large in us-east-1) for Knative and Kubernetes.

export const PRICES_DATE = '2025-06-01';

export const DEFAULT_PRICES = {
  currency: 'USD',
  date: PRICES_DATE,
  'lambda.x86_64.gbSecond': 0.0000166667,
  'lambda.arm64.gbSecond': 0.0000133334,
  'lambda.requestPer1M': 0.2,
  'lambda.billingIncrementMs': 1,
  'cloudFunction.vcpuSecond': 0.000024,
  'cloudFunction.gibSecond': 0.0000025,
  'cloudFunction.requestPer1M': 0.4,
  'cloudFunction.billingIncrementMs': 100,
  'node.hour': 0.096,
} as const;

export type PriceKey = keyof typeof DEFAULT_PRICES;
export type PriceTable = { -readonly [K in PriceKey]: (typeof DEFAULT_PRICES)[K] extends string ? string : number };

const TEXT_KEYS: ReadonlySet<string> = new Set(['currency', 'date']);

/** Not a price but a cost input: how many nodes a Knative / Kubernetes target runs on (the
 *  harness cannot see the cluster's size; without it one node is assumed, and the basis says so). */
export const NODE_COUNT_KEY = 'nodes';

/** Problems of a `pricing:` override map (unknown keys, non-numeric prices); empty when valid. */
export function pricingProblems(overrides: Record<string, unknown>): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (key === NODE_COUNT_KEY) {
      const nodes = toPrice(value);
      if (nodes === null || nodes <= 0) problems.push({ key, message: `expected a positive number of nodes, got ${JSON.stringify(value)}` });
    } else if (!(key in DEFAULT_PRICES)) {
      problems.push({ key, message: `unknown price ${JSON.stringify(key)}; known prices: ${Object.keys(DEFAULT_PRICES).join(', ')} (and ${NODE_COUNT_KEY})` });
    } else if (!TEXT_KEYS.has(key) && toPrice(value) === null) {
      problems.push({ key, message: `expected a non-negative number, got ${JSON.stringify(value)}` });
    }
  }
  return problems;
}

function toPrice(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim().replace(/^\$/, '')) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Defaults with overrides applied. Throws an Error naming the first bad override. */
export function resolvePrices(overrides: Record<string, number | string> = {}): PriceTable {
  const problems = pricingProblems(overrides);
  if (problems.length > 0) throw new Error(`pricing.${problems[0]!.key}: ${problems[0]!.message}`);
  const table = { ...DEFAULT_PRICES } as PriceTable;
  for (const [key, value] of Object.entries(overrides)) {
    if (key === NODE_COUNT_KEY) continue;
    if (TEXT_KEYS.has(key)) (table as Record<string, unknown>)[key] = String(value);
    else (table as Record<string, unknown>)[key] = toPrice(value);
  }
  return table;
}

/** `pricing.nodes`, when given (already validated by pricingProblems). */
export function nodeCountOf(overrides: Record<string, number | string>): number | null {
  const value = overrides[NODE_COUNT_KEY];
  return value === undefined ? null : toPrice(value);
}
