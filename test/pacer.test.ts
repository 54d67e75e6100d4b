// The open model's pacing, as pure functions of (elapsed time, requests so far): no sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  dueBy,
  intendedUs,
  latencyFromIntendedUs,
  pace,
  scheduledTotal,
  sendVerdict,
} from '../bench/phases/pacer.js';

describe('pacer: the constant arrival schedule', () => {
  it('spaces intended send times 1/rate apart, starting at 0', () => {
    assert.deepEqual([0, 1, 2, 3].map((i) => intendedUs(i, 1000)), [0, 1000, 2000, 3000]);
    assert.deepEqual([0, 1, 2].map((i) => intendedUs(i, 4)), [0, 250_000, 500_000]);
    assert.equal(intendedUs(3, 3), 1_000_000);
  });

  it('counts the requests due by a time: intended time <= elapsed, capped at the total', () => {
    const schedule = { rate: 1000, total: 10 };
    assert.equal(dueBy(-1, schedule), 0);
    assert.equal(dueBy(0, schedule), 1, 'request 0 is due at once');
    assert.equal(dueBy(999, schedule), 1);
    assert.equal(dueBy(1000, schedule), 2, 'request 1 is due exactly at 1 ms');
    assert.equal(dueBy(5500, schedule), 6);
    assert.equal(dueBy(1e9, schedule), 10, 'never more than the total');
  });

  it('agrees exactly with intendedUs for any rate and time (no float drift)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 3.6e9, noNaN: true }),
        (rate, elapsedUs) => {
          const n = dueBy(elapsedUs, { rate, total: Number.MAX_SAFE_INTEGER });
          assert.ok(n >= 1);
          assert.ok(intendedUs(n - 1, rate) <= elapsedUs, 'the last due request is not in the future');
          assert.ok(intendedUs(n, rate) > elapsedUs, 'the next request is not yet due');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is monotonic in time', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 50_000, noNaN: true }), fc.nat(10_000_000), fc.nat(10_000_000), (rate, a, b) => {
        const schedule = { rate, total: 1_000_000 };
        const [early, late] = a <= b ? [a, b] : [b, a];
        assert.ok(dueBy(early, schedule) <= dueBy(late, schedule));
      }),
    );
  });
});

describe('pacer: bounds of the schedule', () => {
  it('takes the requests whose intended time falls inside the duration', () => {
    assert.equal(scheduledTotal(1000, { durationMs: 1000 }), 1000, '0 ms .. 999 ms');
    assert.equal(scheduledTotal(3, { durationMs: 1000 }), 3, '0, 333, 667 ms');
    assert.equal(scheduledTotal(2, { durationMs: 1001 }), 3, '0, 500, 1000 ms');
    assert.equal(scheduledTotal(0.5, { durationMs: 1000 }), 1, 'one request at 0, the next at 2 s');
  });

  it('stops at whichever of requests and duration comes first', () => {
    assert.equal(scheduledTotal(100, { requests: 7 }), 7);
    assert.equal(scheduledTotal(100, { requests: 7, durationMs: 10_000 }), 7);
    assert.equal(scheduledTotal(100, { requests: 7_000, durationMs: 1000 }), 100);
  });

  it('refuses an unbounded or rateless schedule, naming the field', () => {
    assert.throws(() => scheduledTotal(100, {}), /warm\.duration or warm\.requests/);
    assert.throws(() => scheduledTotal(0, { requests: 1 }), /warm\.rate.*got 0/);
    assert.throws(() => scheduledTotal(Number.NaN, { requests: 1 }), /warm\.rate.*got NaN/);
  });
});

describe('pacer: pace() from elapsed time and requests so far', () => {
  const schedule = { rate: 1000, total: 5 };

  it('sends request 0 at once and then waits for the next slot', () => {
    assert.deepEqual(pace(0, 0, schedule), { due: 1, waitUs: 1000 });
    assert.deepEqual(pace(250, 1, schedule), { due: 0, waitUs: 750 });
  });

  it('catches up after a stall: everything past due is due now, with no wait', () => {
    assert.deepEqual(pace(3500, 1, schedule), { due: 3, waitUs: 500 });
  });

  it('reports the end of the schedule', () => {
    assert.deepEqual(pace(4000, 5, schedule), { due: 0, waitUs: null });
    assert.deepEqual(pace(4000, 4, schedule), { due: 1, waitUs: null });
  });

  it('never asks for more than the total, whatever the order of calls', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20_000), { minLength: 1, maxLength: 50 }), (steps) => {
        let elapsed = 0;
        let taken = 0;
        for (const step of steps) {
          elapsed += step;
          taken += pace(elapsed, taken, schedule).due;
          assert.equal(taken, dueBy(elapsed, schedule));
        }
        assert.ok(taken <= schedule.total);
      }),
    );
  });
});

describe('pacer: late / dropped verdicts and intended-time latency', () => {
  const lateAfterUs = 1000;
  const timeoutUs = 30_000_000;

  it('sends on time within the late threshold, late beyond it, drops after the timeout', () => {
    assert.equal(sendVerdict(5000, 5000, lateAfterUs, timeoutUs), 'on-time');
    assert.equal(sendVerdict(5000, 6000, lateAfterUs, timeoutUs), 'on-time');
    assert.equal(sendVerdict(5000, 6001, lateAfterUs, timeoutUs), 'late');
    assert.equal(sendVerdict(5000, 5000 + timeoutUs - 1, lateAfterUs, timeoutUs), 'late');
    assert.equal(sendVerdict(5000, 5000 + timeoutUs, lateAfterUs, timeoutUs), 'drop');
  });

  it('measures latency from the intended send time, not the actual one', () => {
    // Intended at 10 ms, held back 900 ms by a stall, answered 100 us after it was finally sent.
    const intended = 10_000;
    const actualSend = 910_000;
    const done = actualSend + 100;
    assert.equal(latencyFromIntendedUs(intended, done), 900_100);
    assert.equal(latencyFromIntendedUs(intended, intended + 0.4), 0);
    assert.equal(latencyFromIntendedUs(intended, intended + 12.6), 13, 'rounded to integer microseconds');
  });
});
