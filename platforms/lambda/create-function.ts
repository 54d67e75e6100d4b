// Functions created through the API, and what comes with them, served before the API server's own
// routes (an extension: it takes the requests it knows, the rest go to server.ts):
//   POST   /2015-03-31/functions                    CreateFunction (Code.ZipFile, base64 in the JSON body)
//   DELETE /2015-03-31/functions/{name}              DeleteFunction (the whole function: no Qualifier)
//   GET    /2015-03-31/functions/{name}[/configuration], POST .../invocations   of a created function
//   GET|POST /2017-03-31/tags/{arn}                 ListTags, TagResource
//   POST   /  (form: Action=...)                     IAM (platforms/iam), on the same endpoint
// A created function is Pending for `createDelay` (GetFunction shows State Pending; Invoke is refused
// with 409), then Active. Its role must exist in the emulated IAM, trust lambda.amazonaws.com and
// be old enough to be visible. Its zip is unpacked into a folder of its own and its handler runs as
// a real process. A response over Lambda's 6 MB payload limit becomes a Function.ResponseSizeTooLarge
// error. Invocations of created functions are kept (`invocations`) for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { handleIamQuery, isIamRequest } from '../iam/query.js';
import type { IamStore } from '../iam/store.js';
import { LambdaApiError, invalidParameter, notFound } from './api-error.js';
import { arnOf, readFunctionName } from './arn.js';
import { EmulatedFunction, type EmulatorSettings, type InvokeResponse } from './function.js';
import { extractZip, readZip } from './zip.js';

/** Lambda's synchronous response payload limit, in the bytes its error message names. */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** CreateFunction's request bound (a 50 MB zip, base64, in JSON). */
const MAX_CREATE_BYTES = 69_905_067;
const NODE_RUNTIMES = new Set(['nodejs18.x', 'nodejs20.x', 'nodejs22.x']);

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CreatedFunction {
  fn: EmulatedFunction;
  dir: string;
  role: string;
  state: 'Pending' | 'Active';
  tags: Record<string, string>;
  inflight: number;
  /** The request's configuration fields as given (tests: nothing secret in it). */
  request: Record<string, unknown>;
}

export interface InvocationRecord {
  function: string;
  requestBytes: number;
  responseBytes: number;
  response: string;
  functionError: string | null;
}

export interface FunctionsExtension {
  created: Map<string, CreatedFunction>;
  /** Every CreateFunction request accepted (the zip left out), oldest first. */
  createRequests: Array<Record<string, unknown>>;
  /** Created functions ever deleted, by name. */
  deleted: string[];
  invocations: InvocationRecord[];
  /** The route for a request this extension serves, or null. */
  route(req: http.IncomingMessage, url: URL): (() => Promise<Reply>) | null;
  stop(): Promise<void>;
}

