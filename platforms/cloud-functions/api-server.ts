// The Cloud Functions v2 REST API, the part a benchmark uses: get / list functions, update a
// function (returns a long-running operation), get an operation. Requests need an OAuth access
// token issued by the metadata server. Errors use Google's JSON error shape so the client library
// raises the same errors as against Google (HTTP 404 -> gRPC code 5 NOT_FOUND, ...).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  enumRenderer,
  renderFunction,
  renderOperation,
  revisionName,
  type FunctionConfig,
  type FunctionRecord,
  type FunctionStore,
  type OperationRecord,
} from './model.js';
import type { TokenAuthority } from './tokens.js';

const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  409: 'ABORTED',
  500: 'INTERNAL',
};

class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** Update-mask paths this emulator applies (camelCase; snake_case is accepted too). */
const UPDATABLE = new Set([
  'description',
  'labels',
  'serviceConfig.environmentVariables',
  'serviceConfig.availableMemory',
  'serviceConfig.availableCpu',
  'serviceConfig.timeoutSeconds',
  'serviceConfig.minInstanceCount',
  'serviceConfig.maxInstanceCount',
  'serviceConfig.maxInstanceRequestConcurrency',
]);

/** Names Cloud Run sets itself; Google rejects them as user variables. */
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);

const camel = (path: string) => path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function createApiServer(store: FunctionStore, authority: TokenAuthority): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://api');
      const numeric = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      try {
        const auth = req.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        if (!authority.isValidAccessToken(token)) {
          throw new ApiError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
        }
        const result = route(store, req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), numeric);
        send(200, result);
      } catch (err) {
        const status = err instanceof ApiError ? err.httpStatus : 500;
        const message = err instanceof Error ? err.message : String(err);
        send(status, { error: { code: status, message, status: STATUS_BY_HTTP[status] ?? 'UNKNOWN' } });
      }
    });
  });
}

function route(store: FunctionStore, method: string, url: URL, body: string, numeric: boolean): unknown {
  const e = enumRenderer(numeric);
  const path = decodeURIComponent(url.pathname);
  const fnMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/functions\/[^/:]+)$/.exec(path);
  if (fnMatch) {
    const name = fnMatch[1] as string;
    const fn = store.functions.get(name);
    if (!fn) throw new ApiError(404, `Resource '${name}' was not found`);
    if (method === 'GET') return renderFunction(fn, e);
    if (method === 'PATCH') return renderOperation(startUpdate(store, fn, url.searchParams.get('updateMask') ?? '', body), e);
    throw new ApiError(405, `Method ${method} is not supported on ${name}`);
  }
  const listMatch = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/functions$/.exec(path);
  if (listMatch && method === 'GET') {
    const [, project, location] = listMatch;
    const functions = [...store.functions.values()]
      .filter((fn) => fn.project === project && (location === '-' || fn.location === location))
      .map((fn) => renderFunction(fn, e));
    return functions.length ? { functions } : {};
  }
  const opMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+)$/.exec(path);
  if (opMatch && method === 'GET') {
    const op = store.operations.get(opMatch[1] as string);
    if (!op) throw new ApiError(404, `Operation '${opMatch[1]}' was not found`);
    return renderOperation(op, e);
  }
  throw new ApiError(404, `The requested URL ${url.pathname} was not found on this server (method ${method})`);
}

function parseMask(mask: string): string[] {
  return mask
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(camel);
}

