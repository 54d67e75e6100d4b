// Waiting in tests: always for a state or an event, never for a fixed time. Every wait is bounded
// in time and in count by a generous bound that only a real hang reaches (a loaded CI machine can
// be ten times slower than a laptop; the bound must not be what decides a passing test).
import { setTimeout as sleep } from 'node:timers/promises';

/** The bound of a wait, unless the caller needs another: far above any legitimate wait. */
export const HANG_MS = 30_000;

/**
 * Poll `condition` until it holds (returns true or a value other than false/undefined/null) and
 * return that value. Fails after `timeoutMs` or `timeoutMs / everyMs` polls, whichever comes first,
 * naming what it waited for and, if given, the last state seen.
 */
export async function until<T>(
  what: string,
  condition: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  { timeoutMs = HANG_MS, everyMs = 20, state }: { timeoutMs?: number; everyMs?: number; state?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / everyMs) + 1;
  for (let poll = 0; poll < maxPolls; poll += 1) {
    const value = await condition();
    if (value !== false && value !== undefined && value !== null) return value;
    if (Date.now() >= deadline) break;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? ` (last seen: ${state()})` : ''}`);
}

/** Resolve `promise`, or fail naming `what` if it has not settled within `timeoutMs` (a hang). */
export async function withinHangBound<T>(promise: Promise<T>, what: string, timeoutMs = HANG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}
