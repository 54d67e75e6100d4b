// Durations in emulator options ("150ms", "2s", "1m", or a number of milliseconds). The local
// platforms share no code with the product, so they read durations with their own parser.

export const DURATION_TEXT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration option; throws a RangeError naming the value it cannot read. */
export function durationToMs(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new RangeError(`expected a non-negative number of milliseconds, got ${value}`);
  }
  const match = DURATION_TEXT.exec(value.trim());
  if (!match) throw new RangeError(`expected a duration like 500ms or 2s, got ${JSON.stringify(value)}`);
  return Math.round(Number(match[1]) * (MS_PER_UNIT[match[2] ?? 'ms'] ?? 1));
}
