// The Cloud Run Admin API v2, the part a benchmark uses: get / list services and update one (a
// long-running operation whose metadata and response are the Service). An update replaces the
// service's template; a changed template is a new revision (named by the template, or generated),
// deployed without any build: the same image. A template naming an existing revision must carry
// that revision's configuration: then the revision takes the traffic again; otherwise Cloud Run
// refuses with 409 "Revision named ... with different configuration already exists" (a service
// created by Cloud Functions names its revision in `template.revision`).
import { ApiError, parseJsonBody, type ApiRequest } from './api-request.js';
import { RESERVED_ENV } from './functions-api.js';
import { renderOperation } from './model.js';
import type { GooglePlatform } from './platform.js';
import { canonical, configurationDigest, newRevisionName, renderService, templateDigest, type ServiceRecord, type Template } from './run-model.js';

/** Annotation namespaces the v2 API rejects (they belong to the platform). */
const RESERVED_ANNOTATIONS = ['run.googleapis.com/', 'autoscaling.knative.dev/', 'serving.knative.dev/', 'cloud.googleapis.com/'];

export function routeRun(platform: GooglePlatform, request: ApiRequest): unknown {
  const serviceMatch = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/services\/[^/:]+)$/.exec(request.path);
  if (serviceMatch) {
    const name = serviceMatch[1] as string;
    const service = platform.services.get(name);
    if (!service) throw new ApiError(404, `Resource '${name}' was not found`);
    if (request.method === 'GET') return renderService(service, request.numeric);
    if (request.method === 'PATCH') return renderOperation(updateService(platform, service, request), request.numeric);
    throw new ApiError(405, `Method ${request.method} is not supported on ${name}`);
  }
  const listMatch = /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/services$/.exec(request.path);
  if (listMatch && request.method === 'GET') {
    const [, project, location] = listMatch;
    const services = [...platform.services.values()]
      .filter((s) => s.project === project && (location === '-' || s.location === location))
      .map((s) => renderService(s, request.numeric));
    return services.length ? { services } : {};
  }
  return undefined;
}

const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function stringMap(value: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) {
    if (typeof v !== 'string') throw new ApiError(400, `Invalid value at '${field}[${k}]': expected a string`);
    out[k] = v;
  }
  return out;
}

function checkAnnotations(annotations: Record<string, string>, field: string): void {
  for (const key of Object.keys(annotations)) {
    if (RESERVED_ANNOTATIONS.some((prefix) => key.startsWith(prefix))) {
      throw new ApiError(400, `Invalid value at '${field}': annotation ${key} is not supported by the Cloud Run Admin API v2`);
    }
  }
}

/** The template of an update, checked as Cloud Run checks it, in canonical form. */
function validTemplate(service: ServiceRecord, raw: unknown): Template {
  const template = record(raw);
  if (Object.keys(template).length === 0) throw new ApiError(400, 'service.template: required');
  const containers = Array.isArray(template.containers) ? template.containers : [];
  const first = record(containers[0]);
  if (typeof first.image !== 'string' || !first.image) throw new ApiError(400, 'service.template.containers: at least one container with an image is required');
  for (const entry of Array.isArray(first.env) ? first.env : []) {
    const name = record(entry).name;
    if (typeof name !== 'string' || RESERVED_ENV.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ApiError(400, `service.template.containers[0].env: "${String(name)}" is a reserved or malformed variable name`);
    }
  }
  checkAnnotations(stringMap(template.annotations, 'service.template.annotations'), 'service.template.annotations');
  const concurrency = template.maxInstanceRequestConcurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || Number(concurrency) < 0 || Number(concurrency) > 1000)) {
    throw new ApiError(400, `service.template.maxInstanceRequestConcurrency: expected 1-1000, got ${JSON.stringify(concurrency)}`);
  }
  const revision = template.revision;
  if (revision !== undefined && revision !== '' && (typeof revision !== 'string' || !revision.startsWith(`${service.id}-`))) {
    throw new ApiError(400, `service.template.revision: a revision name must start with the service name and a hyphen ("${service.id}-"), got ${JSON.stringify(revision)}`);
  }
  return canonical(template) as Template;
}

function updateService(platform: GooglePlatform, service: ServiceRecord, request: ApiRequest) {
  const body = parseJsonBody(request.body);
  const template = validTemplate(service, body.template);
  const revisionName = typeof template.revision === 'string' ? template.revision : '';
  const log = (outcome: 'started' | 'reactivated' | 'unchanged' | 'busy' | 'revision-exists') =>
    platform.recordServiceUpdate({ service: service.name, revision: revisionName, annotations: stringMap(template.annotations, 'annotations'), outcome });
  if (service.pendingOperation) {
    log('busy');
    throw new ApiError(409, `Conflict for resource '${service.name}': operation ${service.pendingOperation} is in progress. Please try again later.`);
  }
  const existing = revisionName ? service.revisions.get(revisionName) : undefined;
  if (existing && configurationDigest(existing.template) !== configurationDigest(template)) {
    log('revision-exists');
    throw new ApiError(409, `Revision named '${revisionName}' with different configuration already exists.`, 'ALREADY_EXISTS');
  }
  // Service-level fields are replaced by the request's (absent = cleared), as a PUT-like update does.
  const annotations = stringMap(body.annotations, 'service.annotations');
  checkAnnotations(annotations, 'service.annotations');
  service.labels = stringMap(body.labels, 'service.labels');
  service.annotations = annotations;
  service.description = typeof body.description === 'string' ? body.description : '';
  service.customAudiences = Array.isArray(body.customAudiences) ? body.customAudiences.filter((a): a is string => typeof a === 'string') : [];
  if (typeof body.invokerIamDisabled === 'boolean') service.allowUnauthenticated = body.invokerIamDisabled;

  const op = platform.newOperation('run', service.project, service.location, service.name);
  if (templateDigest(template) === templateDigest(service.template) && service.latestReady === service.latestCreated) {
    log('unchanged');
    platform.reactivate(service, template, service.latestReady, op);
    return op;
  }
  if (existing) {
    log('reactivated');
    platform.reactivate(service, template, existing.name, op);
    return op;
  }
  log('started');
  const name = revisionName || newRevisionName(service);
  const revision = platform.beginDeployment(service, template, name, op);
  platform.whenReleased(service, () => platform.completeDeployment(service, revision, op, () => undefined));
  return op;
}
