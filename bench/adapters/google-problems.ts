// Up-front, read-only checks of Google targets, from what prepare() read (the function, the Cloud
// Run service, the credentials): each returns Problem findings with the fix, so `run` can stop a
// target before its first change and a read-only plan can list the same findings.
import { conditionState, type RunService } from './cloud-run-client.js';
import type { GcfFunction } from './cloud-function-client.js';
import { stateName } from './cloud-function-client.js';
import { idTokenAudience } from './google-auth.js';
import { problemError, problemWarning, type Problem } from './problems.js';

export interface CheckedTarget {
  /** "cloud-run target web" */
  subject: string;
  strategy: string;
  auth: 'id-token' | 'none';
  /** cold.instanceUptimeHeader is set. */
  uptimeHeader: boolean;
}

/** A v2 function that cannot be benchmarked as asked: not ACTIVE, not an HTTP function, no URL. */
export function functionProblems(fn: GcfFunction, t: CheckedTarget & { url?: string }): Problem[] {
  const problems: Problem[] = [];
  if (fn.eventTrigger) {
    problems.push(problemError(`${t.subject}: function ${fn.name ?? ''} is event-triggered (${fn.eventTrigger.eventType ?? 'eventTrigger'}), not an HTTP function; coldbench calls functions over HTTP: benchmark an HTTP function`));
  }
  const state = stateName(fn.state);
  if (state !== 'ACTIVE') {
    const message = `${t.subject}: function ${fn.name ?? ''} is ${state}, not ACTIVE; fix or redeploy it first`;
    problems.push(t.strategy === 'update-config' ? problemError(message) : problemWarning(message));
  }
  if (!t.url && !fn.serviceConfig?.uri && !fn.url) problems.push(problemError(`${t.subject}: function ${fn.name ?? ''} has no serviceConfig.uri (is it an HTTP function?); set url`));
  if (t.strategy === 'update-config' && !fn.serviceConfig?.service) {
    problems.push(problemError(`${t.subject}: function ${fn.name ?? ''} names no Cloud Run service (serviceConfig.service): update-config needs a 2nd gen function`));
  }
  return problems;
}

/** A Cloud Run service (a function's too) on which update-config would fail or mislead. */
export function serviceProblems(service: RunService, t: CheckedTarget): Problem[] {
  if (t.strategy !== 'update-config') return [];
  const problems: Problem[] = [];
  const state = conditionState(service.terminalCondition?.state);
  if (state !== 'CONDITION_SUCCEEDED') {
    problems.push(problemError(`${t.subject}: service ${service.name ?? ''} is not ready (${state}${service.terminalCondition?.message ? `: ${service.terminalCondition.message}` : ''}); fix or redeploy it first`));
  }
  const pinned = (service.traffic ?? []).filter((tt) => !String(tt.type ?? '').endsWith('LATEST') && tt.type !== 1 && (tt.percent ?? 0) > 0);
  if (pinned.length > 0) {
    const where = pinned.map((tt) => `${tt.revision ?? '?'} ${tt.percent ?? 0}%`).join(', ');
    problems.push(problemError(`${t.subject}: the traffic of ${service.name ?? ''} is pinned (${where}): a new revision would get none of it; route 100% to the latest revision first`));
  }
  const min = Math.max(Number(service.template?.scaling?.minInstanceCount ?? 0), Number(service.scaling?.minInstanceCount ?? 0));
  if (min > 0) {
    problems.push(problemWarning(`${t.subject}: ${service.name ?? ''} keeps ${min} minimum instance(s): each new revision starts them before it serves, so samples will be warm`));
  }
  if (!t.uptimeHeader) {
    problems.push(
      problemWarning(
        `${t.subject}: cold samples will stay unverified: Cloud Run starts an instance when it deploys a revision, and that instance may serve the first request, so a new instance id proves nothing; have the service send its uptime in milliseconds in a response header and set cold.instanceUptimeHeader`,
      ),
    );
  }
  return problems;
}

/** The audiences a service accepts: its URLs' origins and its custom audiences. */
export function acceptedAudiences(service: RunService): Set<string> {
  const urls = [service.uri, ...(service.urls ?? [])].filter((u): u is string => typeof u === 'string' && u !== '');
  return new Set([...urls.map(idTokenAudience), ...(service.customAudiences ?? [])]);
}

/** Would the service accept an ID token with this audience? (null service: it could not be read.) */
export function audienceProblems(audience: string, service: RunService | null, t: CheckedTarget): Problem[] {
  if (t.auth !== 'id-token') return [];
  if (!service) {
    return [
      problemWarning(`${t.subject}: the service could not be read, so the ID token audience is the URL's origin ${audience}; behind a custom domain or load balancer the service refuses it unless it is one of its custom audiences`),
    ];
  }
  const accepted = acceptedAudiences(service);
  if (accepted.size === 0 || accepted.has(audience)) return [];
  return [
    problemError(`${t.subject}: ${service.name ?? ''} does not accept ID tokens for ${audience} (it accepts ${[...accepted].join(', ')}); call its own URL or add ${audience} to its custom audiences`),
  ];
}

/** What update-config will change: one new revision per sample, and the original template back. */
export function revisionChanges(strategy: string, samples: number, service: string, annotation: string): string[] {
  if (strategy !== 'update-config' || samples === 0) return [];
  return [`${samples} new revision${samples === 1 ? '' : 's'} of Cloud Run service ${service} (a new value of annotation ${annotation}: the same image, no build), the original template restored at the end`];
}
