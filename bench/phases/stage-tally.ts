// Per-stage accounting of an open model with warm.stages / warm.trace: how many requests each
// stage scheduled (by intended time), how many actually left within the stage's window (by send
// time: the rate the target really saw), and the errors and cold starts of the stage's requests.
import type { StageResult } from '../results/types.js';
import type { ArrivalSchedule, Segment } from './arrivals.js';

export class StageTally {
  private readonly starts: number[];
  private readonly sent: number[];
  private readonly errors: number[];
  private readonly colds: number[];

  constructor(
    private readonly segments: Segment[],
    private readonly schedule: ArrivalSchedule,
  ) {
    this.starts = segments.map((s) => s.startUs);
    this.sent = segments.map(() => 0);
    this.errors = segments.map(() => 0);
    this.colds = segments.map(() => 0);
  }

  /** Index of the stage a time (µs since the start) falls in. */
  stageAt(tUs: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= tUs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A request left at `sentAtUs`. */
  recordSend(sentAtUs: number): void {
    const k = this.stageAt(sentAtUs);
    this.sent[k] = (this.sent[k] ?? 0) + 1;
  }

  /** A request intended at `intendedAtUs` completed: failed, and/or served by a cold start. */
  recordResult(intendedAtUs: number, failed: boolean, cold: boolean): void {
    const k = this.stageAt(intendedAtUs);
    if (failed) this.errors[k] = (this.errors[k] ?? 0) + 1;
    if (cold) this.colds[k] = (this.colds[k] ?? 0) + 1;
  }

  /** Requests of the schedule intended strictly before tUs. */
  private intendedBefore(tUs: number): number {
    let n = this.schedule.dueBy(tUs);
    while (n > 0 && this.schedule.intendedUs(n - 1) >= tUs) n -= 1;
    return n;
  }

  results(): StageResult[] {
    return this.segments.map((s, k) => ({
      startMs: s.startUs / 1000,
      durationMs: s.durationUs / 1000,
      fromRate: s.fromRate,
      toRate: s.toRate,
      scheduled: this.intendedBefore(s.startUs + s.durationUs) - this.intendedBefore(s.startUs),
      sent: this.sent[k] ?? 0,
      errors: this.errors[k] ?? 0,
      coldStarts: this.colds[k] ?? 0,
    }));
  }
}
