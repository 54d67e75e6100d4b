// Pure pacing for the open model: a constant arrival schedule as a function of elapsed time and
// requests so far. No clock, no timers: the engine feeds in the time, so every rule here is tested
// without sleeping. Times are microseconds since the start of the schedule.

export interface Schedule {
  /** Requests per second (> 0). */
  rate: number;
  /** Total requests in the schedule (the first of warm.requests and warm.durationMs to bind). */
  total: number;
}

/** The intended send time of request `index` (0-based): request 0 at 0, then one every 1/rate s. */
export function intendedUs(index: number, rate: number): number {
  return (index * 1e6) / rate;
}

/** How many requests are due by `elapsedUs`: those whose intended time is <= elapsedUs, capped at total. */
export function dueBy(elapsedUs: number, schedule: Schedule): number {
  if (elapsedUs < 0) return 0;
  let n = Math.floor((elapsedUs * schedule.rate) / 1e6) + 1;
  // Correct the float estimate against intendedUs itself, so the two always agree exactly.
  while (n > 0 && intendedUs(n - 1, schedule.rate) > elapsedUs) n -= 1;
  while (intendedUs(n, schedule.rate) <= elapsedUs) n += 1;
  return Math.min(n, schedule.total);
}

/** Number of requests in a schedule bounded by a duration and/or a request count. */
export function scheduledTotal(rate: number, bounds: { durationMs?: number; requests?: number }): number {
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`warm.rate: expected a positive number of requests per second, got ${String(rate)}`);
  }
  if (bounds.durationMs === undefined && bounds.requests === undefined) {
    throw new RangeError('warm: the open model needs warm.duration or warm.requests to bound the schedule');
  }
  let total = Number.POSITIVE_INFINITY;
  if (bounds.durationMs !== undefined) {
    // Requests whose intended time falls strictly inside [0, duration).
    const durationUs = bounds.durationMs * 1000;
    let n = Math.ceil((durationUs * rate) / 1e6);
    while (n > 0 && intendedUs(n - 1, rate) >= durationUs) n -= 1;
    while (intendedUs(n, rate) < durationUs) n += 1;
    total = n;
  }
  if (bounds.requests !== undefined) total = Math.min(total, bounds.requests);
  return total;
}

export interface PaceDecision {
  /** How many more requests are due now (to send, or to drop if too old). */
  due: number;
  /** Microseconds until the next request becomes due; null when the schedule is exhausted. */
  waitUs: number | null;
}

/** What to do at `elapsedUs` after `scheduledSoFar` requests have been taken from the schedule. */
export function pace(elapsedUs: number, scheduledSoFar: number, schedule: Schedule): PaceDecision {
  const dueNow = dueBy(elapsedUs, schedule);
  const due = Math.max(0, dueNow - scheduledSoFar);
  const next = Math.max(dueNow, scheduledSoFar);
  const waitUs = next >= schedule.total ? null : Math.max(0, intendedUs(next, schedule.rate) - elapsedUs);
  return { due, waitUs };
}

export type SendVerdict = 'on-time' | 'late' | 'drop';

/** A request taken from the schedule at `nowUs`: sent on time, sent late (more than `lateAfterUs`
 *  behind its intended time), or dropped (it has already waited `timeoutUs`, so it could not
 *  complete within the request timeout measured from its intended time). */
export function sendVerdict(intendedAtUs: number, nowUs: number, lateAfterUs: number, timeoutUs: number): SendVerdict {
  const behind = nowUs - intendedAtUs;
  if (behind >= timeoutUs) return 'drop';
  if (behind > lateAfterUs) return 'late';
  return 'on-time';
}

/** Latency of a request measured from its intended send time (as wrk2 does), integer microseconds.
 *  A request held back by a stalled target therefore carries its waiting time into the tail. */
export function latencyFromIntendedUs(intendedAtUs: number, completedAtUs: number): number {
  return Math.max(0, Math.round(completedAtUs - intendedAtUs));
}
