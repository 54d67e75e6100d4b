// Numbers to text, one copy of each: the verdict messages that results carry (threshold
// messages, compare reasons) and every reporter word times and percentages the same way.
// Nothing here looks at results; it imports nothing.

/** Integer microseconds -> milliseconds with 3 decimals ("12.345"); '' when there is no number. */
export function msFromUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '';
  return (us / 1000).toFixed(3);
}

/** "12.345 ms". */
export function msWithUnit(us: number): string {
  return `${msFromUs(us)} ms`;
}

/** A change in percent with its sign and one decimal: "+12.3", "-4.0". */
export function signedPercent(changePct: number): string {
  return `${changePct >= 0 ? '+' : ''}${changePct.toFixed(1)}`;
}

/** A p-value with 3 decimals, "<0.001" below that. */
export function pValueText(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** The warning of a warm phase whose timed requests met cold starts (cold_in_warm > 0). */
export function coldInWarmWarning(count: number): string {
  return `${count} cold start${count === 1 ? '' : 's'} inside the timed warm phase (instances never seen before in the run): its tail includes them; raise warm.prewarm to start that many instances before the clock`;
}

/** A plain decimal (never exponent notation) with up to 10 significant digits, trailing zeros
 *  dropped: 0.00020625, 70.08, 1000000; '' for none. For CSV cells. */
export function decimal(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const text = value.toFixed(Math.min(20, Math.max(0, 9 - magnitude)));
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
