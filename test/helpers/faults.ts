// A fault-injection HTTP server: each request gets the fault its plan picks for the request's
// number (1-based, in arrival order): 5xx answers, connection resets (RST) and closes (FIN without
// an answer), hangs (never answers; the client's per-request timeout must fire), slow bodies
// (headers at once, the body dribbled out) and throttling (429 + Retry-After).
// It tallies what it did, split by fresh (Connection: close) and keep-alive requests, so a test
// can compare the harness's errorsByKind with what really happened.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './http.js';
import { HANG_MS, until } from './wait.js';

export const FAULTS = ['ok', 'http5xx', 'reset', 'close', 'hang', 'slow-body', 'throttle'] as const;
export type Fault = (typeof FAULTS)[number];
export type Tally = Record<Fault, number>;

/** Which fault the n-th request (1-based) gets. */
export type FaultPlan = (n: number, req: http.IncomingMessage) => Fault;

/** First matching rule wins: [every, fault] means every `every`-th request gets `fault`. */
export function everyNth(...rules: Array<[number, Fault]>): FaultPlan {
  return (n) => rules.find(([every]) => n % every === 0)?.[1] ?? 'ok';
}

export interface FaultServerOptions {
  plan: FaultPlan;
  /** Delay before every answer (ms). */
  latencyMs?: number;
  /** How long a slow body takes from headers to the last byte (ms). */
  slowBodyMs?: number;
}

export interface FaultServer {
  url: string;
  port: number;
  /** Requests received so far. */
  readonly requests: number;
  /** What was done, all requests. */
  readonly tally: Tally;
  /** What was done to fresh-connection requests (cold samples, Connection: close). */
  readonly freshTally: Tally;
  /** What was done to keep-alive requests (warm load). */
  readonly keepAliveTally: Tally;
  /** For every hung request the client gave up on: how long after its arrival the client closed
   *  the connection (ms, this server's clock), so a test can see which timeout the client applied. */
  readonly abandonedHangs: Array<{ fresh: boolean; afterMs: number }>;
  close(): Promise<void>;
}

const emptyTally = (): Tally => Object.fromEntries(FAULTS.map((f) => [f, 0])) as Tally;

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  let requests = 0;
  const tally = emptyTally();
  const freshTally = emptyTally();
  const keepAliveTally = emptyTally();
  const abandonedHangs: Array<{ fresh: boolean; afterMs: number }> = [];
  let closing = false;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    requests += 1;
    const fault = options.plan(requests, req);
    tally[fault] += 1;
    (req.headers.connection === 'close' ? freshTally : keepAliveTally)[fault] += 1;
    req.resume();
    const answer = () => {
      switch (fault) {
        case 'ok':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        case 'http5xx':
          res.writeHead(503, { 'content-type': 'text/plain' }).end('injected 503');
          return;
        case 'throttle':
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('injected 429');
          return;
        case 'reset':
          req.socket.resetAndDestroy(); // RST: the client sees ECONNRESET
          return;
        case 'close':
          req.socket.destroy(); // FIN without an answer: "socket hang up"
          return;
        case 'hang': {
          // Never answers; closed by the client's timeout (recorded) or with the server.
          const arrivedAt = performance.now();
          const fresh = req.headers.connection === 'close';
          res.once('close', () => {
            if (!closing) abandonedHangs.push({ fresh, afterMs: performance.now() - arrivedAt });
          });
          return;
        }
        case 'slow-body': {
          const total = options.slowBodyMs ?? 200;
          const chunks = 5;
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(chunks) });
          let sent = 0;
          const drip = () => {
            if (res.destroyed) return;
            res.write('x');
            sent += 1;
            if (sent === chunks) res.end();
            else later(total / (chunks - 1), drip);
          };
          drip();
          return;
        }
      }
    };
    if (options.latencyMs) later(options.latencyMs, answer);
    else answer();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get requests() {
      return requests;
    },
    tally,
    freshTally,
    keepAliveTally,
    abandonedHangs,
    async close() {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Cold samples recorded so far in a report directory's checkpoint. */
export function checkpointedColdSamples(dir: string): number {
  const file = path.join(dir, 'checkpoint.ndjson');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('"type":"cold-sample"')).length;
}

/** Poll until `condition()` holds; fails after `timeoutMs` (bounded in time and count). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = HANG_MS, everyMs = 25): Promise<void> {
  await until(what, () => condition() || undefined, { timeoutMs, everyMs });
}
