// Shared formatting for reporters: integer microseconds -> milliseconds with 3 decimals.
export function msFromUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '';
  return (us / 1000).toFixed(3);
}
