// Which control-plane errors are worth retrying, across the SDKs' error shapes:
//   AWS SDK v3      $metadata.httpStatusCode, name (TooManyRequestsException...), retryAfterSeconds
//   Google gaxios   response.status / status / numeric code >= 100 (HTTP), response.headers
//   Google gax      numeric code < 100 (gRPC: 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, ...)
//   client-node     ApiException: code (HTTP status), headers
//   Node / undici   code (ECONNRESET, EPIPE, UND_ERR_SOCKET...), also on `cause`
// A refused connection is not transient: nothing is listening, and waiting will not change it.
import { fieldOf } from '../fields.js';

export interface TransientError {
  /** throttled: the server refused the call and asked to come back (429): nothing was done.
   *  unavailable: a 5xx or a broken connection: a mutation's outcome is unknown. */
  kind: 'throttled' | 'unavailable';
  /** For progress lines and timeout messages: "HTTP 429", "ECONNRESET". */
  reason: string;
  /** The server's Retry-After, when it sent one. */
  retryAfterMs?: number;
}

const THROTTLE_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequests', 'SlowDown']);
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);
/** gRPC codes: RESOURCE_EXHAUSTED (8) is a throttle; DEADLINE_EXCEEDED (4), INTERNAL (13), UNAVAILABLE (14) are server trouble. */
const GRPC_THROTTLED = 8;
const GRPC_UNAVAILABLE = new Set([4, 13, 14]);

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** HTTP status of an SDK error, whatever its shape. */
export function httpStatusOf(err: unknown): number | undefined {
  const code = numberOf(fieldOf(err, 'code'));
  return (
    numberOf(fieldOf(fieldOf(err, '$metadata'), 'httpStatusCode')) ??
    numberOf(fieldOf(fieldOf(err, 'response'), 'status')) ??
    numberOf(fieldOf(err, 'status')) ??
    (code !== undefined && code >= 100 ? code : undefined)
  );
}

/** A response header from a fetch Headers object or a plain record. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = fieldOf(headers, 'get');
  if (typeof get === 'function') {
    const value: unknown = Reflect.apply(get, headers, [name]);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryAfterOf(err: unknown): number | undefined {
  const seconds = fieldOf(err, 'retryAfterSeconds'); // Lambda's TooManyRequestsException binds the header here
  if (typeof seconds === 'string' || typeof seconds === 'number') return parseRetryAfter(String(seconds));
  const header = (holder: unknown) => headerOf(fieldOf(holder, 'headers'), 'retry-after');
  return parseRetryAfter(header(err) ?? header(fieldOf(err, 'response')) ?? header(fieldOf(err, '$response')));
}

/** The transient part of an error, or null when retrying would not help. */
export function classifyTransient(err: unknown): TransientError | null {
  if (err === null || typeof err !== 'object') return null;
  const retryAfterMs = retryAfterOf(err);
  const withRetryAfter = (t: Omit<TransientError, 'retryAfterMs'>): TransientError => (retryAfterMs !== undefined ? { ...t, retryAfterMs } : t);
  const status = httpStatusOf(err);
  const rawName = fieldOf(err, 'name');
  const name = typeof rawName === 'string' ? rawName : '';
  if (status === 429 || THROTTLE_NAMES.has(name)) return withRetryAfter({ kind: 'throttled', reason: `HTTP 429${name && name !== 'Error' ? ` ${name}` : ''}` });
  if (status !== undefined) {
    return status >= 500 && status !== 501 && status !== 505 ? withRetryAfter({ kind: 'unavailable', reason: `HTTP ${status}` }) : null;
  }
  const code = numberOf(fieldOf(err, 'code'));
  if (code !== undefined && code < 100) {
    if (code === GRPC_THROTTLED) return withRetryAfter({ kind: 'throttled', reason: 'RESOURCE_EXHAUSTED' });
    return GRPC_UNAVAILABLE.has(code) ? withRetryAfter({ kind: 'unavailable', reason: `gRPC code ${code}` }) : null;
  }
  for (const candidate of [fieldOf(err, 'code'), fieldOf(fieldOf(err, 'cause'), 'code')]) {
    if (typeof candidate === 'string' && NETWORK_CODES.has(candidate)) return { kind: 'unavailable', reason: candidate };
  }
  if (name === 'TimeoutError') return { kind: 'unavailable', reason: 'request timed out' };
  return null;
}