function startUpdate(store: FunctionStore, fn: FunctionRecord, rawMask: string, body: string): OperationRecord {
  let input: { serviceConfig?: Record<string, unknown> } & Record<string, unknown>;
  try {
    input = body ? JSON.parse(body) : {};
  } catch {
    throw new ApiError(400, 'Invalid JSON payload received.');
  }
  const paths = parseMask(rawMask);
  const setsEnvironment = paths.length ? paths.includes('serviceConfig.environmentVariables') : input.serviceConfig?.environmentVariables !== undefined;
  const requested = setsEnvironment ? safeStringMap(input.serviceConfig?.environmentVariables) : null;
  if (fn.pendingOperation) {
    store.recordUpdate({ function: fn.name, environmentVariables: requested, outcome: 'conflict' });
    throw new ApiError(409, `An operation on function ${fn.name} is already in progress (${fn.pendingOperation}). Please try again later.`);
  }
  // Without a mask, Google updates every field present in the request.
  const effective = paths.length
    ? paths
    : [...UPDATABLE].filter((p) => {
        const [head, tail] = p.split('.') as [string, string | undefined];
        const value = tail ? (input[head] as Record<string, unknown> | undefined)?.[tail] : input[head];
        return value !== undefined;
      });
  for (const p of effective) {
    if (!UPDATABLE.has(p)) throw new ApiError(400, `Invalid field mask path: "${p}" cannot be updated`);
  }
  const next: FunctionConfig = { ...fn.config, labels: { ...fn.config.labels }, environmentVariables: { ...fn.config.environmentVariables } };
  const service = input.serviceConfig ?? {};
  for (const p of effective) {
    switch (p) {
      case 'description':
        next.description = String(input.description ?? '');
        break;
      case 'labels':
        next.labels = stringMap(input.labels, 'labels');
        break;
      case 'serviceConfig.environmentVariables': {
        // The map is replaced as a whole: absent = no variables.
        const env = stringMap(service.environmentVariables, 'serviceConfig.environmentVariables');
        for (const key of Object.keys(env)) {
          if (RESERVED_ENV.has(key) || key.startsWith('X_GOOGLE_') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new ApiError(400, `Invalid environment variable name: "${key}" is reserved or malformed`);
          }
        }
        next.environmentVariables = env;
        break;
      }
      case 'serviceConfig.availableMemory':
      case 'serviceConfig.availableCpu':
        next[p === 'serviceConfig.availableMemory' ? 'availableMemory' : 'availableCpu'] = String(service[p.slice(14)] ?? '');
        break;
      default: {
        const key = p.slice('serviceConfig.'.length) as 'timeoutSeconds' | 'minInstanceCount' | 'maxInstanceCount' | 'maxInstanceRequestConcurrency';
        const value = Number(service[key] ?? 0);
        if (!Number.isInteger(value) || value < 0) throw new ApiError(400, `Invalid value for serviceConfig.${key}: ${JSON.stringify(service[key])}`);
        next[key] = value;
      }
    }
  }

  store.recordUpdate({ function: fn.name, environmentVariables: requested, outcome: 'started' });
  const now = new Date().toISOString();
  const opName = `projects/${fn.project}/locations/${fn.location}/operations/operation-${Date.now()}-${randomBytes(6).toString('hex')}`;
  const op: OperationRecord = { name: opName, target: fn.name, createTime: now, done: false, stagesDone: false };
  store.operations.set(opName, op);
  // While deploying, the resource shows the requested configuration and the old revision serves.
  fn.pendingOperation = opName;
  fn.config = next;
  fn.state = 'DEPLOYING';
  fn.stateMessage = undefined;
  fn.updateTime = now;
  const failure = store.takeFailure(fn.name);
  const finish = () => setTimeout(() => {
    fn.pendingOperation = null;
    op.done = true;
    op.stagesDone = true;
    op.endTime = new Date().toISOString();
    if (failure) {
      fn.state = 'FAILED';
      fn.stateMessage = failure;
      op.error = { code: 3, message: failure };
      return;
    }
    fn.revisionNumber += 1;
    fn.revision = revisionName(fn.id, fn.revisionNumber);
    fn.state = 'ACTIVE';
    fn.updateTime = op.endTime;
    op.response = { ...fn, config: { ...fn.config } };
    store.emit('revision', fn);
  }, fn.deployDelayMs).unref();
  store.whenReleased(fn.name, finish);
  return op;
}

/** The request's variables for the record, whatever their shape (validation comes later). */
function safeStringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, `Invalid value at '${field}': expected a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new ApiError(400, `Invalid value at '${field}[${k}]': expected a string`);
    out[k] = v;
  }
  return out;
}
