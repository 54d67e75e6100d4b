// Open-model warm load on undici: requests leave on a constant arrival schedule (warm.rate), each
// timed from its *intended* send time (as wrk2 does), so a stalled target shows up in the tail
// instead of being hidden by a generator that politely waits (coordinated omission).
//
// Connections: the undici Pool opens one only when every open one is busy, up to
// warm.maxConnections. Requests due while all of them are busy wait in a backlog, which is only an
// index range of the schedule (no per-request memory); they are sent late, or dropped once they have
// waited the request timeout. scheduled = sent + dropped.
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import type { HttpRequestSpec } from '../adapters/types.js';
import type { WarmConfig } from '../config/schema.js';
import { errorKindForException, errorKindForStatus, type ErrorKind } from '../errors.js';
import { createHistogram } from '../histograms.js';
import type { InstanceTracker } from './instances.js';
import { OneShotHandler } from './one-shot-handler.js';
import { PreciseWake } from './precise-wake.js';
import { latencyFromIntendedUs, scheduledTotal, sendVerdict } from './pacer.js';
import { scheduleOf, segmentsOf, type ArrivalSchedule } from './arrivals.js';
import { StageTally } from './stage-tally.js';
import type { WarmEngineResult, WarmProgress } from './warm-types.js';

export interface OpenModelOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onProgress?: WarmProgress;
  /** A send more than this behind its intended time counts as late (default LATE_AFTER_US). */
  lateAfterUs?: number;
  /** Lower-case response header naming the serving instance, and where each one is counted. */
  instanceHeader?: string;
  tracker?: InstanceTracker;
}

/** A request sent more than 1 ms after its intended time is late: below that is timer granularity. */
export const LATE_AFTER_US = 1000;
/** For this long after a send the engine polls for the response instead of sleeping (a loopback
 *  or LAN answer); a slower answer can bear the event loop's wake-up time. */
const POLL_AFTER_SEND_US = 1000;
const PROGRESS_EVERY_MS = 1000;
/** Pre-warm: at most this many sequential probe requests, within this time. */
const PREWARM_PROBES = 20;
const PREWARM_BUDGET_MS = 500;
const PAUSE_ALLOWANCE_US = 5000;
/** How often long phases refresh short-lived credentials unless the request says (ID tokens last an hour). */
const HEADER_REFRESH_MS = 10 * 60_000;

export function runOpenModel(
  request: HttpRequestSpec,
  warm: WarmConfig,
  options: OpenModelOptions,
): Promise<WarmEngineResult> {
  if (!Number.isInteger(warm.maxConnections) || warm.maxConnections < 1) {
    throw new RangeError(`warm.maxConnections: expected a positive integer, got ${String(warm.maxConnections)}`);
  }
  const schedule = scheduleOf(warm, (rate) => scheduledTotal(rate, warm));
  const stages = warm.arrivals ? new StageTally(segmentsOf(warm.arrivals), schedule) : null;
  return new OpenModelRun(request, warm.maxConnections, schedule, stages, options).start();
}

class OpenModelRun {
  private readonly histogram = createHistogram();
  private readonly errorsByKind: Partial<Record<ErrorKind, number>> = {};
  private readonly pool: Pool;
  private readonly path: string;
  private readonly method: Dispatcher.HttpMethod;
  private headers: Record<string, string>;
  private readonly lateAfterUs: number;
  private readonly timeoutUs: number;

  private t0 = 0;
  /** Schedule entries taken so far (sent or dropped); [taken, dueBy(now)) is the backlog. */
  private taken = 0;
  private sent = 0;
  private late = 0;
  private dropped = 0;
  private completed = 0;
  private inFlight = 0;
  private openConnections = 0;
  private peakConnections = 0;
  private lastCompletionUs = 0;
  private lastSendUs = 0;
  private lastProgressMs = 0;
  private finished = false;
  /** Wakes the tick at the next intended send (sub-millisecond, without spinning a core). */
  private readonly wake = new PreciseWake();
  private refresher: NodeJS.Timeout | null = null;
  private resolve: (result: WarmEngineResult) => void = () => {};