function readBody(req: http.IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new LambdaApiError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`));
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function jsonObject(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new LambdaApiError(400, 'SerializationException', 'Could not parse the request body as JSON.');
}

const json = (status: number, value: unknown): Reply => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });

export function createFunctionsExtension(functions: Map<string, EmulatedFunction>, settings: EmulatorSettings, iam: IamStore, createDelayMs: number): FunctionsExtension {
  const created = new Map<string, CreatedFunction>();
  const deleted: string[] = [];
  const invocations: InvocationRecord[] = [];
  const createRequests: Array<Record<string, unknown>> = [];
  const timers = new Set<NodeJS.Timeout>();
  const retiring = new Set<EmulatedFunction>();

  function createFunction(body: Record<string, unknown>): Reply {
    const name = body.FunctionName;
    if (typeof name !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(name)) throw invalidParameter(`1 validation error detected: Value '${String(name)}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern`);
    if (functions.has(name)) throw new LambdaApiError(409, 'ResourceConflictException', `Function already exist: ${name}`);
    const runtime = String(body.Runtime ?? '');
    if (!NODE_RUNTIMES.has(runtime)) throw invalidParameter(`The runtime parameter of ${runtime || 'null'} is not supported by the emulator (Node.js runtimes only: ${[...NODE_RUNTIMES].join(', ')}).`);
    const handler = String(body.Handler ?? '');
    if (!/^[\w./-]+\.[A-Za-z_$][\w$]*$/.test(handler)) throw invalidParameter(`1 validation error detected: Value '${handler}' at 'handler' failed to satisfy constraint`);
    const role = String(body.Role ?? '');
    if (!iam.assumableByLambda(role)) throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
    const code = (body.Code ?? {}) as { ZipFile?: unknown };
    if (typeof code.ZipFile !== 'string') throw invalidParameter('Please provide a source for function code (ZipFile).');
    const memorySize = body.MemorySize ?? 128;
    const timeout = body.Timeout ?? 3;
    if (typeof memorySize !== 'number' || !Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) throw invalidParameter(`1 validation error detected: Value '${String(memorySize)}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`);
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw invalidParameter(`1 validation error detected: Value '${String(timeout)}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`);
    const entries = readZip(Buffer.from(code.ZipFile, 'base64'));
    const moduleName = handler.slice(0, handler.lastIndexOf('.'));
    const file = ['.mjs', '.js', '.cjs'].map((ext) => `${moduleName}${ext}`).find((candidate) => entries.some((e) => e.name === candidate));
    // Lambda accepts the function; the missing module shows at the first invocation (Runtime.ImportModuleError).
    const dir = mkdtempSync(path.join(os.tmpdir(), `coldbench-lambda-${name}-`));
    extractZip(entries, dir);
    const variables = ((body.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    const architectures = body.Architectures;
    const fn = new EmulatedFunction(
      {
        name,
        handler,
        file: path.join(dir, file ?? `${moduleName}.mjs`),
        memorySize,
        cpuByMemory: false,
        timeout,
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        description: typeof body.Description === 'string' ? body.Description : '',
        logging: { format: 'Text', systemLevel: 'INFO', applicationLevel: 'INFO' },
        snapStart: false,
        kmsCallerDenied: false,
        url: { authType: 'NONE' },
        architecture: Array.isArray(architectures) && architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
        aliases: [],
      },
      settings,
    );
    functions.set(name, fn);
    const record: CreatedFunction = { fn, dir, role, state: 'Pending', tags: { ...((body.Tags ?? {}) as Record<string, string>) }, inflight: 0, request: { ...body, Code: { ZipFile: `(${code.ZipFile.length} base64 characters)` } } };
    created.set(name, record);
    createRequests.push(record.request);
    if (createRequests.length > 50) createRequests.shift();
    const timer = setTimeout(() => {
      record.state = 'Active';
      timers.delete(timer);
    }, createDelayMs);
    timers.add(timer);
    return json(201, shown(record, fn.configuration()));
  }

  /** The configuration with the created function's state. */
  function shown(record: CreatedFunction, configuration: Record<string, unknown>): Record<string, unknown> {
    const pending = record.state === 'Pending';
    return { ...configuration, Role: record.role, State: record.state, ...(pending ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : {}) };
  }

  function resolveCreated(rawName: string): CreatedFunction | null {
    const ref = readFunctionName(decodeURIComponent(rawName));
    return ref ? (created.get(ref.name) ?? null) : null;
  }

  async function deleteFunction(name: string): Promise<Reply> {
    const fn = functions.get(name);
    if (!fn) throw notFound(arnOf(settings.region, settings.accountId, name));
    functions.delete(name);
    const record = created.get(name);
    created.delete(name);
    deleted.push(name);
    // Invocations in flight finish; the environments go when they have.
    retiring.add(fn);
    const finish = async () => {
      for (let i = 0; i < 6000 && record && record.inflight > 0 && retiring.has(fn); i++) await new Promise((r) => setTimeout(r, 100));
      retiring.delete(fn);
      await fn.stop();
      if (record) rmSync(record.dir, { recursive: true, force: true });
    };
    void finish();
    return { status: 204, headers: {}, body: '' };
  }

  async function invoke(record: CreatedFunction, req: http.IncomingMessage, url: URL): Promise<Reply> {
    const body = await readBody(req, MAX_RESPONSE_BYTES, 'Invoke');
    if (record.state !== 'Active') {
      throw new LambdaApiError(409, 'ResourceConflictException', `The operation cannot be performed at this time. The function is currently in the following state: ${record.state}`);
    }
    record.inflight += 1;
    let reply: InvokeResponse;
    try {
      const header = (name: string) => [req.headers[name]].flat()[0];
      reply = await record.fn.invoke({ qualifier: url.searchParams.get('Qualifier') ?? undefined, invocationType: header('x-amz-invocation-type') ?? 'RequestResponse', logType: header('x-amz-log-type') ?? 'None', payload: body, clientContext: header('x-amz-client-context') });
    } finally {
      record.inflight -= 1;
    }
    if (Buffer.byteLength(reply.body) > MAX_RESPONSE_BYTES) {
      reply = { ...reply, headers: { ...reply.headers, 'X-Amz-Function-Error': 'Unhandled' }, body: JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` }) };
    }
    invocations.push({ function: record.fn.spec.name, requestBytes: body.length, responseBytes: Buffer.byteLength(reply.body), response: reply.body, functionError: reply.headers['X-Amz-Function-Error'] ?? null });
    if (invocations.length > 50) invocations.shift();
    return reply;
  }

  function tags(req: http.IncomingMessage, rawArn: string): (() => Promise<Reply>) | null {
    const ref = readFunctionName(decodeURIComponent(rawArn));
    return async () => {
      const record = ref ? created.get(ref.name) : undefined;
      if (!record) throw notFound(decodeURIComponent(rawArn));
      if (req.method === 'GET') return json(200, { Tags: record.tags });
      const body = jsonObject(await readBody(req, MAX_RESPONSE_BYTES, 'TagResource'));
      Object.assign(record.tags, (body.Tags ?? {}) as Record<string, string>);
      return { status: 204, headers: {}, body: '' };
    };
  }

  return {
    created,
    createRequests,
    deleted,
    invocations,
    route(req, url) {
      const segments = url.pathname.split('/').filter(Boolean);
      if (isIamRequest(req.method, url.pathname, req.headers['content-type'])) {
        return async () => handleIamQuery(iam, (await readBody(req, 1 << 20, 'IAM')).toString('utf8'));
      }
      if (segments[0] === '2017-03-31' && segments[1] === 'tags' && segments[2] && (req.method === 'GET' || req.method === 'POST')) return tags(req, segments[2]);
      if (segments[0] !== '2015-03-31' || segments[1] !== 'functions') return null;
      if (segments.length === 2 && req.method === 'POST') return async () => createFunction(jsonObject(await readBody(req, MAX_CREATE_BYTES, 'CreateFunction')));
      const rawName = segments[2];
      if (!rawName) return null;
      if (segments.length === 3 && req.method === 'DELETE' && !url.searchParams.has('Qualifier')) {
        return async () => {
          const ref = readFunctionName(decodeURIComponent(rawName));
          if (!ref) throw invalidParameter(`Function name ${JSON.stringify(rawName)} is not valid.`);
          return deleteFunction(ref.name);
        };
      }
      const record = resolveCreated(rawName);
      if (!record) return null;
      const rest = segments.slice(3).join('/');
      if (req.method === 'POST' && rest === 'invocations') return () => invoke(record, req, url);
      if (req.method === 'GET' && rest === '') return async () => json(200, { ...record.fn.getFunction(), Configuration: shown(record, record.fn.configuration()), Tags: record.tags });
      if (req.method === 'GET' && rest === 'configuration') return async () => json(200, shown(record, record.fn.configuration()));
      return null;
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      const leaving = [...retiring];
      retiring.clear();
      await Promise.all(leaving.map((fn) => fn.stop()));
      for (const record of created.values()) rmSync(record.dir, { recursive: true, force: true });
    },
  };
}
