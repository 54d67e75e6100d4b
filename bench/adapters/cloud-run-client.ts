// The Cloud Run Admin API v2 side of both Google kinds (a v2 function is a Cloud Run service):
// read a service, deploy a template as a new revision (no build: the same image) with a bounded
// wait for the long-running operation, then read the service again and check the deployment
// settled: not reconciling, the terminal condition succeeded, the latest ready revision is the
// latest created one. The SDK is imported lazily (only Google targets need it).
import { createHash } from 'node:crypto';
import type { protos, v2 } from '@google-cloud/run';
import type { GoogleAuth } from 'google-auth-library';
import { CLOUD_RUN_POLL_MS, MAX_POLL_INTERVAL_MS } from '../control/defaults.js';
import { pollUntil, type WaitOptions } from '../control/poll.js';
import { TargetFailure } from '../errors.js';
import { googleClientOptions, type OperationWait } from './cloud-function-client.js';
import { isConflict } from './google-errors.js';

export type RunService = protos.google.cloud.run.v2.IService;
export type RunTemplate = protos.google.cloud.run.v2.IRevisionTemplate;
export type ServicesClient = v2.ServicesClient;

export async function createServicesClient(auth: GoogleAuth, apiEndpoint?: string): Promise<ServicesClient> {
  const { v2: api } = await import('@google-cloud/run');
  return new api.ServicesClient(googleClientOptions(auth, apiEndpoint));
}

export function runServiceName(project: string, region: string, service: string): string {
  return `projects/${project}/locations/${region}/services/${service}`;
}

/** `projects/.../revisions/hello-00002-xuv` -> `hello-00002-xuv`. */
export function shortRevision(ref: string | null | undefined): string | null {
  if (!ref) return null;
  return ref.split('/').pop() || null;
}

const CONDITION_STATES = ['STATE_UNSPECIFIED', 'CONDITION_PENDING', 'CONDITION_RECONCILING', 'CONDITION_FAILED', 'CONDITION_SUCCEEDED'];

/** 'CONDITION_SUCCEEDED' (getService) or 4 (a decoded operation result). */
export function conditionState(state: unknown): string {
  if (typeof state === 'number') return CONDITION_STATES[state] ?? `STATE_${state}`;
  return typeof state === 'string' && state ? state : 'STATE_UNSPECIFIED';
}

/** A template as proto3 JSON would carry it: defaults (null, '', 0, false, empty lists and maps,
 *  *_UNSPECIFIED enums) dropped, keys sorted, 64-bit numbers as text; so two reads compare equal. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const long = value as { toString?: () => string; low?: unknown; high?: unknown };
    if (typeof long.low === 'number' && typeof long.high === 'number' && typeof long.toString === 'function') return long.toString();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v === undefined || v === '' || v === 0 || v === false) continue;
      if (typeof v === 'string' && v.endsWith('_UNSPECIFIED')) continue;
      if (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

/** Digest of a template's canonical form: equal digests, equal templates. */
export function templateDigest(template: RunTemplate | null | undefined): string {
  return createHash('sha256').update(JSON.stringify(canonical(template ?? {}) ?? {})).digest('hex');
}

/** Why a service read after a deployment is not settled on it; null when it is. `expected`: the
 *  revision a template named (an existing one takes the traffic again, whatever was created last). */
export function deploymentProblem(service: RunService, expected?: string): string | null {
  const state = conditionState(service.terminalCondition?.state);
  if (state === 'CONDITION_FAILED') return `its Ready condition failed: ${service.terminalCondition?.message ?? 'no message'}`;
  if (service.reconciling) return 'it is still reconciling';
  if (state !== 'CONDITION_SUCCEEDED') return `its Ready condition is ${state}`;
  // A settled service has observed its own generation (proto comment on `reconciling`).
  const generation = String(service.generation ?? '');
  if (generation && String(service.observedGeneration ?? '') !== generation) return `it has observed generation ${String(service.observedGeneration ?? 'none')} of ${generation}`;
  const ready = shortRevision(service.latestReadyRevision);
  if (expected) return ready === expected ? null : `its latest ready revision is ${ready ?? 'none'}, not ${expected}`;
  const created = shortRevision(service.latestCreatedRevision);
  if (!ready || ready !== created) return `its latest ready revision (${ready ?? 'none'}) is not its latest created one (${created ?? 'none'})`;
  return null;
}

function timing(wait: OperationWait, deadline: number): Omit<WaitOptions, 'what'> {
  return {
    timeoutMs: wait.timeoutMs,
    deadline,
    intervalMs: wait.pollIntervalMs || CLOUD_RUN_POLL_MS,
    backoff: wait.pollIntervalMs ? 1 : 1.5,
    maxIntervalMs: MAX_POLL_INTERVAL_MS,
    signal: wait.signal,
    log: wait.log,
  };
}

/**
 * Put `template(current)` on the service (read just before, so the update carries its current
 * etag and other fields), wait for the operation, then read the service until the deployment has
 * settled. Waits out another operation in progress (409 ABORTED). Returns the service as read
 * after the deployment.
 */
export async function deployTemplate(
  client: ServicesClient,
  name: string,
  template: (current: RunService) => RunTemplate,
  wait: OperationWait,
  expected?: string,
): Promise<RunService> {
  const deadline = Date.now() + wait.timeoutMs;
  const { value: operation } = await pollUntil(
    async () => {
      const [current] = await client.getService({ name });
      try {
        const [started] = await client.updateService({ service: { ...current, template: template(current) } });
        return { done: true, value: started };
      } catch (err) {
        if (isConflict(err)) return { done: false, state: 'another operation is in progress' };
        throw err;
      }
    },
    // Only throttles are retried: after a 5xx the update may or may not have started.
    { ...timing(wait, deadline), what: `the operation in progress on ${name} to end`, retry: 'throttled' },
  );
  wait.log?.(`deploying a revision of ${name}: operation ${operation.name ?? '?'}`);
  // Our own poll: the client's promise() has no total timeout and cannot be aborted.
  let polls = 0;
  await pollUntil<void>(
    async () => {
      if (polls++ > 0) await operation.getOperation();
      return operation.done ? { done: true, value: undefined } : { done: false, state: 'operation pending' };
    },
    { ...timing(wait, deadline), what: `operation ${operation.name ?? ''} on ${name}` },
  );
  if (operation.error) throw operation.error;
  // The operation's result may be older than the service: read it again until it has settled.
  const { value: service } = await pollUntil<RunService>(
    async () => {
      const [read] = await client.getService({ name });
      const problem = deploymentProblem(read, expected);
      if (problem === null) return { done: true, value: read };
      if (conditionState(read.terminalCondition?.state) === 'CONDITION_FAILED') throw new TargetFailure(`the deployment of ${name} failed: ${problem}`);
      return { done: false, state: problem };
    },
    { ...timing(wait, deadline), what: `${name} to settle on its new revision` },
  );
  return service;
}