  constructor(
    private readonly request: HttpRequestSpec,
    private readonly maxConnections: number,
    private readonly schedule: ArrivalSchedule,
    /** warm.stages / warm.trace: per-stage counts; null for a constant rate. */
    private readonly stages: StageTally | null,
    private readonly options: OpenModelOptions,
  ) {
    const url = new URL(request.url);
    this.path = `${url.pathname}${url.search}`;
    this.method = request.method.toUpperCase() as Dispatcher.HttpMethod;
    this.headers = { ...request.headers };
    this.lateAfterUs = options.lateAfterUs ?? LATE_AFTER_US;
    this.timeoutUs = options.timeoutMs * 1000;
    this.pool = new Pool(url.origin, {
      connections: maxConnections,
      pipelining: 1,
      connectTimeout: options.timeoutMs,
      ...(request.tls ? { connect: { ...request.tls } } : {}),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.pool.on('connect', () => {
      this.openConnections += 1;
      if (this.openConnections > this.peakConnections) this.peakConnections = this.openConnections;
    });
    this.pool.on('disconnect', () => (this.openConnections -= 1));
  }

  async start(): Promise<WarmEngineResult> {
    const done = new Promise<WarmEngineResult>((resolve) => (this.resolve = resolve));
    if (this.options.signal.aborted || this.schedule.total === 0) {
      this.finish();
      return done;
    }
    // Listening from here on: an abort during the pre-warm destroys the pool, which ends it too.
    this.options.signal.addEventListener('abort', this.onAbort, { once: true });
    await this.wake.start();
    await this.prewarm();
    if (this.finished) return done;
    const refresh = this.request.refreshHeaders;
    if (refresh) {
      // Headers that age (a SigV4 signature) are made again after the set-up, just before the clock starts.
      this.headers = { ...this.headers, ...(await refresh().catch(() => ({}))) };
      if (this.finished) return done;
      this.refresher = setInterval(() => {
        refresh().then((headers) => (this.headers = { ...this.headers, ...headers }), () => {});
      }, this.request.refreshEveryMs ?? HEADER_REFRESH_MS);
      this.refresher.unref();
    }
    this.t0 = performance.now();
    this.tick();
    return done;
  }

  private readonly onAbort = () => this.finish();

  /** Untimed, before the schedule starts (wrk too connects before it measures): a few sequential
   *  requests warm our own code paths and estimate the latency, then the connections the schedule
   *  will likely need are opened together. Otherwise the first
   *  milliseconds of every run would time TCP handshakes and JIT compilation instead of the target. */
  private async prewarm(): Promise<void> {
    const latenciesUs: number[] = [];
    const until = performance.now() + PREWARM_BUDGET_MS;
    while (latenciesUs.length < PREWARM_PROBES && performance.now() < until && !this.finished) {
      const us = await this.untimedRequest();
      if (us === null) return; // the target fails: the measured run will count how
      latenciesUs.push(us);
    }
    latenciesUs.sort((a, b) => a - b);
    const medianUs = latenciesUs[Math.floor(latenciesUs.length / 2)] ?? 0;
    // Enough for twice the expected concurrency, and for the requests of a 5 ms pause of our own
    // process (a scheduler time slice on a busy machine) without opening connections mid-run.
    const concurrency = Math.ceil(((this.schedule.peakRate * medianUs) / 1e6) * 2) + 1;
    const wanted = Math.max(concurrency, Math.ceil((this.schedule.peakRate * PAUSE_ALLOWANCE_US) / 1e6));
    const connections = Math.min(this.maxConnections, wanted);
    if (connections > 1 && !this.finished) {
      await Promise.all(Array.from({ length: connections }, () => this.untimedRequest()));
    }
  }

  /** One request outside the measurement: its latency in microseconds, or null if it failed. */
  private untimedRequest(): Promise<number | null> {
    const startedAt = performance.now();
    return new Promise((resolve) => {
      this.pool.dispatch(
        { path: this.path, method: this.method, headers: this.headers, body: this.request.body ?? null },
        new OneShotHandler((status, error, instance) => {
          this.options.tracker?.learn(instance);
          resolve(error === null && errorKindForStatus(status ?? 0) === null ? (performance.now() - startedAt) * 1000 : null);
        }, this.options.instanceHeader),
      );
    });
  }

  private elapsedUs(): number {
    return (performance.now() - this.t0) * 1000;
  }

  /** Timer callback: take what is due, then sleep until the next intended send or backlog deadline. */
  private readonly tick = () => {
    if (this.finished) return;
    const nowUs = this.elapsedUs();
    const due = this.drain(nowUs);
    this.reportProgress(nowUs);
    if (this.isDone()) return this.finish();

    let waitUs = Number.POSITIVE_INFINITY;
    if (due < this.schedule.total) waitUs = this.schedule.intendedUs(due) - nowUs;
    // A backlog entry is dropped at its deadline even if no connection frees up before it.
    if (this.taken < due) waitUs = Math.min(waitUs, this.schedule.intendedUs(this.taken) + this.timeoutUs - nowUs);
    // Shortly after a send, poll instead of sleeping: a sleeping event loop takes tens of
    // microseconds to wake for the response, which would add to every fast latency.
    if (this.inFlight > 0 && nowUs - this.lastSendUs < POLL_AFTER_SEND_US) this.wake.soon(this.tick);
    else if (waitUs !== Number.POSITIVE_INFINITY) this.wake.at(this.t0 + (nowUs + waitUs) / 1000, this.tick);
    // else: only in-flight requests are left, and their completions finish the run
  };

  /** Send (or drop) every due request a free connection allows; returns dueBy(now). */
  private drain(nowUs: number): number {
    const due = this.schedule.dueBy(nowUs);
    while (this.taken < due) {
      const intendedAtUs = this.schedule.intendedUs(this.taken);
      const verdict = sendVerdict(intendedAtUs, nowUs, this.lateAfterUs, this.timeoutUs);
      if (verdict === 'drop') {
        this.dropped += 1;
        this.taken += 1;
        continue;
      }
      if (this.inFlight >= this.maxConnections) break;
      if (verdict === 'late') this.late += 1;
      this.taken += 1;
      this.lastSendUs = nowUs;
      this.stages?.recordSend(nowUs);
      this.send(intendedAtUs);
    }
    return due;
  }

  private send(intendedAtUs: number): void {
    this.sent += 1;
    this.inFlight += 1;
    this.pool.dispatch(
      { path: this.path, method: this.method, headers: this.headers, body: this.request.body ?? null },
      new OneShotHandler((status, error, instance) => {
        const cold = !this.finished && (this.options.tracker?.observe(instance) ?? false);
        this.complete(intendedAtUs, status, error, cold);
      }, this.options.instanceHeader),
    );
  }

  /** Called once per sent request. */
  private complete(intendedAtUs: number, status: number | null, error: unknown, cold: boolean): void {
    if (this.finished) return;
    const nowUs = this.elapsedUs();
    this.inFlight -= 1;
    this.completed += 1;
    this.lastCompletionUs = nowUs;
    const kind = error !== null ? errorKindForException(error) : errorKindForStatus(status ?? 0);
    if (kind) this.countError(kind);
    else this.histogram.record(latencyFromIntendedUs(intendedAtUs, nowUs));
    this.stages?.recordResult(intendedAtUs, kind !== null, cold);
    // A freed connection serves the backlog at once rather than at the next tick.
    if (this.taken < this.schedule.total && this.schedule.intendedUs(this.taken) <= nowUs) this.drain(nowUs);
    if (this.isDone()) this.finish();
  }

  private countError(kind: ErrorKind): void {
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
  }

  private isDone(): boolean {
    return this.taken >= this.schedule.total && this.inFlight === 0;
  }

  private reportProgress(nowUs: number): void {
    const onProgress = this.options.onProgress;
    if (!onProgress) return;
    const elapsedMs = nowUs / 1000;
    if (elapsedMs - this.lastProgressMs < PROGRESS_EVERY_MS) return;
    this.lastProgressMs = elapsedMs;
    onProgress(this.completed, Math.round(elapsedMs));
  }

  /** Resolve with what was measured (also on abort: in-flight requests are then not counted). */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.wake.close();
    if (this.refresher) clearInterval(this.refresher);
    this.options.signal.removeEventListener('abort', this.onAbort);
    const durationUs = Math.round(this.t0 === 0 ? 0 : this.inFlight === 0 ? this.lastCompletionUs : this.elapsedUs());
    const result: WarmEngineResult = {
      model: 'open',
      histogram: this.histogram,
      requests: this.completed,
      durationUs,
      errorsByKind: this.errorsByKind,
      connections: this.peakConnections,
      rate: this.schedule.rate,
      // On abort the schedule stops where it was: what was taken so far, so scheduled = sent + dropped.
      scheduled: this.taken,
      sent: this.sent,
      late: this.late,
      dropped: this.dropped,
      ...(this.stages ? { stages: this.stages.results() } : {}),
    };
    // Sockets go before the promise settles, so a caller that stops its server next finds none open.
    this.pool.destroy().catch(() => {}).finally(() => this.resolve(result));
  }
}
