// The one control-plane wait: poll a check until it says done, bounded in time, with one abort
// behaviour (Interrupted), one timeout message (what was awaited and the last state seen), bounded
// backoff, and transient API errors (429 honouring Retry-After, 5xx, connection resets) retried
// within the wait's own budget. Nothing here is timed as part of a sample.
import { setTimeout as sleep } from 'node:timers/promises';
import { Interrupted, TargetFailure } from '../errors.js';
import { MAX_POLL_INTERVAL_MS } from './defaults.js';
import { classifyTransient, type TransientError } from './transient.js';

/** One look at the platform: done with a value, or not yet with the state seen ("2 Running"). */
export type PollStep<T> = { done: true; value: T } | { done: false; state: string };

export interface WaitOptions {
  /** What is awaited, for progress lines and the timeout message ("deployment x to have no pods left"). */
  what: string;
  /** The wait's bound (named in the timeout message). */
  timeoutMs: number;
  /** When several steps share one bound: the absolute end (Date.now() ms) instead of now + timeoutMs. */
  deadline?: number;
  /** Pause before the second check; later pauses grow by `backoff` up to maxIntervalMs. */
  intervalMs: number;
  /** 1 (default) keeps the interval fixed. */
  backoff?: number;
  maxIntervalMs?: number;
  /** Aborts the wait with Interrupted. Left out while restoring, which must finish after Ctrl-C. */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Progress line interval (default: every 5 s, or a third of a shorter bound). */
  progressEveryMs?: number;
  /** Which thrown errors are retried: every transient one (reads, default), only throttles (a
   *  mutation that met a 5xx may have been applied), or none. Others are thrown as they are. */
  retry?: 'transient' | 'throttled' | 'none';
}

export interface PollResult<T> {
  value: T;
  waitedMs: number;
}

function retryable(err: unknown, mode: WaitOptions['retry']): TransientError | null {
  if (mode === 'none') return null;
  const transient = classifyTransient(err);
  if (!transient) return null;
  return mode === 'throttled' && transient.kind !== 'throttled' ? null : transient;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted();
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** How often a wait reports progress (a check that blocks, such as one on a watch, should return
 *  at least this often so the lines come). */
export function progressInterval(options: Pick<WaitOptions, 'progressEveryMs' | 'timeoutMs'>): number {
  return options.progressEveryMs ?? Math.min(5_000, Math.max(250, options.timeoutMs / 3));
}

export async function pollUntil<T>(check: () => Promise<PollStep<T>>, options: WaitOptions): Promise<PollResult<T>> {
  const start = Date.now();
  const deadline = options.deadline ?? start + options.timeoutMs;
  const maxInterval = Math.max(options.intervalMs, options.maxIntervalMs ?? MAX_POLL_INTERVAL_MS);
  const progressEvery = progressInterval(options);
  let interval = Math.max(1, options.intervalMs);
  let lastProgress = start;
  let lastState = 'nothing yet';
  for (;;) {
    throwIfAborted(options.signal);
    let pauseMs = interval;
    try {
      const step = await check();
      if (step.done) return { value: step.value, waitedMs: Date.now() - start };
      lastState = step.state;
    } catch (err) {
      // Whatever a check throws once the run is interrupted (an aborted request) is the interrupt.
      throwIfAborted(options.signal);
      const transient = retryable(err, options.retry ?? 'transient');
      if (!transient) throw err;
      lastState = `${transient.reason}${transient.retryAfterMs !== undefined ? `, retry after ${transient.retryAfterMs} ms` : ''}`;
      pauseMs = Math.max(interval, transient.retryAfterMs ?? 0);
    }
    const now = Date.now();
    if (now >= deadline) {
      throw new TargetFailure(`timed out after ${seconds(options.timeoutMs)} s waiting for ${options.what} (last seen: ${lastState})`);
    }
    if (options.log && now - lastProgress >= progressEvery) {
      lastProgress = now;
      options.log(`waiting for ${options.what}: ${lastState} (${seconds(now - start)} s of ${seconds(options.timeoutMs)} s)`);
    }
    // The last pause ends at the deadline, so the check right after it is the last one.
    await sleep(Math.min(pauseMs, deadline - now), undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
    interval = Math.min(maxInterval, Math.round(interval * (options.backoff ?? 1)));
  }
}

/** One API call, retried (per `retry`) while it fails transiently, within the same bounds. */
export async function callWithRetry<T>(call: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { value } = await pollUntil(async () => ({ done: true as const, value: await call() }), options);
  return value;
}
