// Formatting shared by the reporters (the units every message shares are in ../units.ts).
import { decimal } from '../units.js';

export { decimal };

/** Escape a cell for a Markdown table: pipes, newlines and HTML-looking text from target files. */
export function markdownCell(text: unknown): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Milliseconds with as many decimals as a glance needs: "1234", "56.7", "8.90"; '–' for none. */
export function msShort(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  const ms = us / 1000;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** "0.0000123 USD" style, with enough digits for tiny per-request numbers; 'n/a' for none. */
export function money(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return 'n/a';
  const digits = value >= 100 ? 2 : value >= 1 ? 3 : value >= 0.01 ? 4 : 8;
  return `${value.toFixed(digits)} ${currency}`;
}

/** A position on the distribution charts' "nines" axis (x = 1/(1-p)) as a percentile label:
 *  1 -> "0%", 10 -> "90%", 1000 -> "99.9%", 1e6 -> "max". */
export function percentileLabel(x: number): string {
  if (x <= 1) return '0%';
  const p = 100 * (1 - 1 / x);
  if (x >= 1e5 - 1) return x >= 1e6 ? 'max' : '99.999%';
  return `${Math.round(p * 1000) / 1000}%`;
}

/** A request count at a glance: 1000 -> "1k", 3162 -> "3.16k", 31622777 -> "31.6M", 1e10 -> "10B". */
export function countShort(n: number): string {
  const units: Array<[number, string]> = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) {
    if (Math.abs(n) >= size) return `${+(n / size).toPrecision(3)}${unit}`;
  }
  return String(+n.toPrecision(3));
}

/** Money at a glance for a chart or a sentence: "12.34 USD", "0.0021 USD", "1,234 USD". */
export function moneyShort(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value >= 1000) return `${Math.round(value).toLocaleString('en-US')} ${currency}`;
  if (value >= 1) return `${value.toFixed(2)} ${currency}`;
  return `${decimal(+value.toPrecision(2))} ${currency}`;
}
