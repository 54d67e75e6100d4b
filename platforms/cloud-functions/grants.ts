// Who may do what in the emulated project: the predefined roles (as far as the methods the
// emulator serves go) and one principal's grants. The API (iam.ts) and the service fronts check
// them; the token authority keeps them per principal (docs/platforms.md, "Google IAM").

/** Predefined roles, as far as the permissions the emulator checks go (Google's role reference). */
export const PREDEFINED_ROLES: Record<string, readonly string[]> = {
  'roles/owner': ['cloudfunctions.*', 'run.*'],
  'roles/editor': ['cloudfunctions.*', 'run.*'],
  'roles/viewer': ['cloudfunctions.functions.get', 'cloudfunctions.functions.list', 'cloudfunctions.operations.get', 'run.services.get', 'run.services.list', 'run.revisions.get', 'run.revisions.list', 'run.operations.get'],
  'roles/run.admin': ['run.*'],
  'roles/run.developer': [
    'run.services.get',
    'run.services.list',
    'run.services.create',
    'run.services.update',
    'run.services.delete',
    'run.services.getIamPolicy',
    'run.revisions.get',
    'run.revisions.list',
    'run.revisions.delete',
    'run.routes.get',
    'run.routes.list',
    'run.operations.get',
    'run.operations.list',
  ],
  'roles/run.viewer': ['run.services.get', 'run.services.list', 'run.services.getIamPolicy', 'run.revisions.get', 'run.revisions.list', 'run.routes.get', 'run.routes.list', 'run.operations.get', 'run.operations.list'],
  'roles/run.invoker': ['run.routes.invoke'],
  'roles/cloudfunctions.admin': ['cloudfunctions.*', 'run.*'],
  'roles/cloudfunctions.developer': ['cloudfunctions.functions.get', 'cloudfunctions.functions.list', 'cloudfunctions.functions.update', 'cloudfunctions.functions.create', 'cloudfunctions.functions.delete', 'cloudfunctions.functions.getIamPolicy', 'cloudfunctions.operations.get', 'cloudfunctions.operations.list'],
  'roles/cloudfunctions.viewer': ['cloudfunctions.functions.get', 'cloudfunctions.functions.list', 'cloudfunctions.functions.getIamPolicy', 'cloudfunctions.operations.get', 'cloudfunctions.operations.list'],
  'roles/cloudfunctions.invoker': ['cloudfunctions.functions.invoke'],
};

/** Roles and permissions granted to one principal; null = every permission (roles/owner). */
export class Grants {
  private readonly patterns: string[] | null;

  constructor(granted: readonly string[] | null) {
    this.patterns = granted === null ? null : granted.flatMap((g) => PREDEFINED_ROLES[g] ?? [g]);
  }

  allows(permission: string): boolean {
    if (this.patterns === null) return true;
    return this.patterns.some((p) => p === permission || (p.endsWith('.*') && permission.startsWith(p.slice(0, -1))));
  }
}

/** An unknown role in an option (a typo would silently grant nothing). */
export function unknownRole(granted: readonly string[]): string | undefined {
  return granted.find((g) => g.startsWith('roles/') && !(g in PREDEFINED_ROLES));
}

export interface IamFault {
  httpStatus: number;
  message: string;
  status?: string;
}

