// Shared formatting for reporters: integer microseconds -> milliseconds with 3 decimals.
/** Escape a cell for a Markdown table: pipes, newlines and HTML-looking text from target files. */
export function markdownCell(text: unknown): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function msFromUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '';
  return (us / 1000).toFixed(3);
}
