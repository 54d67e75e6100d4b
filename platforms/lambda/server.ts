// The Lambda REST API over node:http, for the operations the harness (and most tools) use:
//   POST   /2015-03-31/functions/{name}/invocations[?Qualifier=]   Invoke
//   GET    /2015-03-31/functions/{name}[?Qualifier=]                GetFunction
//   DELETE /2015-03-31/functions/{name}?Qualifier=<version>         DeleteFunction (of a version only)
//   GET    /2015-03-31/functions/{name}/configuration[?Qualifier=]  GetFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/configuration               UpdateFunctionConfiguration
//   POST   /2015-03-31/functions/{name}/versions                    PublishVersion
//   GET    /2015-03-31/functions/{name}/versions[?Marker&MaxItems]  ListVersionsByFunction (paged)
//   GET    /2015-03-31/functions/                                   ListFunctions
//   GET    /2021-10-31/functions/{name}/url[?Qualifier=]            GetFunctionUrlConfig
//   GET    /2021-10-31/functions/{name}/urls                        ListFunctionUrlConfigs
//   GET    /2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=  GetProvisionedConcurrencyConfig
//   ANY    /lambda-url/{name}/...   the function's URL (function-url.ts; SigV4-checked with AWS_IAM)
// {name} arrives percent-encoded and may be a name, name:qualifier, partial or full ARN.
// SigV4 signatures of API calls are not checked (the SDK computes them client-side); the Function
// URL front checks them. Every accepted TCP connection and every request is counted, with the
// connection it came on (test hooks: "each cold sample opened a new connection", "no update made").
// CreateFunction, DeleteFunction (of a whole function), tags and IAM come from an extension
// (create-function.ts).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { LambdaApiError, invalidParameter, notFound } from './api-error.js';
import type { EmulatedFunction } from './function.js';
import { serveFunctionUrl, type SignatureCounts } from './function-url.js';
import type { EmulatorSettings } from './model.js';
import { arnOf, readFunctionName } from './arn.js';

const MAX_BODY_BYTES = 6 * 1024 * 1024; // Lambda's synchronous payload limit
const MAX_RECORDS = 10_000;
const PAGE_SIZE = 50; // ListVersionsByFunction's MaxItems bound

export interface RequestRecord {
  /** API operation (Invoke, UpdateFunctionConfiguration, ...) or FunctionUrl. */
  operation: string;
  function: string | null;
  qualifier: string | null;
  /** Invoke: X-Amz-Log-Type (Tail for the harness's cold samples). */
  logType: string | null;
  /** Invoke: X-Amz-Invocation-Type (DryRun runs nothing: not a data-plane request). */
  invocationType?: string;
  /** Serial number of the TCP connection it came on (1 = the first the server accepted). */
  connection: number;
  /** 0 for the first request on that connection. */
  requestOnConnection: number;
}

export interface EmulatorStats {
  connectionsAccepted: number;
  /** The most recent requests, oldest first. */
  requests: RequestRecord[];
  urlSignatures: SignatureCounts;
}

/** Requests that run the function: Invoke (but DryRun, which only checks the permission) and its URL. */
export function isDataPlane(record: RequestRecord): boolean {
  return record.operation === 'FunctionUrl' || (record.operation === 'Invoke' && record.invocationType !== 'DryRun');
}

export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set(['UpdateFunctionConfiguration', 'PublishVersion', 'DeleteFunction']);

/** Routes served before these (create-function.ts): the handler of a request it takes, or null. */
export type ApiExtensionRoute = (req: http.IncomingMessage, url: URL) => (() => Promise<Reply>) | null;

