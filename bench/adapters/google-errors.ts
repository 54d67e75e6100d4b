// Google's two error forms, as both client libraries raise them: HTTP status from the REST
// transport (a GaxiosError, or a call whose JSON error body is the message) and gRPC code from
// gRPC / decoded operation errors; plus the one-sentence target failure built from them.
import { Interrupted, TargetFailure } from '../errors.js';
import { fieldOf } from '../fields.js';

function codeOf(err: unknown): { http?: number; grpc?: number } {
  const out: { http?: number; grpc?: number } = {};
  const http = Number(fieldOf(fieldOf(err, 'response'), 'status') ?? fieldOf(err, 'status'));
  if (Number.isInteger(http) && http >= 100) out.http = http;
  const code = Number(fieldOf(err, 'code'));
  if (Number.isInteger(code)) {
    if (code >= 100) out.http ??= code; // GaxiosError: code is the HTTP status
    else out.grpc = code; // GoogleError: code is the gRPC status
  }
  return out;
}

/** The JSON error body a REST error carries as its message ({ error: { code, message, status } }). */
function errorBody(err: unknown): unknown {
  const raw = err instanceof Error ? err.message : String(err);
  try {
    return fieldOf(JSON.parse(raw), 'error');
  } catch {
    return undefined;
  }
}

/** The gRPC status name ('ALREADY_EXISTS', 'ABORTED'...), from the REST error body or the error. */
export function statusName(err: unknown): string | undefined {
  const status = fieldOf(errorBody(err), 'status') ?? fieldOf(err, 'status');
  return typeof status === 'string' ? status : undefined;
}

export const isNotFound = (err: unknown) => {
  const c = codeOf(err);
  return c.http === 404 || c.grpc === 5;
};
/** Another operation on the resource is in progress (409 ABORTED; ALREADY_EXISTS is not "busy"). */
export const isConflict = (err: unknown) => {
  if (statusName(err) === 'ALREADY_EXISTS') return false;
  const c = codeOf(err);
  return c.http === 409 || c.grpc === 10;
};
/** Cloud Run: a revision of that name exists with another configuration. */
export const isRevisionNameTaken = (err: unknown) => statusName(err) === 'ALREADY_EXISTS' || codeOf(err).grpc === 6;
export const isUnauthenticated = (err: unknown) => {
  const c = codeOf(err);
  return c.http === 401 || c.http === 403 || c.grpc === 16 || c.grpc === 7;
};

/** The platform's own reason, one line (a REST error's message is the JSON error body). */
export function reasonOf(err: unknown): string {
  const message = fieldOf(errorBody(err), 'message');
  if (typeof message === 'string' && message) return message;
  const raw = err instanceof Error ? err.message : String(err);
  const details = fieldOf(err, 'details');
  const text = typeof details === 'string' && details && !raw.includes(details) ? `${raw}: ${details}` : raw;
  return text.split('\n')[0] ?? text;
}

/** One sentence naming the target and the platform's reason (an interrupt stays an interrupt). */
export function googleFailure(kind: 'cloud-function' | 'cloud-run', target: string, what: string, err: unknown): TargetFailure | Interrupted {
  if (err instanceof TargetFailure || err instanceof Interrupted) return err;
  let hint = '';
  if (isNotFound(err)) hint = ` (not found: check project, region and ${kind === 'cloud-run' ? 'service' : 'function'})`;
  else if (isUnauthenticated(err)) hint = ' (check the Application Default Credentials and their permissions)';
  return new TargetFailure(`${kind} target ${target}: ${what} failed${hint}: ${reasonOf(err)}`);
}
