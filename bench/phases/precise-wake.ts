// Sub-millisecond wake-ups for the open model without burning a core. Node timers have millisecond
// granularity (and often fire ~1 ms late), which would land in every latency measured from an
// intended send time; spinning on setImmediate is precise but holds a whole CPU, and on a busy
// machine the scheduler then preempts it for milliseconds at a time.
// So: a far wake uses setTimeout, a near one a helper thread that sleeps on a futex
// (Atomics.wait takes fractional milliseconds) and posts back, and the last SPIN_MS spin.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** The last stretch before a wake is spun on setImmediate (covers the helper's wake-up latency). */
const SPIN_MS = 0.3;
/** Farther than this, a plain timer gets us close enough first. */
const TIMER_ABOVE_MS = 5;

// Plain JS, evaluated in the helper thread: sleep until the absolute time asked for, unless the
// generation changes first (a cancel), then say so.
const SLEEPER = `
const { parentPort, workerData } = require('node:worker_threads');
const generation = new Int32Array(workerData);
parentPort.on('message', ({ at, gen }) => {
  const left = at - (performance.timeOrigin + performance.now());
  if (left > 0) Atomics.wait(generation, 0, gen, left);
  if (Atomics.load(generation, 0) === gen) parentPort.postMessage(gen);
});
`;

export class PreciseWake {
  private readonly generation = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | null = null;
  private online: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private target = 0;
  private callback: (() => void) | null = null;
  private awaitingWorker = false;

  /** Start the helper thread ahead of time (it takes tens of milliseconds). */
  start(): Promise<void> {
    if (!this.online) {
      const worker = new Worker(SLEEPER, { eval: true, workerData: this.generation.buffer, execArgv: [] });
      worker.unref();
      worker.on('message', (gen: number) => {
        if (gen !== Atomics.load(this.generation, 0)) return;
        this.awaitingWorker = false;
        this.approach();
      });
      worker.on('error', () => {
        // Fall back to timers and spinning, also for a wake the helper was sleeping on.
        this.worker = null;
        if (!this.awaitingWorker) return;
        this.awaitingWorker = false;
        this.approach();
      });
      this.worker = worker;
      this.online = new Promise((resolve) => {
        worker.once('online', () => resolve());
        worker.once('error', () => resolve());
      });
    }
    return this.online;
  }

  /** Call `callback` once, as soon as possible after performance.now() reaches `atMs`.
   *  Replaces a pending wake. */
  at(atMs: number, callback: () => void): void {
    this.cancel();
    this.target = atMs;
    this.callback = callback;
    this.approach();
  }

  /** Call `callback` on the next turn of the event loop (replaces a pending wake). */
  soon(callback: () => void): void {
    this.at(Number.NEGATIVE_INFINITY, callback);
  }

  /** Forget the pending wake (its callback will not run). */
  cancel(): void {
    Atomics.add(this.generation, 0, 1);
    Atomics.notify(this.generation, 0);
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.callback = null;
    this.awaitingWorker = false;
  }

  close(): void {
    this.cancel();
    void this.worker?.terminate();
    this.worker = null;
  }

  private readonly approach = (): void => {
    this.timer = null;
    this.immediate = null;
    const callback = this.callback;
    if (!callback) return;
    const leftMs = this.target - performance.now();
    if (leftMs === Number.NEGATIVE_INFINITY) {
      this.immediate = setImmediate(() => {
        this.immediate = null;
        if (this.callback !== callback) return;
        this.callback = null;
        callback();
      });
    } else if (leftMs <= 0) {
      this.callback = null;
      callback();
    } else if (leftMs > TIMER_ABOVE_MS) {
      this.timer = setTimeout(this.approach, leftMs - 2);
    } else if (leftMs <= SPIN_MS || !this.worker) {
      this.immediate = setImmediate(this.approach);
    } else {
      const gen = Atomics.load(this.generation, 0);
      this.awaitingWorker = true;
      this.worker.postMessage({ at: performance.timeOrigin + this.target - SPIN_MS, gen });
    }
  };
}