export function createLambdaApiServer(functions: Map<string, EmulatedFunction>, settings: EmulatorSettings, stats: EmulatorStats, extension?: ApiExtensionRoute): http.Server {
  const connections = new WeakMap<Socket, { id: number; requests: number }>();
  const server = http.createServer((req, res) => {
    const conn = connections.get(req.socket) ?? { id: 0, requests: 0 };
    const record = (operation: string, fn: string | null, qualifier: string | null, logType: string | null = null, invocationType?: string) => {
      stats.requests.push({ operation, function: fn, qualifier, logType, ...(invocationType !== undefined ? { invocationType } : {}), connection: conn.id, requestOnConnection: conn.requests });
      if (stats.requests.length > MAX_RECORDS) stats.requests.splice(0, stats.requests.length - MAX_RECORDS);
    };
    const taken = extension?.(req, new URL(req.url ?? '/', 'http://emulator'));
    (taken ? taken() : handle(req, functions, settings, stats, record))
      .then((reply) => send(res, reply.status, reply.headers, reply.body))
      .catch((err: unknown) => {
        const apiError = err instanceof LambdaApiError ? err : new LambdaApiError(500, 'ServiceException', `Internal error: ${(err as Error)?.message ?? String(err)}`);
        send(res, apiError.status, { 'x-amzn-ErrorType': apiError.type, 'Content-Type': 'application/json', ...apiError.headers }, JSON.stringify(apiError.body()));
      })
      .finally(() => (conn.requests += 1));
  });
  server.on('connection', (socket: Socket) => {
    stats.connectionsAccepted += 1;
    connections.set(socket, { id: stats.connectionsAccepted, requests: 0 });
  });
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Recorder = (operation: string, fn: string | null, qualifier: string | null, logType?: string | null, invocationType?: string) => void;

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  const all: Record<string, string> = { 'x-amzn-RequestId': randomUUID(), ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  res.writeHead(status, all);
  res.end(body);
}

const json = (status: number, value: unknown): Reply => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw new LambdaApiError(400, 'SerializationException', 'Could not parse the request body as JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new LambdaApiError(400, 'SerializationException', 'Expected a JSON object.');
  return value as Record<string, unknown>;
}

async function handle(req: http.IncomingMessage, functions: Map<string, EmulatedFunction>, settings: EmulatorSettings, stats: EmulatorStats, record: Recorder): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const body = await readBody(req);
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments[0] === 'lambda-url') {
    record('FunctionUrl', segments[1] ?? null, null);
    return serveFunctionUrl(req, url, body, functions.get(segments[1] ?? ''), settings, stats.urlSignatures);
  }
  const api = segments[0];
  if ((api !== '2015-03-31' && api !== '2021-10-31' && api !== '2019-09-30') || segments[1] !== 'functions') return unknownOperation(req, url);
  if (api === '2015-03-31' && segments.length === 2 && req.method === 'GET') {
    record('ListFunctions', null, null);
    return json(200, { Functions: [...functions.values()].map((f) => f.configuration()) });
  }
  const rawName = segments[2];
  if (rawName === undefined) return unknownOperation(req, url);
  const { fn, qualifier } = resolve(rawName, url.searchParams.get('Qualifier') ?? undefined, functions, settings);
  const name = fn.spec.name;
  const operation = `${api} ${req.method} ${segments.slice(3).join('/')}`;
  switch (operation) {
    case '2015-03-31 POST invocations': {
      const logType = header(req, 'x-amz-log-type') ?? 'None';
      const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
      record('Invoke', name, qualifier ?? null, logType, invocationType);
      return fn.invoke({ qualifier, invocationType, logType, payload: body, clientContext: header(req, 'x-amz-client-context') });
    }
    case '2015-03-31 GET ':
      record('GetFunction', name, qualifier ?? null);
      return json(200, fn.getFunction(qualifier));
    case '2015-03-31 DELETE ':
      record('DeleteFunction', name, qualifier ?? null);
      if (qualifier === undefined) throw invalidParameter('The emulator deletes published versions only: give a version as Qualifier.');
      fn.deleteVersion(qualifier);
      return { status: 204, headers: {}, body: '' };
    case '2015-03-31 GET configuration':
      record('GetFunctionConfiguration', name, qualifier ?? null);
      return json(200, fn.configuration(qualifier));
    case '2015-03-31 PUT configuration':
      record('UpdateFunctionConfiguration', name, qualifier ?? null);
      if (qualifier !== undefined) throw invalidParameter('Unsupported parameter: UpdateFunctionConfiguration takes an unqualified function name.');
      return json(200, fn.update(parseJsonBody(body)));
    case '2015-03-31 POST versions':
      record('PublishVersion', name, null);
      return json(201, fn.publish(parseJsonBody(body)));
    case '2015-03-31 GET versions': {
      record('ListVersionsByFunction', name, null);
      const all = fn.listVersions();
      const from = Number(url.searchParams.get('Marker') ?? '0');
      const size = Math.min(PAGE_SIZE, Math.max(1, Number(url.searchParams.get('MaxItems') ?? PAGE_SIZE) || PAGE_SIZE));
      if (!Number.isInteger(from) || from < 0) throw invalidParameter('Invalid Marker.');
      const next = from + size < all.length ? { NextMarker: String(from + size) } : {};
      return json(200, { Versions: all.slice(from, from + size), ...next });
    }
    case '2021-10-31 GET url':
      record('GetFunctionUrlConfig', name, qualifier ?? null);
      return json(200, fn.urlConfigFor(qualifier, req.headers.host ?? '127.0.0.1'));
    case '2019-09-30 GET provisioned-concurrency': {
      record('GetProvisionedConcurrencyConfig', name, qualifier ?? null);
      const pc = fn.spec.provisionedConcurrency;
      if (!pc || pc.qualifier !== qualifier) throw new LambdaApiError(404, 'ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
      return json(200, { RequestedProvisionedConcurrentExecutions: pc.count, AvailableProvisionedConcurrentExecutions: pc.count, AllocatedProvisionedConcurrentExecutions: pc.count, Status: 'READY', LastModified: new Date(0).toISOString() });
    }
    case '2021-10-31 GET urls':
      record('ListFunctionUrlConfigs', name, null);
      return json(200, { FunctionUrlConfigs: [fn.urlConfig(req.headers.host ?? '127.0.0.1')] });
    default:
      return unknownOperation(req, url);
  }
}

/** Decode and parse the path's function reference; the qualifier may come from it or from ?Qualifier=. */
function resolve(rawName: string, queryQualifier: string | undefined, functions: Map<string, EmulatedFunction>, settings: EmulatorSettings) {
  let text: string;
  try {
    text = decodeURIComponent(rawName);
  } catch {
    throw invalidParameter(`Function name ${JSON.stringify(rawName)} is not correctly percent-encoded.`);
  }
  const ref = readFunctionName(text);
  if (!ref) throw invalidParameter(`1 validation error detected: Value '${text}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern`);
  if (ref.qualifier !== undefined && queryQualifier !== undefined && ref.qualifier !== queryQualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = ref.qualifier ?? queryQualifier;
  const arn = arnOf(ref.region ?? settings.region, ref.accountId ?? settings.accountId, ref.name, qualifier);
  const fn = functions.get(ref.name);
  const elsewhere = (ref.region !== undefined && ref.region !== settings.region) || (ref.accountId !== undefined && ref.accountId !== settings.accountId);
  if (!fn || elsewhere) throw notFound(arn);
  return { fn, qualifier };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unknownOperation(req: http.IncomingMessage, url: URL): never {
  throw new LambdaApiError(404, 'UnknownOperationException', `Unknown operation ${req.method} ${url.pathname}`);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new LambdaApiError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_BODY_BYTES} bytes for the InvokeFunction operation`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

