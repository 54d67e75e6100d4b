// The open model's wake-ups (PreciseWake): a callback runs once, never before its time, whichever
// path gets it there (timer, helper thread, polling); a replaced or cancelled wake never runs.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { PreciseWake } from '../bench/phases/precise-wake.js';
import { withinHangBound } from './helpers/wait.js';

/** Resolves once every timer already due and every pending immediate has run: a stale path of a
 *  wake that already ran (or was cancelled) would have fired by then. */
const pendingCallbacksRun = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
};

describe('PreciseWake', () => {
  const wake = new PreciseWake();
  before(() => wake.start());
  after(() => wake.close());

  /** Resolves with the time the callback first ran and how often it had run once the callbacks
   *  pending at that time had run too. */
  async function wakeAt(atMs: number): Promise<{ ranAt: number; calls: number }> {
    let calls = 0;
    const ranAt = await new Promise<number>((resolve) =>
      wake.at(atMs, () => {
        calls += 1;
        resolve(performance.now());
      }),
    );
    await pendingCallbacksRun();
    return { ranAt, calls };
  }

  for (const [path, aheadMs] of [['polling', 0.1], ['helper thread', 2], ['timer, then helper thread', 25]] as const) {
    it(`runs once and not early (${path}, ${aheadMs} ms ahead)`, async () => {
      for (let i = 0; i < 5; i += 1) {
        const target = performance.now() + aheadMs;
        const { ranAt, calls } = await wakeAt(target);
        assert.ok(ranAt >= target, `ran ${(target - ranAt).toFixed(3)} ms early`);
        assert.equal(calls, 1);
      }
    });
  }

  it('runs a wake whose time has passed at once', async () => {
    const { calls } = await wakeAt(performance.now() - 5);
    assert.equal(calls, 1);
  });

  it('replacing a wake drops the first callback', async () => {
    const ran: string[] = [];
    // The first is due before the second: had it not been dropped, it would have run first.
    await withinHangBound(
      new Promise<void>((resolve) => {
        wake.at(performance.now() + 3, () => ran.push('first'));
        wake.at(performance.now() + 6, () => {
          ran.push('second');
          resolve();
        });
      }),
      'the second wake',
    );
    await pendingCallbacksRun();
    assert.deepEqual(ran, ['second']);
  });

  it('a cancelled wake never runs, on any path', async () => {
    const ran: number[] = [];
    for (const aheadMs of [0.1, 2, 10]) {
      wake.at(performance.now() + aheadMs, () => ran.push(aheadMs));
      wake.cancel();
    }
    // A later wake, due after every cancelled one: it runs on time (not early, as a stale path of a
    // cancelled wake would make it), and by then no cancelled callback has run.
    const target = performance.now() + 15;
    const ranAt = await withinHangBound(new Promise<number>((resolve) => wake.at(target, () => resolve(performance.now()))), 'the later wake');
    await pendingCallbacksRun();
    assert.ok(ranAt >= target, `the later wake ran ${(target - ranAt).toFixed(3)} ms early`);
    assert.deepEqual(ran, []);
  });

  it('soon() runs on a next turn of the event loop, not synchronously', async () => {
    let ran = false;
    const done = new Promise<void>((resolve) =>
      wake.soon(() => {
        ran = true;
        resolve();
      }),
    );
    assert.equal(ran, false);
    await done;
    assert.equal(ran, true);
  });
});

describe('PreciseWake without its helper thread', () => {
  it('still wakes on time by timers and polling', async () => {
    const wake = new PreciseWake(); // start() not called: no helper thread
    try {
      const target = performance.now() + 3;
      const ranAt = await new Promise<number>((resolve) => wake.at(target, () => resolve(performance.now())));
      assert.ok(ranAt >= target);
    } finally {
      wake.close();
    }
  });
});
