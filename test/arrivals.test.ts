// warm.stages / warm.trace pacing as pure functions: intended send times of a varying rate, counted
// exactly per stage (the Done-when "each stage's rate within 2%" checked on the pacer's counts; the
// measured rate under real load is in `npm run perf`, scripts/perf-stages.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { constantSchedule, segmentSchedule, segmentsOf, scheduleOf, peakRateOf, warmupOf } from '../bench/phases/arrivals.js';
import { StageTally } from '../bench/phases/stage-tally.js';
import { parseTrace } from '../bench/config/trace.js';
import type { Arrivals, WarmConfig } from '../bench/config/schema.js';

const stages = (list: Array<[rate: number, seconds: number]>, startRate?: number): Arrivals => ({
  kind: 'stages',
  startRate: startRate ?? list[0]![0],
  stages: list.map(([rate, s]) => ({ rate, durationMs: s * 1000 })),
});

/** Intended times of the whole schedule. */
function times(arrivals: Arrivals, requests?: number): number[] {
  const schedule = segmentSchedule(segmentsOf(arrivals), requests);
  return Array.from({ length: schedule.total }, (_, i) => schedule.intendedUs(i));
}

function countIn(all: number[], fromUs: number, toUs: number): number {
  return all.filter((t) => t >= fromUs && t < toUs).length;
}

