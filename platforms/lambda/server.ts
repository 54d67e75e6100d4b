// The Lambda REST API over node:http, for the operations the harness (and most tools) use:
//   POST /2015-03-31/functions/{name}/invocations[?Qualifier=]   Invoke
//   GET  /2015-03-31/functions/{name}[?Qualifier=]                GetFunction
//   GET  /2015-03-31/functions/{name}/configuration[?Qualifier=]  GetFunctionConfiguration
//   PUT  /2015-03-31/functions/{name}/configuration               UpdateFunctionConfiguration
//   GET  /2015-03-31/functions/                                   ListFunctions
//   ANY  /lambda-url/{name}/...   a Function-URL-like endpoint (payload format 2.0) for HTTP warm load;
//        real Function URLs are host-based (https://<id>.lambda-url.<region>.on.aws/), this one is path-based.
// {name} arrives percent-encoded and may be a name, name:qualifier, partial or full ARN.
// CreateFunction, DeleteFunction, tags and IAM come from an extension (create-function.ts).
// SigV4 signatures are not checked (the SDK computes them client-side; nothing here is secret).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { LambdaApiError, invalidParameter, notFound } from './api-error.js';
import type { EmulatedFunction, EmulatorSettings } from './function.js';
import { arnOf, readFunctionName } from './arn.js';

const MAX_BODY_BYTES = 6 * 1024 * 1024; // Lambda's synchronous payload limit

/** Routes served before these (create-function.ts): the handler of a request it takes, or null. */
export type ApiExtensionRoute = (req: http.IncomingMessage, url: URL) => (() => Promise<Reply>) | null;

export function createLambdaApiServer(functions: Map<string, EmulatedFunction>, settings: EmulatorSettings, extension?: ApiExtensionRoute): http.Server {
  return http.createServer((req, res) => {
    const taken = extension?.(req, new URL(req.url ?? '/', 'http://emulator'));
    (taken ? taken() : handle(req, functions, settings))
      .then((reply) => send(res, reply.status, reply.headers, reply.body))
      .catch((err: unknown) => {
        const apiError = err instanceof LambdaApiError ? err : new LambdaApiError(500, 'ServiceException', `Internal error: ${(err as Error)?.message ?? String(err)}`);
        send(res, apiError.status, { 'x-amzn-ErrorType': apiError.type, 'Content-Type': 'application/json', ...apiError.headers }, JSON.stringify(apiError.body()));
      });
  });
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  const all: Record<string, string> = { 'x-amzn-RequestId': randomUUID(), ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  res.writeHead(status, all);
  res.end(body);
}

const json = (status: number, value: unknown): Reply => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });

async function handle(req: http.IncomingMessage, functions: Map<string, EmulatedFunction>, settings: EmulatorSettings): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const body = await readBody(req);
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments[0] === 'lambda-url') return functionUrl(req, url, body, functions.get(segments[1] ?? ''));
  if (segments[0] !== '2015-03-31' || segments[1] !== 'functions') return unknownOperation(req, url);
  if (segments.length === 2 && req.method === 'GET') {
    return json(200, { Functions: [...functions.values()].map((f) => f.configuration()) });
  }
  const rawName = segments[2];
  if (rawName === undefined) return unknownOperation(req, url);
  const { fn, qualifier } = resolve(rawName, url.searchParams.get('Qualifier') ?? undefined, functions, settings);
  const operation = `${req.method} ${segments.slice(3).join('/')}`;
  switch (operation) {
    case 'POST invocations': {
      const reply = await fn.invoke({
        qualifier,
        invocationType: header(req, 'x-amz-invocation-type') ?? 'RequestResponse',
        logType: header(req, 'x-amz-log-type') ?? 'None',
        payload: body,
        clientContext: header(req, 'x-amz-client-context'),
      });
      return reply;
    }
    case 'GET ':
      fn.resolveQualifier(qualifier);
      return json(200, fn.getFunction());
    case 'GET configuration':
      fn.resolveQualifier(qualifier);
      return json(200, fn.configuration());
    case 'PUT configuration': {
      if (qualifier !== undefined) throw invalidParameter('Unsupported parameter: UpdateFunctionConfiguration takes an unqualified function name.');
      let update: unknown;
      try {
        update = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new LambdaApiError(400, 'SerializationException', 'Could not parse the request body as JSON.');
      }
      if (update === null || typeof update !== 'object' || Array.isArray(update)) throw new LambdaApiError(400, 'SerializationException', 'Expected a JSON object.');
      return json(200, fn.update(update as Record<string, unknown>));
    }
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

/** Function URL: the request as a payload-2.0 event; the result mapped back ({statusCode, headers,
 *  body} or any JSON value as a 200 application/json body); a function error is a 502. */
async function functionUrl(req: http.IncomingMessage, url: URL, body: Buffer, fn: EmulatedFunction | undefined): Promise<Reply> {
  if (!fn) return json(404, { Message: null });
  const rawPath = '/' + url.pathname.split('/').filter(Boolean).slice(2).join('/');
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: fn.spec.name,
      domainName: headers.host ?? '',
      http: { method: req.method ?? 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
  };
  let reply;
  try {
    reply = await fn.invoke({ invocationType: 'RequestResponse', logType: 'None', payload: Buffer.from(JSON.stringify(event)) });
  } catch (err) {
    if (err instanceof LambdaApiError && err.status === 429) return json(429, { Message: 'Rate Exceeded.' });
    throw err;
  }
  if (reply.headers['X-Amz-Function-Error']) return json(502, { Message: 'Internal Server Error' });
  let result: unknown;
  try {
    result = JSON.parse(reply.body);
  } catch {
    result = reply.body;
  }
  const shaped = result as { statusCode?: unknown; headers?: Record<string, string>; body?: unknown; isBase64Encoded?: boolean } | null;
  if (shaped && typeof shaped === 'object' && typeof shaped.statusCode === 'number') {
    const text = typeof shaped.body === 'string' ? (shaped.isBase64Encoded ? Buffer.from(shaped.body, 'base64').toString('utf8') : shaped.body) : '';
    return { status: shaped.statusCode, headers: { 'Content-Type': 'application/json', ...(shaped.headers ?? {}) }, body: text };
  }
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result) };
}
