// The one monotonic clock for durations: integer microseconds from process.hrtime (never goes
// back, unlike Date.now()). Dates for output (startedAt) still come from Date.
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Microseconds since a nowUs() reading. */
export function usSince(startUs: number): number {
  return nowUs() - startUs;
}
