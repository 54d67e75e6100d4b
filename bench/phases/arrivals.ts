// Pure pacing of an open model whose rate varies: warm.stages (k6's ramping arrival rate: the rate
// goes linearly from one stage's rate to the next over the stage's duration) and warm.trace (a
// constant rate within each interval: count / interval). Request i is intended at the time t where
// the expected number of arrivals so far, N(t) = integral of the rate, reaches i (request 0 at 0),
// which for a constant rate is the constant pacer's i / rate. No clock: the engine feeds in time.
import type { Arrivals, WarmConfig } from '../config/schema.js';
import { dueBy, intendedUs, type Schedule } from './pacer.js';

/** A schedule the open model drains: intended send times by index, and how many are due. */
export interface ArrivalSchedule {
  /** Requests in the schedule. */
  total: number;
  /** Mean requests per second over the schedule (the constant rate for warm.rate). */
  rate: number;
  /** Highest rate reached (sizes the pre-warm and the connections). */
  peakRate: number;
  intendedUs(index: number): number;
  /** Requests whose intended time is <= elapsedUs, capped at total. */
  dueBy(elapsedUs: number): number;
}

/** One stretch of linearly changing rate: a stage, or one interval of a trace. */
export interface Segment {
  startUs: number;
  durationUs: number;
  fromRate: number;
  toRate: number;
}

/** The constant-rate schedule of warm.rate (pacer.ts). */
export function constantSchedule(schedule: Schedule): ArrivalSchedule {
  return {
    total: schedule.total,
    rate: schedule.rate,
    peakRate: schedule.rate,
    intendedUs: (index) => intendedUs(index, schedule.rate),
    dueBy: (elapsedUs) => dueBy(elapsedUs, schedule),
  };
}

/** Stages or trace intervals as segments, back to back from 0. */
export function segmentsOf(arrivals: Arrivals): Segment[] {
  const out: Segment[] = [];
  let startUs = 0;
  if (arrivals.kind === 'stages') {
    let rate = arrivals.startRate;
    for (const stage of arrivals.stages) {
      out.push({ startUs, durationUs: stage.durationMs * 1000, fromRate: rate, toRate: stage.rate });
      startUs += stage.durationMs * 1000;
      rate = stage.rate;
    }
    return out;
  }
  const intervalUs = arrivals.intervalMs * 1000;
  for (const count of arrivals.counts) {
    const rate = (count * arrivals.scale * 1e6) / intervalUs;
    out.push({ startUs, durationUs: intervalUs, fromRate: rate, toRate: rate });
    startUs += intervalUs;
  }
  return out;
}

/** Expected arrivals within `segment` by `tUs` after its start. */
function arrivalsWithin(segment: Segment, tUs: number): number {
  if (segment.durationUs === 0) return 0;
  const slope = (segment.toRate - segment.fromRate) / segment.durationUs;
  return (segment.fromRate * tUs + (slope * tUs * tUs) / 2) / 1e6;
}

/** Time after the segment's start at which `n` arrivals have happened within it (n >= 0). */
function timeWithin(segment: Segment, n: number): number {
  const a = segment.fromRate / 1e6;
  const b = (segment.toRate - segment.fromRate) / segment.durationUs / 1e6;
  // Solves a t + b t^2 / 2 = n in the form that stays exact when a or b is 0.
  const root = Math.sqrt(Math.max(0, a * a + 2 * b * n));
  const t = a + root > 0 ? (2 * n) / (a + root) : 0;
  return Math.min(segment.durationUs, Math.max(0, t));
}

/** A float that is an integer but for rounding error is that integer (1e-9 of a request). */
function snap(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 ? r : x;
}

/** Index of the last segment starting at or before tUs (segments sorted by start). */
function segmentAt(starts: number[], tUs: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= tUs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The schedule of varying-rate segments, capped at `requests` when given. */
export function segmentSchedule(segments: Segment[], requests?: number): ArrivalSchedule {
  if (segments.length === 0) throw new RangeError('warm: a varying-rate schedule needs at least one stage or interval');
  // before[k]: expected arrivals before segment k; before[length]: in the whole schedule.
  const before = [0];
  for (const s of segments) before.push(snap((before.at(-1) ?? 0) + arrivalsWithin(s, s.durationUs)));
  const starts = segments.map((s) => s.startUs);
  const endUs = (segments.at(-1)?.startUs ?? 0) + (segments.at(-1)?.durationUs ?? 0);
  const expected = before.at(-1) ?? 0;
  const total = Math.min(Math.ceil(expected), requests ?? Number.POSITIVE_INFINITY);
  const at = (index: number): number => {
    // The segment k with before[k] <= index < before[k + 1] (empty segments hold no request).
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((before[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    const segment = segments[lo];
    if (!segment) return endUs;
    return segment.startUs + timeWithin(segment, index - (before[lo] ?? 0));
  };
  const arrivedBy = (tUs: number): number => {
    if (tUs >= endUs) return expected;
    const k = segmentAt(starts, tUs);
    const segment = segments[k];
    return segment ? (before[k] ?? 0) + arrivalsWithin(segment, tUs - segment.startUs) : 0;
  };
  return {
    total,
    rate: endUs > 0 ? (total * 1e6) / endUs : 0,
    peakRate: Math.max(0, ...segments.map((s) => Math.max(s.fromRate, s.toRate))),
    intendedUs: at,
    dueBy(elapsedUs) {
      if (elapsedUs < 0) return 0;
      let n = Math.min(total, Math.floor(snap(arrivedBy(elapsedUs))) + 1);
      // Correct the float estimate against intendedUs itself, so the two always agree exactly.
      while (n > 0 && at(n - 1) > elapsedUs) n -= 1;
      while (n < total && at(n) <= elapsedUs) n += 1;
      return n;
    },
  };
}

/** The open model's schedule for a warm phase: its arrivals, else the constant rate. */
export function scheduleOf(warm: WarmConfig, constantTotal: (rate: number) => number): ArrivalSchedule {
  if (warm.arrivals) return segmentSchedule(segmentsOf(warm.arrivals), warm.requests);
  if (warm.rate === undefined) throw new RangeError('warm.rate: the open model needs a rate (requests per second)');
  return constantSchedule({ rate: warm.rate, total: constantTotal(warm.rate) });
}

/** The highest rate the phase asks for (warm.rate, or the arrivals' peak). */
export function peakRateOf(warm: WarmConfig): number | undefined {
  if (!warm.arrivals) return warm.rate;
  return Math.max(0, ...segmentsOf(warm.arrivals).map((s) => Math.max(s.fromRate, s.toRate)));
}

/** Which segment a time falls in (the last one for times at or past the end). */
export function segmentIndexAt(segments: Segment[], tUs: number): number {
  return segmentAt(segments.map((s) => s.startUs), tUs);
}

/** The unrecorded warm-up of a varying-rate phase runs at its first rate (not through the stages). */
export function warmupOf(warm: WarmConfig): WarmConfig {
  if (!warm.arrivals) return warm;
  const { arrivals: _arrivals, ...rest } = warm;
  return { ...rest, rate: segmentsOf(warm.arrivals).find((s) => s.fromRate > 0 || s.toRate > 0)?.fromRate || (peakRateOf(warm) ?? 1) };
}
