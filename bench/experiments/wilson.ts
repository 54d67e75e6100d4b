// The Wilson score interval of a binomial proportion (Wilson 1927): unlike the normal
// approximation it stays inside [0, 1] and is honest for a handful of samples and a share of 0 or 1
// (3 of 3 cold gives [0.44, 1], not [1, 1]).

/** z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface WilsonInterval {
  p: number;
  low: number;
  high: number;
}

/** `successes` of `n` trials; null when n is 0. */
export function wilsonInterval(successes: number, n: number, z = Z95): WilsonInterval | null {
  if (!(n > 0) || successes < 0 || successes > n) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  // Rounding can put an end a hair outside [0, 1] (or off p at 0 and 1).
  return { p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}
