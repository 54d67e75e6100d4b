// The network baseline of one origin x target: before the cold phase, a few TCP connects (and TLS
// handshakes on https) to the data-plane host, and no HTTP request, which would warm the target.
// The minimum connect time is the round trip (rttUs): what distance alone costs a call, apart
// from anything the platform does. DNS is resolved once, first, and is in none of the numbers.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { Adapter } from '../adapters/types.js';
import { nowUs } from '../control/clock.js';
import type { NetworkFacts } from '../results/types.js';

/** Connection attempts per target: enough for a minimum that is a round trip, not a hiccup. */
export const BASELINE_ATTEMPTS = 5;
/** Bound of one attempt (connect + handshake). */
const ATTEMPT_TIMEOUT_MS = 10_000;

export interface BaselineOptions {
  attempts?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Host, port and TLS of a URL, as a connection to it needs them. */
export function endpointOf(url: string): { host: string; port: number; tls: boolean } {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: u.port ? Number(u.port) : secure ? 443 : 80, tls: secure };
}

export async function measureNetwork(url: string, options: BaselineOptions = {}): Promise<NetworkFacts> {
  const { host, port, tls: secure } = endpointOf(url);
  const attempts = options.attempts ?? BASELINE_ATTEMPTS;
  const timeoutMs = Math.min(options.timeoutMs ?? ATTEMPT_TIMEOUT_MS, ATTEMPT_TIMEOUT_MS);
  const base = { host, port, tls: secure };
  let address: string;
  try {
    address = net.isIP(host) ? host : (await lookup(host)).address;
  } catch {
    return { ...base, rttUs: null, samples: attempts, connectUs: [], tlsUs: secure ? [] : null, errors: attempts };
  }
  const connectUs: number[] = [];
  const tlsUs: number[] = [];
  let samples = 0;
  let errors = 0;
  for (let i = 0; i < attempts && !options.signal?.aborted; i += 1) {
    samples += 1;
    const attempt = await connectOnce(address, port, secure ? host : null, timeoutMs, options.signal);
    if (!attempt) {
      errors += 1;
      continue;
    }
    connectUs.push(attempt.connectUs);
    if (attempt.tlsUs !== null) tlsUs.push(attempt.tlsUs);
  }
  const rttUs = connectUs.length > 0 ? Math.min(...connectUs) : null;
  return { ...base, rttUs, samples, connectUs, tlsUs: secure ? tlsUs : null, errors };
}

/** One connection: TCP connect time, then (with a server name) the TLS handshake over it; null
 *  when either failed. The socket is closed at once: nothing is sent to the application. */
function connectOnce(address: string, port: number, servername: string | null, timeoutMs: number, signal?: AbortSignal): Promise<{ connectUs: number; tlsUs: number | null } | null> {
  return new Promise((resolve) => {
    const start = nowUs();
    const socket = net.connect({ host: address, port });
    let secureSocket: tls.TLSSocket | null = null;
    let settled = false;
    const finish = (value: { connectUs: number; tlsUs: number | null } | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // A measured connection is closed politely (the TLS Finished and close_notify still go out,
      // so the server sees a complete handshake, not an error); a failed one is dropped.
      const open = secureSocket ?? socket;
      if (value) {
        open.end();
        setTimeout(() => open.destroy(), 1000).unref();
      } else {
        secureSocket?.destroy();
        socket.destroy();
      }
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const onAbort = () => finish(null);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', () => finish(null)); // also after the end: a late reset must not go unhandled
    socket.once('connect', () => {
      const connectUs = nowUs() - start;
      if (servername === null) return finish({ connectUs, tlsUs: null });
      const handshakeStart = nowUs();
      const ip = net.isIP(servername) > 0;
      // Only the handshake's duration is wanted and nothing is sent over it: the certificate is not
      // judged here (the measured requests do that).
      secureSocket = tls.connect({ socket, ...(ip ? {} : { servername }), ALPNProtocols: ['http/1.1'], rejectUnauthorized: false });
      secureSocket.once('secureConnect', () => finish({ connectUs, tlsUs: nowUs() - handshakeStart }));
      secureSocket.on('error', () => finish(null));
    });
  });
}

/** Where the data plane is reached: the adapter's word (Lambda's Invoke API), else the URL the
 *  warm load drives; null when neither says. */
export function dataPlaneUrl(adapter: Pick<Adapter, 'dataPlaneUrl' | 'warmLoad'>): string | null {
  const own = adapter.dataPlaneUrl?.();
  if (own) return own;
  const load = adapter.warmLoad();
  return load.type === 'http' ? load.request.url : null;
}

/** The baseline of a prepared adapter's data-plane host; null when it has none or the run stops. */
export async function networkBaseline(adapter: Adapter, timeoutMs: number, signal: AbortSignal): Promise<NetworkFacts | null> {
  const url = dataPlaneUrl(adapter);
  if (!url || signal.aborted) return null;
  return measureNetwork(url, { timeoutMs, signal });
}

/** One progress line: "127.0.0.1:8080 rtt 0.12 ms (5 connects, TLS 1.8 ms)". */
export function describeNetwork(n: NetworkFacts): string {
  const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`;
  const tls = n.tlsUs && n.tlsUs.length > 0 ? `, TLS ${ms(Math.min(...n.tlsUs))}` : '';
  const failed = n.errors ? `, ${n.errors} failed` : '';
  return `${n.host}:${n.port} rtt ${n.rttUs === null ? 'not measured' : ms(n.rttUs)} (${n.connectUs?.length ?? 0} connects${tls}${failed})`;
}
