// The Google APIs a benchmark uses, on one loopback port (a target's `apiEndpoint` points both
// client libraries at it): the Cloud Functions v2 API (functions-api.ts), the Cloud Run Admin API
// v2 (run-api.ts) and their long-running operations, which share the path
// /v2/projects/*/locations/*/operations/*. Requests need an OAuth access token from the metadata
// server; its principal needs the method's permission (iam.ts), or gets 403 PERMISSION_DENIED. Errors use Google's JSON error shape, so the client libraries raise the same errors as
// against Google (HTTP 404 -> gRPC code 5 NOT_FOUND, 409 ABORTED -> 10, ...).
import http from 'node:http';
import { ApiError, STATUS_BY_HTTP, type ApiRequest } from './api-request.js';
import { routeFunctions } from './functions-api.js';
import { permissionDenied, requiredPermission, routeIam } from './iam.js';
import { renderOperation } from './model.js';
import type { GooglePlatform } from './platform.js';
import { routeRun } from './run-api.js';
import type { TokenAuthority } from './tokens.js';

export function createApiServer(platform: GooglePlatform, authority: TokenAuthority): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://api');
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      try {
        const auth = req.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        const principal = authority.principalOf(token);
        if (principal === null) {
          throw new ApiError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
        }
        const request: ApiRequest = {
          method: req.method ?? 'GET',
          url,
          path: decodeURIComponent(url.pathname),
          body: Buffer.concat(chunks).toString('utf8'),
          numeric: (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int'),
        };
        platform.recordApiCall(request.method, request.path);
        const grants = authority.grantsOf(principal);
        const needed = requiredPermission(platform, request);
        if (needed && !grants.allows(needed.permission)) throw permissionDenied(needed.permission, needed.resource);
        send(200, routeIam(platform, request, grants, platform.iamFault) ?? route(platform, request));
      } catch (err) {
        const status = err instanceof ApiError ? err.httpStatus : 500;
        const message = err instanceof Error ? err.message : String(err);
        const name = (err instanceof ApiError ? err.status : undefined) ?? STATUS_BY_HTTP[status] ?? 'UNKNOWN';
        send(status, { error: { code: status, message, status: name } });
      }
    });
  });
}

function route(platform: GooglePlatform, request: ApiRequest): unknown {
  const opMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+)$/.exec(request.path);
  if (opMatch && request.method === 'GET') {
    const op = platform.operations.get(opMatch[1] as string);
    if (!op) throw new ApiError(404, `Operation '${opMatch[1]}' was not found`);
    return renderOperation(op, request.numeric);
  }
  const answer = routeFunctions(platform, request) ?? routeRun(platform, request);
  if (answer === undefined) throw new ApiError(404, `The requested URL ${request.url.pathname} was not found on this server (method ${request.method})`);
  return answer;
}
