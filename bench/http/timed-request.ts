// One HTTP request timed in integer microseconds, with the DNS / TCP / TLS / first-byte split taken
// from node:http socket events. `fresh: true` opens a new connection (a cold sample must not reuse
// a socket the platform could route to a warm instance).
import http from 'node:http';
import https from 'node:https';
import type { Invocation, TimingSplit, TlsOptions } from '../adapters/types.js';
import { nowUs } from '../control/clock.js';
import { errorKindForException, errorKindForStatus, messageOf } from '../errors.js';

export interface TimedRequestOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fresh: boolean;
  /** Lower-cased response header whose value names the serving instance. */
  instanceHeader?: string;
  /** Lower-cased response header with the serving instance's uptime in milliseconds. */
  uptimeHeader?: string;
  signal?: AbortSignal;
  /** Keep the response body (for adapters that need it); bodies are otherwise drained. */
  keepBody?: boolean;
  tls?: TlsOptions;
}

export interface TimedResponse extends Invocation {
  headers: http.IncomingHttpHeaders;
  body?: Buffer;
}

const keepAliveHttp = new http.Agent({ keepAlive: true, maxSockets: 64 });
const keepAliveHttps = new https.Agent({ keepAlive: true, maxSockets: 64 });

const usBetween = (from: number, to: number) => to - from;

/** An uptime header's milliseconds as integer microseconds; null when absent or not a number. */
export function uptimeUs(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return null;
  const ms = Number(text);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms * 1000) : null;
}

export function timedRequest(options: TimedRequestOptions): Promise<TimedResponse> {
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  const startedAtMs = Date.now();
  const start = nowUs();
  let lookupAt: number | null = null;
  let connectAt: number | null = null;
  let secureAt: number | null = null;
  let firstByteAt: number | null = null;
  let stopListening = () => {};

  return new Promise<TimedResponse>((resolve) => {
    let settled = false;
    const finish = (partial: Omit<TimedResponse, 'startedAtMs' | 'latencyUs' | 'timing'>) => {
      if (settled) return;
      settled = true;
      stopListening();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const end = nowUs();
      const timing: TimingSplit = {
        dnsUs: lookupAt !== null ? usBetween(start, lookupAt) : null,
        connectUs: connectAt !== null ? usBetween(lookupAt ?? start, connectAt) : null,
        tlsUs: secureAt !== null && connectAt !== null ? usBetween(connectAt, secureAt) : null,
        ttfbUs: firstByteAt !== null ? usBetween(secureAt ?? connectAt ?? start, firstByteAt) : null,
        totalUs: usBetween(start, end),
      };
      resolve({ ...partial, startedAtMs, latencyUs: timing.totalUs, timing });
    };

    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    if (options.fresh) headers.connection = 'close';

    const req = transport.request(url, {
      method: options.method,
      headers,
      agent: options.fresh ? false : secure ? keepAliveHttps : keepAliveHttp,
      // The keep-alive agent pools sockets per TLS setting, so a CA or client certificate given here
      // never reaches another host's connection.
      ...(secure && options.tls ? options.tls : {}),
    });
    const onAbort = () => req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no complete response within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);

    req.on('socket', (socket) => {
      // A reused keep-alive socket emits none of these: the split stays null, as it should. Listen
      // only while the socket is still connecting, and stop at the end, or every reuse adds three.
      if (!socket.connecting) return;
      const onLookup = () => (lookupAt = nowUs());
      const onConnect = () => (connectAt = nowUs());
      const onSecure = () => (secureAt = nowUs());
      socket.once('lookup', onLookup);
      socket.once('connect', onConnect);
      socket.once('secureConnect', onSecure);
      stopListening = () => {
        socket.off('lookup', onLookup);
        socket.off('connect', onConnect);
        socket.off('secureConnect', onSecure);
      };
    });
    req.on('response', (res) => {
      firstByteAt = nowUs();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (options.keepBody) chunks.push(chunk);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const instanceValue = options.instanceHeader ? res.headers[options.instanceHeader] : undefined;
        finish({
          ...(options.uptimeHeader ? { instanceUptimeUs: uptimeUs(res.headers[options.uptimeHeader]) } : {}),
          status,
          error: errorKindForStatus(status),
          errorMessage: status >= 400 ? `HTTP ${status}` : undefined,
          instance: Array.isArray(instanceValue) ? (instanceValue[0] ?? null) : (instanceValue ?? null),
          headers: res.headers,
          body: options.keepBody ? Buffer.concat(chunks) : undefined,
        });
      });
      res.on('error', (err) => finish({ status: res.statusCode ?? null, error: errorKindForException(err), errorMessage: messageOf(err), headers: res.headers }));
    });
    req.on('error', (err) => finish({ status: null, error: errorKindForException(err), errorMessage: messageOf(err), headers: {} }));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Close idle keep-alive sockets (end of run). */
export function closeKeepAliveAgents(): void {
  keepAliveHttp.destroy();
  keepAliveHttps.destroy();
}
