// The monthly cost curves' options from the command line: `--traffic <requests per month>` and
// `--free-tier`, for `run` and `report`.
import { InputError } from '../errors.js';
import type { CostOptions } from '../results/types.js';

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, b: 1e9, B: 1e9, g: 1e9, G: 1e9 };
/** Past this the curves say nothing useful (and the numbers lose their digits). */
const MAX_TRAFFIC = 1e15;

/** "1e6", "2500000", "2,500,000", "2.5M", "10k", "1B" -> requests per month. */
export function parseTraffic(text: string): number {
  const match = /^\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([kKmMbBgG]?)\s*$/.exec(text);
  const value = match ? Number(match[1]!.replace(/[_,]/g, '')) * SUFFIX[match[2]!]! : NaN;
  if (!Number.isFinite(value) || value < 1 || value > MAX_TRAFFIC) {
    throw new InputError(`--traffic: expected a number of requests per month like 1e6, 2500000 or 2.5M (1 to 1e15), got ${JSON.stringify(text)}`);
  }
  return Math.round(value);
}

/** The options a run or a report uses: the flags given, else what the results recorded. */
export function costOptions(flags: { traffic?: string; freeTier?: boolean }, recorded?: CostOptions): CostOptions {
  return {
    traffic: flags.traffic !== undefined ? parseTraffic(flags.traffic) : (recorded?.traffic ?? null),
    freeTier: flags.freeTier === true ? true : (recorded?.freeTier ?? false),
  };
}
