// Which IAM permissions a Google target's run needs, and the verdict on what testIamPermissions
// granted (pure). A run asks only for what it will do: read the function (cloud-function), read and
// update the Cloud Run service (update-config and sweeps deploy revisions there, and restore the
// original template), invoke the URL with an ID token (run.routes.invoke: a 2nd gen function's
// invoker is its Cloud Run service's roles/run.invoker), read the service's IAM policy (auth: none,
// to tell whether the URL is public). Missing a permission the run cannot do without is an error
// (one per target, naming every permission and the predefined role that grants it); missing one
// that only degrades a check is a warning; an unanswered check is a warning.
import { problemError, problemWarning, type Problem } from './problems.js';

export interface PermissionNeed {
  permission: string;
  /** error: the run would fail part way (or fail to restore); warning: a check is skipped. */
  severity: 'error' | 'warning';
  /** What the run does with it ("deploy a revision per cold sample"). */
  why: string;
}

/** What a Google target's run will do, as far as permissions go. */
export interface RunShape {
  kind: 'cloud-function' | 'cloud-run';
  /** update-config, a sweep, or a sweep's variant: revisions are deployed and restored. */
  changes: boolean;
  /** The target gives `url:` (reads of the function / service are then optional). */
  hasUrl: boolean;
  auth: 'id-token' | 'none';
}

/** The target's fields that decide its shape. */
export function runShape(target: { kind: 'cloud-function' | 'cloud-run'; url?: string; auth: 'id-token' | 'none'; cold: { strategy: string } | null; sweep?: readonly unknown[]; variant?: unknown }): RunShape {
  const changes = target.cold?.strategy === 'update-config' || (target.sweep?.length ?? 0) > 0 || target.variant !== undefined;
  return { kind: target.kind, changes, hasUrl: target.url !== undefined, auth: target.auth };
}

/** Permissions to test on the function (cloud-function only). */
export function functionNeeds(shape: RunShape): PermissionNeed[] {
  if (shape.kind !== 'cloud-function') return [];
  const needed = shape.changes || !shape.hasUrl;
  return [{ permission: 'cloudfunctions.functions.get', severity: needed ? 'error' : 'warning', why: needed ? 'read the function (its URL and Cloud Run service)' : 'read the function (its state and configuration for the results)' }];
}

/** Permissions to test on the Cloud Run service (a function's own service for cloud-function). */
export function serviceNeeds(shape: RunShape): PermissionNeed[] {
  const needs: PermissionNeed[] = [];
  if (shape.changes) {
    needs.push({ permission: 'run.services.get', severity: 'error', why: 'read the service before each change and at the restore' });
    needs.push({ permission: 'run.services.update', severity: 'error', why: 'deploy a revision per cold sample or sweep variant and restore the original template' });
  } else if (shape.kind === 'cloud-run') {
    needs.push({ permission: 'run.services.get', severity: shape.hasUrl ? 'warning' : 'error', why: shape.hasUrl ? 'read the service (its configuration for the results)' : 'read the service (its URL)' });
  }
  if (shape.auth === 'id-token') needs.push({ permission: 'run.routes.invoke', severity: 'error', why: 'call the URL with an ID token: every sample would be refused with 403' });
  else needs.push({ permission: 'run.services.getIamPolicy', severity: 'warning', why: 'read the IAM policy, to check that the URL is public' });
  return needs;
}

/** The predefined role that grants each permission (the smallest one that fits the run). */
const ROLE_FOR: Record<string, string> = {
  'cloudfunctions.functions.get': 'roles/cloudfunctions.viewer',
  'run.services.get': 'roles/run.viewer',
  'run.services.getIamPolicy': 'roles/run.viewer',
  'run.services.update': 'roles/run.developer',
  'run.routes.invoke': 'roles/run.invoker',
};

/** Roles granting all of `permissions`, without roles another one in the list contains. */
export function rolesFor(permissions: readonly string[]): string[] {
  const roles = new Set(permissions.map((p) => ROLE_FOR[p] ?? `a role with ${p}`));
  if (roles.has('roles/run.developer')) roles.delete('roles/run.viewer'); // the developer role holds the viewer's run.services.* reads
  return [...roles];
}

export type PermissionAnswer = { ok: true; granted: readonly string[] } | { ok: false; reason: string };

/** One testIamPermissions call: on what, what was asked and why, what came back. */
export interface PermissionCheck {
  resource: string;
  needs: readonly PermissionNeed[];
  answer: PermissionAnswer;
}

/** Needs a check found missing (none when the check could not answer). */
export function missingNeeds(check: PermissionCheck): PermissionNeed[] {
  const { answer } = check;
  if (!answer.ok) return [];
  return check.needs.filter((n) => !answer.granted.includes(n.permission));
}

/** Is the permission known to be granted (false when missing or unchecked)? */
export function granted(checks: readonly PermissionCheck[], permission: string): boolean {
  return checks.some((c) => c.answer.ok && c.answer.granted.includes(permission));
}

/** One error naming every missing permission the run needs, one warning for the others, one
 *  warning per check the platform could not answer. */
export function permissionProblems(subject: string, checks: readonly PermissionCheck[]): Problem[] {
  const problems: Problem[] = [];
  for (const severity of ['error', 'warning'] as const) {
    const missing = checks.flatMap((c) => missingNeeds(c).filter((n) => n.severity === severity).map((n) => ({ ...n, resource: c.resource })));
    if (missing.length === 0) continue;
    const what = missing.map((m) => `${m.permission} on ${m.resource} (to ${m.why})`).join(', ');
    const grant = `grant ${rolesFor(missing.map((m) => m.permission)).join(' and ')} to these credentials (on the ${missing.some((m) => m.resource.includes('/functions/')) ? 'resources' : 'service'} or the project)`;
    problems.push(
      severity === 'error'
        ? problemError(`${subject}: the credentials lack ${what}: the run would be refused with 403 PERMISSION_DENIED; ${grant}`)
        : problemWarning(`${subject}: the credentials lack ${what}; ${grant}`),
    );
  }
  for (const c of checks) if (!c.answer.ok) problems.push(problemWarning(`${subject}: could not check permissions on ${c.resource} (${c.answer.reason})`));
  return problems;
}

export interface IamBinding {
  role?: string | null;
  members?: readonly string[] | null;
}

/** Does the service let anyone call it without credentials? (allUsers may invoke, or the invoker
 *  IAM check is off; allAuthenticatedUsers still needs a token.) */
export function isPublic(bindings: readonly IamBinding[] | null | undefined, invokerIamDisabled: boolean | null | undefined): boolean {
  if (invokerIamDisabled === true) return true;
  return (bindings ?? []).some((b) => b.role === 'roles/run.invoker' && (b.members ?? []).includes('allUsers'));
}

/** auth: none on a service that requires IAM authentication: every sample would be refused. */
export function credentialsProblems(subject: string, service: string, auth: 'id-token' | 'none', isPublicService: boolean): Problem[] {
  if (auth !== 'none' || isPublicService) return [];
  return [
    problemWarning(
      `${subject}: ${service} requires IAM authentication (no allUsers in roles/run.invoker) and the target sends no credentials (auth: none): every sample would be refused with 403; set auth: id-token with credentials that hold roles/run.invoker, or allow unauthenticated calls (gcloud run services add-iam-policy-binding with --member=allUsers --role=roles/run.invoker)`,
    ),
  ];
}
