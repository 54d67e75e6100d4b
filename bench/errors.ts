// Error categories and the error classes that decide exit codes.

/** Categories of a failed call; the keys of `errorsByKind` in results.json. */
export const ERROR_KINDS = [
  'timeout',
  'connection-refused',
  'connection-reset',
  'dns',
  'tls',
  'http4xx',
  'http5xx',
  'throttled',
  'function-error',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Bad input (usage, target file, results file): exit 2, one line. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A target whose control plane failed (cannot update, cannot scale, not found): the target is
 *  reported as failed with this reason and the other targets still run. */
export class TargetFailure extends Error {
  override readonly name = 'TargetFailure';
}

/** Run interrupted by Ctrl-C / SIGTERM. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}

export const EXIT = { ok: 0, thresholdFailed: 1, badInput: 2, runFailed: 3, interrupted: 130 } as const;

/** Categorise a status code: 429 throttled, 4xx, 5xx; null for success. */
export function errorKindForStatus(status: number): ErrorKind | null {
  if (status === 429) return 'throttled';
  if (status >= 500) return 'http5xx';
  if (status >= 400) return 'http4xx';
  return null;
}

/** Categorise a thrown network error by its code. */
export function errorKindForException(err: unknown): ErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connection-reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ESOCKETTIMEDOUT':
      return 'timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    default:
      break;
  }
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT'))) return 'tls';
  return 'other';
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The default branch of an exhaustive switch: a value the compiler proved impossible. A new
 *  target kind (or error kind) not handled in a switch is a compile error here. */
export function unreachable(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${String(value)}`);
}
