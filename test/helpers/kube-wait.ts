// Waiting in the Kubernetes tests for a state of the emulator, never for a fixed time: bounded in
// time and in count by a generous bound that only a hang reaches.
import { setTimeout as sleep } from 'node:timers/promises';

export const HANG_MS = 30_000;

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
