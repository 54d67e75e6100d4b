// Durations in target files: "500ms", "30s", "2m", "1h", "1.5s", or a bare number of milliseconds.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

/** Milliseconds for a duration string or number; throws a RangeError naming the bad value. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`expected a non-negative duration, got ${value}`);
    return value;
  }
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) throw new RangeError(`expected a duration like 500ms, 30s, 2m or 1h, got ${JSON.stringify(value)}`);
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(amount * UNIT_MS[unit]);
}
