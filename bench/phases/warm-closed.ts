// Closed-model warm load on autocannon: N connections, each sends its next request when the previous
// answer arrived. autocannon's own histogram has millisecond resolution, so every response's float
// latency is recorded here in integer microseconds.
import autocannon from 'autocannon';
import type { HttpRequestSpec } from '../adapters/types.js';
import type { WarmConfig } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { errorKindForException, errorKindForStatus, messageOf, type ErrorKind } from '../errors.js';
import { createHistogram } from '../histograms.js';
import { instanceFromParserInfo, type InstanceTracker } from './instances.js';
import type { WarmEngineResult, WarmProgress } from './warm-types.js';

export interface ClosedModelOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onProgress?: WarmProgress;
  /** A progress line (a failed credential refresh: the phase goes on with the headers it has). */
  log?: (message: string) => void;
  /** How often to refresh short-lived credentials (default 10 min; tests make it short). */
  headerRefreshMs?: number;
  /** Lower-case response header naming the serving instance, and where each one is counted. */
  instanceHeader?: string;
  tracker?: InstanceTracker;
}

/** How often long phases refresh short-lived credentials (ID tokens last an hour). */
export const HEADER_REFRESH_MS = 10 * 60_000;

export function runClosedModel(request: HttpRequestSpec, warm: WarmConfig, options: ClosedModelOptions): Promise<WarmEngineResult> {
  const histogram = createHistogram();
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  const countError = (kind: ErrorKind) => (errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1);
  let requests = 0;
  const clients: autocannon.Client[] = [];
  const startUs = nowUs();
  // autocannon notices a finished `amount` only on its next one-second tick: throughput is
  // computed up to the last answer, not up to the callback.
  const byCount = warm.requests !== undefined;
  let lastAnswerUs = startUs;

  return new Promise<WarmEngineResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method as autocannon.Request['method'],
        headers: request.headers,
        body: request.body,
        // autocannon never verifies the server's certificate; a client certificate still applies.
        ...(request.tls ? { tlsOptions: request.tls } : {}),
        connections: warm.connections,
        ...(byCount ? { amount: warm.requests } : { duration: (warm.durationMs ?? 10_000) / 1000 }),
        timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
        setupClient: (client: autocannon.Client) => {
          clients.push(client);
          const { instanceHeader, tracker } = options;
          // The parser's headers of each response (autocannon's 'response' event has none).
          if (instanceHeader && tracker) {
            client.on('headers', (info: unknown) => tracker.observe(instanceFromParserInfo(info, instanceHeader)));
          }
          patchClient(client, options.timeoutMs, () => {
            requests += 1;
            if (byCount) lastAnswerUs = nowUs();
            countError('connection-reset');
          });
        },
      },
      (err) => {
        clearInterval(refresher);
        clearInterval(ticker);
        options.signal.removeEventListener('abort', onAbort);
        if (err) return reject(err);
        const durationUs = (byCount ? lastAnswerUs : nowUs()) - startUs;
        resolve({ model: 'closed', histogram, requests, durationUs, errorsByKind, connections: warm.connections });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      requests += 1;
      if (byCount) lastAnswerUs = nowUs();
      const kind = errorKindForStatus(statusCode);
      if (kind) countError(kind);
      else histogram.record(responseTimeMs * 1000);
    });
    instance.on('reqError', (err: unknown) => {
      requests += 1;
      if (byCount) lastAnswerUs = nowUs();
      const message = err instanceof Error ? err.message : '';
      countError(message === 'request timed out' ? 'timeout' : errorKindForException(err));
    });
    const onAbort = () => instance.stop();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const ticker = setInterval(() => options.onProgress?.(requests, Math.floor(usSince(startUs) / 1000)), 1000);
    const refresh = request.refreshHeaders;
    const refresher = refresh && setInterval(() => {
      // A failed refresh (the token endpoint down for a moment) must not end the process: the
      // connections keep the headers they have, and the next interval tries again.
      refresh().then(
        (headers) => {
          for (const client of clients) client.setHeaders(headers);
        },
        (err: unknown) => options.log?.(`refreshing the request headers failed (${messageOf(err)}); keeping the current ones`),
      );
    }, options.headerRefreshMs ?? request.refreshEveryMs ?? HEADER_REFRESH_MS);
  });
}

/** The parts of autocannon 8's (untyped) Client that patchClient corrects. */
interface ClientInternals {
  timeout?: number;
  destroyed?: boolean;
  conn?: NodeJS.EventEmitter;
  pipelinedRequests?: { size(): number; clear(): void };
  _connect?: () => void;
}

/** Two corrections to each autocannon connection:
 *  - autocannon's timeout is whole seconds (>= 1); the target's per-request timeout is in ms;
 *  - a connection the server closes (FIN) mid-request is reopened silently, and after a close or a
 *    reset (RST) the lost request stays queued, so the next response would be timed from the lost
 *    request's start. Lost requests are counted (onLost) and dropped from the queue. */
function patchClient(client: autocannon.Client, timeoutMs: number, onLost: () => void): void {
  const c = client as unknown as ClientInternals;
  c.timeout = timeoutMs; // read when the client arms its timer, right after setupClient
  const connect = c._connect;
  if (typeof connect !== 'function' || !c.pipelinedRequests) return;
  c._connect = function (this: ClientInternals) {
    connect.call(this);
    const queue = this.pipelinedRequests;
    if (!queue) return;
    // Prepended: autocannon's own listeners reconnect and queue the next request at once.
    this.conn?.prependListener('end', () => {
      if (this.destroyed) return;
      for (let lost = queue.size(); lost > 0; lost -= 1) onLost();
      queue.clear();
    });
    // autocannon reports the error itself (reqError, counted by kind above); only drop the lost request.
    this.conn?.prependListener('error', () => queue.clear());
  };
}
