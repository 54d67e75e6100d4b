// The Cloud Functions v2 REST API, the part a benchmark uses: get / list functions, update a
// function. As on Google, every update (even of environment variables only) runs a Cloud Build of
// the source first (`buildDelay`, counted in `builds`), then deploys a new revision of the
// function's Cloud Run service, naming it in the service template (`template.revision`).
import { ApiError, parseJsonBody, type ApiRequest } from './api-request.js';
import { enumRenderer, renderFunction, renderOperation, type FunctionRecord, type OperationRecord } from './model.js';
import type { GooglePlatform } from './platform.js';
import { newRevisionName, withEnv, type Template } from './run-model.js';

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
export const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);

const camel = (path: string) => path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The answer to a Functions API request, or undefined when the path is not one of its. */
export function routeFunctions(platform: GooglePlatform, request: ApiRequest): unknown {
  const e = enumRenderer(request.numeric);
  const fnMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/functions\/[^/:]+)$/.exec(request.path);
  if (fnMatch) {
    const name = fnMatch[1] as string;
    const fn = platform.functions.get(name);
    if (!fn) throw new ApiError(404, `Resource '${name}' was not found`);
    if (request.method === 'GET') return renderFunction(fn, e);
    if (request.method === 'PATCH') return renderOperation(startUpdate(platform, fn, request), request.numeric);
    throw new ApiError(405, `Method ${request.method} is not supported on ${name}`);
  }
  const listMatch = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/functions$/.exec(request.path);
  if (listMatch && request.method === 'GET') {
    const [, project, location] = listMatch;
    const functions = [...platform.functions.values()]
      .filter((fn) => fn.project === project && (location === '-' || fn.location === location))
      .map((fn) => renderFunction(fn, e));
    return functions.length ? { functions } : {};
  }
  return undefined;
}

function parseMask(mask: string): string[] {
  return mask
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(camel);
}

function startUpdate(platform: GooglePlatform, fn: FunctionRecord, request: ApiRequest): OperationRecord {
  const input = parseJsonBody(request.body) as { serviceConfig?: Record<string, unknown> } & Record<string, unknown>;
  const paths = parseMask(request.url.searchParams.get('updateMask') ?? '');
  const setsEnvironment = paths.length ? paths.includes('serviceConfig.environmentVariables') : input.serviceConfig?.environmentVariables !== undefined;
  const requested = setsEnvironment ? safeStringMap(input.serviceConfig?.environmentVariables) : null;
  const service = fn.service;
  if (fn.pendingOperation || service.pendingOperation) {
    platform.recordFunctionUpdate({ function: fn.name, environmentVariables: requested, outcome: 'conflict' });
    throw new ApiError(409, `An operation on function ${fn.name} is already in progress (${fn.pendingOperation ?? service.pendingOperation}). Please try again later.`);
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
  const serviceInput = input.serviceConfig ?? {};
  let template: Template = structuredClone(service.template);
  const containers = () => (Array.isArray(template.containers) ? (template.containers as Record<string, unknown>[]) : []);
  const limits = () => {
    const c = containers()[0] ?? {};
    const resources = (c.resources ?? {}) as Record<string, unknown>;
    return { c, resources, limits: { ...((resources.limits ?? {}) as Record<string, unknown>) } };
  };
  let description = fn.description;
  let labels = fn.labels;
  for (const p of effective) {
    switch (p) {
      case 'description':
        description = String(input.description ?? '');
        break;
      case 'labels':
        labels = stringMap(input.labels, 'labels');
        break;
      case 'serviceConfig.environmentVariables': {
        // The map is replaced as a whole: absent = no variables.
        const env = stringMap(serviceInput.environmentVariables, 'serviceConfig.environmentVariables');
        for (const key of Object.keys(env)) {
          if (RESERVED_ENV.has(key) || key.startsWith('X_GOOGLE_') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new ApiError(400, `Invalid environment variable name: "${key}" is reserved or malformed`);
          }
        }
        template = withEnv(template, env);
        break;
      }
      case 'serviceConfig.availableMemory':
      case 'serviceConfig.availableCpu': {
        const { c, resources, limits: l } = limits();
        l[p === 'serviceConfig.availableMemory' ? 'memory' : 'cpu'] = String(serviceInput[p.slice(14)] ?? '');
        template = { ...template, containers: [{ ...c, resources: { ...resources, limits: l } }, ...containers().slice(1)] };
        break;
      }
      default: {
        const key = p.slice('serviceConfig.'.length);
        const value = Number(serviceInput[key] ?? 0);
        if (!Number.isInteger(value) || value < 0) throw new ApiError(400, `Invalid value for serviceConfig.${key}: ${JSON.stringify(serviceInput[key])}`);
        if (key === 'timeoutSeconds') template = { ...template, timeout: `${value}s` };
        else if (key === 'maxInstanceRequestConcurrency') template = { ...template, maxInstanceRequestConcurrency: value };
        else template = { ...template, scaling: { ...((template.scaling ?? {}) as object), [key]: value } };
      }
    }
  }

  platform.recordFunctionUpdate({ function: fn.name, environmentVariables: requested, outcome: 'started' });
  const op = platform.newOperation('functions', fn.project, fn.location, fn.name);
  fn.pendingOperation = op.name;
  fn.description = description;
  fn.labels = labels;
  fn.state = 'DEPLOYING';
  fn.stateMessage = undefined;
  fn.updateTime = op.createTime;
  platform.whenReleased(service, () => {
    fn.builds += 1; // a Cloud Build of the source, for an environment change too
    setTimeout(() => {
      op.built = true;
      // Cloud Functions names the revision it deploys in the service template.
      const name = newRevisionName(service);
      const revision = platform.beginDeployment(service, { ...template, revision: name }, name, op);
      platform.completeDeployment(service, revision, op, (failure) => {
        fn.pendingOperation = null;
        fn.updateTime = new Date().toISOString();
        if (failure) {
          fn.state = 'FAILED';
          fn.stateMessage = failure;
          return;
        }
        fn.state = 'ACTIVE';
        op.response = platform.functionResponse(fn);
      });
    }, fn.buildDelayMs).unref();
  });
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
