// Pre-warm: before a warm phase's clock starts, as many concurrent untimed requests as the phase
// will keep in flight, so that many instances exist. On a platform that serves one request per
// instance (Lambda, Cloud Functions at concurrency 1) the cold phase leaves one instance warm: a
// 4-connection phase would otherwise start three more inside the timed phase.
//
// The requests of a round leave together: every connection is opened first and every request is
// written only when all of them are connected, so that none finds an instance another request of
// the round has just freed. Even so, a request can arrive late (a busy machine, a platform front
// that is slow to start an instance) and reuse a freed instance. So where the responses say which
// instance served them (instanceHeader, or the platform's word), rounds repeat until one round was
// served by that many distinct instances, or two rounds in a row started none (a platform that
// serves several requests per instance), at most MAX_ROUNDS.
import http from 'node:http';
import https from 'node:https';
import type { HttpRequestSpec } from '../adapters/types.js';
import type { WarmConfig } from '../config/schema.js';
import { errorKindForException, errorKindForStatus, type ErrorKind } from '../errors.js';
import type { InstanceTracker } from './instances.js';
import { peakRateOf } from './arrivals.js';

/** Bound of the rounds of one pre-warm. */
export const MAX_ROUNDS = 5;

export type WarmModel = 'closed' | 'open' | 'invoke';

export interface PrewarmResponse {
  instance?: string | null;
  platformCold?: boolean | null;
  error: ErrorKind | null;
}

export interface PrewarmOutcome {
  requests: number;
  rounds: number;
  /** Instances the pre-warm started (known only with an instance id or the platform's word). */
  coldStarts: number;
  errors: number;
}

/** Little's law: the requests an open-model schedule keeps in flight, rate x latency, at least 1
 *  and at most the connections the phase may open. */
export function expectedConcurrency(rate: number, latencyUs: number, maxConnections: number): number {
  const inFlight = Math.ceil((rate * Math.max(0, latencyUs)) / 1e6);
  return Math.max(1, Math.min(maxConnections, Number.isFinite(inFlight) ? inFlight : maxConnections));
}

/** Workers of the invoke loop (Lambda through the SDK): the connections, or one per request per
 *  second of the rate, bounded by maxConnections. */
export function invokeWorkers(warm: WarmConfig): number {
  return Math.max(1, warm.rate !== undefined ? Math.min(warm.maxConnections, Math.ceil(warm.rate)) : warm.connections);
}

/** How many concurrent pre-warm requests a phase gets: warm.prewarm when set; otherwise what the
 *  phase keeps in flight (the closed model's connections, the invoke loop's workers, the open
 *  model's expected concurrency at the latency measured before the phase). */
export function plannedPrewarm(warm: WarmConfig, model: WarmModel, expectedLatencyUs: number | null): number {
  if (warm.prewarm !== undefined) return warm.prewarm;
  if (model === 'closed') return warm.connections;
  if (model === 'invoke') return invokeWorkers(warm);
  return expectedConcurrency(peakRateOf(warm) ?? 0, expectedLatencyUs ?? 0, warm.maxConnections);
}

/** Rounds of `count` concurrent requests (see above). */
export async function runPrewarm(
  count: number,
  sendRound: (count: number) => Promise<PrewarmResponse[]>,
  tracker: InstanceTracker,
  signal: AbortSignal,
): Promise<PrewarmOutcome> {
  const outcome: PrewarmOutcome = { requests: 0, rounds: 0, coldStarts: 0, errors: 0 };
  let idleRounds = 0;
  while (count > 0 && outcome.rounds < MAX_ROUNDS && !signal.aborted) {
    const responses = await sendRound(count);
    outcome.rounds += 1;
    outcome.requests += responses.length;
    let told = false;
    let started = 0;
    const served = new Set<string>();
    for (const r of responses) {
      if (r.error) outcome.errors += 1;
      if (r.instance) served.add(r.instance);
      if (r.instance || typeof r.platformCold === 'boolean') told = true;
      if (tracker.learn(r.instance, r.platformCold)) started += 1;
    }
    outcome.coldStarts += started;
    idleRounds = started === 0 ? idleRounds + 1 : 0;
    // Without a word on instances another round would tell nothing.
    if (!told || served.size >= count || idleRounds >= 2 || responses.every((r) => r.error)) break;
  }
  return outcome;
}

export interface HttpRoundOptions {
  timeoutMs: number;
  /** Lower-case response header naming the serving instance. */
  instanceHeader?: string;
  signal: AbortSignal;
}

/** One round over plain HTTP: `count` new connections, then every request written at once. */
export function sendHttpRound(request: HttpRequestSpec, count: number, options: HttpRoundOptions): Promise<PrewarmResponse[]> {
  const url = new URL(request.url);
  const transport = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve) => {
    const results: Array<PrewarmResponse | undefined> = new Array(count);
    let settled = 0;
    let connected = 0;
    const requests: http.ClientRequest[] = [];
    const timer = setTimeout(() => abortAll('timeout'), options.timeoutMs);
    const onAbort = () => abortAll('other');
    options.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (i: number, result: PrewarmResponse) => {
      if (results[i]) return;
      results[i] = result;
      settled += 1;
      if (settled === count) {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        resolve(results.map((r) => r ?? { error: 'other' }));
      }
    };
    const writeAllWhenConnected = () => {
      connected += 1;
      if (connected !== count) return;
      for (const req of requests) if (!req.destroyed) req.end(request.body);
    };
    function abortAll(kind: ErrorKind) {
      requests.forEach((req, i) => {
        if (!results[i]) settle(i, { error: kind });
        req.destroy();
      });
    }
    for (let i = 0; i < count; i += 1) {
      // agent: false: a connection of its own, so the request waits for no other.
      const req = transport.request(url, { method: request.method, headers, agent: false });
      requests.push(req);
      let counted = false;
      const ready = () => {
        if (counted) return;
        counted = true;
        writeAllWhenConnected();
      };
      req.on('socket', (socket) => {
        if (!socket.connecting) return ready();
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', ready);
      });
      req.on('response', (res) => {
        const value = options.instanceHeader ? res.headers[options.instanceHeader] : undefined;
        const instance = Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
        res.resume();
        res.on('end', () => settle(i, { instance, error: errorKindForStatus(res.statusCode ?? 0) }));
        res.on('error', (err) => settle(i, { instance, error: errorKindForException(err) }));
      });
      req.on('error', (err) => {
        settle(i, { error: errorKindForException(err) });
        ready(); // a failed connection must not hold the others back
      });
    }
  });
}