describe('arrivals: stages (k6 ramping arrival rate)', () => {
  it('a two-stage profile holds each stage\'s rate: 50 req/s for 2 s, then a ramp 50 -> 150 req/s over 2 s', () => {
    const arrivals = stages([[50, 2], [150, 2]]);
    const all = times(arrivals);
    assert.equal(all.length, 300);
    assert.equal(countIn(all, 0, 2e6), 100, 'stage 1: 50 req/s x 2 s');
    assert.equal(countIn(all, 2e6, 4e6), 200, 'stage 2: mean of 50 and 150 req/s x 2 s');
    // Within the ramp, the rate rises linearly: its first second has (50+100)/2, its second (100+150)/2.
    assert.equal(countIn(all, 2e6, 3e6), 75);
    assert.equal(countIn(all, 3e6, 4e6), 125);
    const schedule = segmentSchedule(segmentsOf(arrivals));
    const tally = new StageTally(segmentsOf(arrivals), schedule);
    const [one, two] = tally.results();
    for (const [stage, rate] of [[one!, 50], [two!, 100]] as const) {
      const achieved = stage.scheduled / (stage.durationMs / 1000);
      assert.ok(Math.abs(achieved - rate) / rate <= 0.02, `stage at ${stage.startMs} ms: ${achieved} req/s, expected ${rate} within 2%`);
    }
    assert.deepEqual([one!.scheduled, two!.scheduled], [100, 200]);
  });

  it('a zero-length stage is a step: 20 req/s for 1 s, then 80 req/s for 1 s', () => {
    const all = times(stages([[20, 1], [80, 0], [80, 1]]));
    assert.equal(countIn(all, 0, 1e6), 20);
    assert.equal(countIn(all, 1e6, 2e6), 80);
    assert.equal(all[20], 1e6, 'the first request of the step leaves at its start');
  });

  it('starts from startRate (0: the first request leaves at 0 and the next follow the ramp)', () => {
    const all = times(stages([[100, 1]], 0));
    assert.equal(all.length, 50, 'a ramp 0 -> 100 req/s over 1 s: 50 requests');
    assert.equal(all[0], 0);
    // N(t) = 50 t^2: request i at sqrt(i / 50) s.
    assert.ok(Math.abs(all[8]! - 400_000) < 1e-6);
  });

  it('a constant stage gives the constant pacer\'s intended times', () => {
    const varying = segmentSchedule(segmentsOf(stages([[37, 3]])));
    const constant = constantSchedule({ rate: 37, total: 111 });
    assert.equal(varying.total, constant.total);
    for (let i = 0; i < constant.total; i += 1) assert.ok(Math.abs(varying.intendedUs(i) - constant.intendedUs(i)) < 1e-6, `request ${i}`);
  });

  it('intended times never go back, and dueBy agrees exactly with them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 16e6, noNaN: true }),
        (list, start, elapsedUs) => {
          const arrivals: Arrivals = { kind: 'stages', startRate: start, stages: list.map(([rate, ms]) => ({ rate, durationMs: ms })) };
          const schedule = segmentSchedule(segmentsOf(arrivals));
          let previous = -1;
          for (let i = 0; i < schedule.total; i += 1) {
            const t = schedule.intendedUs(i);
            assert.ok(t >= previous, `request ${i} at ${t} before ${previous}`);
            previous = t;
          }
          const n = schedule.dueBy(elapsedUs);
          assert.ok(n <= schedule.total);
          if (n > 0) assert.ok(schedule.intendedUs(n - 1) <= elapsedUs);
          if (n < schedule.total) assert.ok(schedule.intendedUs(n) > elapsedUs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('warm.requests caps the schedule; the peak rate sizes the pre-warm; the warm-up runs at the first rate', () => {
    const warm: WarmConfig = { connections: 1, maxConnections: 8, warmupMs: 500, requests: 30, durationMs: 4000, arrivals: stages([[50, 2], [150, 2]]) };
    assert.equal(scheduleOf(warm, () => 0).total, 30);
    assert.equal(peakRateOf(warm), 150);
    const warmup = warmupOf(warm);
    assert.equal(warmup.arrivals, undefined);
    assert.equal(warmup.rate, 50);
  });
});

describe('arrivals: trace (counts per interval)', () => {
  it('spreads each interval\'s count evenly over it; an empty interval sends nothing', () => {
    const arrivals: Arrivals = { kind: 'trace', file: 't.csv', intervalMs: 1000, scale: 1, counts: [3, 0, 5] };
    const all = times(arrivals);
    assert.equal(all.length, 8);
    assert.deepEqual(all.slice(0, 3).map(Math.round), [0, 333_333, 666_667]);
    assert.deepEqual(all.slice(3).map(Math.round), [2_000_000, 2_200_000, 2_400_000, 2_600_000, 2_800_000]);
    const tally = new StageTally(segmentsOf(arrivals), segmentSchedule(segmentsOf(arrivals)));
    assert.deepEqual(tally.results().map((s) => s.scheduled), [3, 0, 5]);
  });

  it('scales the counts', () => {
    assert.equal(times({ kind: 'trace', file: 't.csv', intervalMs: 60_000, scale: 2.5, counts: [2, 4] }).length, 15);
  });
});

describe('trace files (Azure Functions layout)', () => {
  const csv = ['HashOwner,HashApp,HashFunction,Trigger,1,2,3', 'o1,a1,f1,http,1,0,2', 'o2,a2,f2,timer,5,5,5', ''].join('\n');

  it('reads the numbered columns of the first row, or of the row naming the function', () => {
    assert.deepEqual(parseTrace(csv, 'trace.csv'), { ok: true, counts: [1, 0, 2] });
    assert.deepEqual(parseTrace(csv, 'trace.csv', 'f2'), { ok: true, counts: [5, 5, 5] });
  });

  it('names the file, line and column of a bad count, and a missing function', () => {
    const bad = parseTrace('HashFunction,1,2\nf1,3,x\n', 'trace.csv');
    assert.deepEqual(bad, { ok: false, message: 'trace.csv:2: column 2: expected a count of requests (a non-negative integer), got "x"' });
    const missing = parseTrace(csv, 'trace.csv', 'nope');
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.message, /no row whose HashFunction is "nope"/);
    const noCounts = parseTrace('a,b\n1,2\n', 'trace.csv');
    assert.match(noCounts.ok ? '' : noCounts.message, /^trace\.csv:1: no count columns/);
  });
});
