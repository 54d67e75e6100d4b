// IAM of the emulated project: what the caller of an API request (the principal its access token
// was minted for) may do, the permission each API method checks, and the IAM mixin both APIs
// serve on their resources (testIamPermissions, getIamPolicy). As on Google, a method the caller
// lacks the permission for is refused with 403 PERMISSION_DENIED before the resource is looked up
// ("... (or resource may not exist)"); testIamPermissions needs no permission and answers the
// granted subset of what was asked; the invoker of a 2nd gen function is the Cloud Run service's
// roles/run.invoker (docs/platforms.md, "Google IAM"). Who holds what: grants.ts.
import { ApiError, parseJsonBody, type ApiRequest } from './api-request.js';
import type { GooglePlatform } from './platform.js';
import type { ServiceRecord } from './run-model.js';
import type { Grants, IamFault } from './grants.js';

export function permissionDenied(permission: string, resource: string): ApiError {
  return new ApiError(403, `Permission '${permission}' denied on resource '${resource}' (or resource may not exist).`);
}

const RESOURCE = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/(functions|services|operations)\/[^/:]+)(?::(\w+))?$/;
const LIST = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+)\/(functions|services)$/;

/** The permission an API method checks and the resource it checks it on (undefined: none). */
export function requiredPermission(platform: GooglePlatform, request: ApiRequest): { permission: string; resource: string } | undefined {
  const list = LIST.exec(request.path);
  if (list && request.method === 'GET') return { permission: list[2] === 'functions' ? 'cloudfunctions.functions.list' : 'run.services.list', resource: list[1] as string };
  const match = RESOURCE.exec(request.path);
  if (!match) return undefined;
  const [, resource = '', collection, verb] = match;
  if (verb === 'testIamPermissions') return undefined; // needs no permission: it answers what the caller has
  const api = collection === 'functions' ? 'cloudfunctions.functions' : collection === 'services' ? 'run.services' : undefined;
  if (verb === 'getIamPolicy') return api ? { permission: `${api}.getIamPolicy`, resource } : undefined;
  if (verb) return undefined;
  if (!api) {
    const op = platform.operations.get(resource);
    return { permission: op?.api === 'functions' ? 'cloudfunctions.operations.get' : 'run.operations.get', resource };
  }
  if (request.method === 'GET') return { permission: `${api}.get`, resource };
  if (request.method === 'PATCH') return { permission: `${api}.update`, resource };
  return undefined;
}

/** Permissions testIamPermissions accepts on a resource of each collection. */
const VALID_PREFIXES: Record<string, readonly string[]> = {
  functions: ['cloudfunctions.functions.'],
  services: ['run.services.', 'run.routes.', 'run.revisions.', 'run.configurations.'],
};

/** The IAM mixin of a function or service: undefined when the path is not one of its. */
export function routeIam(platform: GooglePlatform, request: ApiRequest, grants: Grants, fault: IamFault | null): unknown {
  const match = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/(functions|services)\/[^/:]+):(testIamPermissions|getIamPolicy)$/.exec(request.path);
  if (!match) return undefined;
  const [, name = '', collection = '', verb] = match;
  if (verb === 'testIamPermissions' ? request.method !== 'POST' : request.method !== 'GET') throw new ApiError(405, `Method ${request.method} is not supported on ${name}:${verb}`);
  if (fault) throw new ApiError(fault.httpStatus, fault.message, fault.status);
  const fn = collection === 'functions' ? platform.functions.get(name) : undefined;
  const service = collection === 'services' ? platform.services.get(name) : fn?.service;
  if (!service || (collection === 'functions' && !fn)) throw new ApiError(404, `Resource '${name}' was not found`);
  if (verb === 'getIamPolicy') return policy(collection === 'services' ? service : null);
  const body = parseJsonBody(request.body);
  const asked = Array.isArray(body.permissions) ? body.permissions : [];
  for (const p of asked) {
    if (typeof p !== 'string' || p.includes('*')) throw new ApiError(400, `Permissions with wildcards (such as * or storage.*) are not allowed: ${JSON.stringify(p)}`);
    if (!(VALID_PREFIXES[collection] ?? []).some((prefix) => p.startsWith(prefix))) throw new ApiError(400, `The permission '${p}' is not valid for this resource.`);
  }
  const granted = (asked as string[]).filter((p) => grants.allows(p));
  return granted.length ? { permissions: granted } : {};
}

/** A resource's IAM policy (proto3 JSON: no bindings, no field). A 2nd gen function's invoker is
 *  on its Cloud Run service, so a function's own policy is empty here. */
function policy(service: ServiceRecord | null): Record<string, unknown> {
  const etag = 'BwYAAAAAAAA=';
  if (!service?.allowUnauthenticated) return { version: 1, etag };
  return { version: 1, etag, bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] };
}
