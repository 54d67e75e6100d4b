// The roles of the emulated IAM: created with a trust policy, holding inline policies, deleted only
// once they have none (DeleteConflict otherwise). IAM is eventually consistent: a new role is not
// yet assumable by Lambda for a while (CreateFunction answers "The role defined for the function
// cannot be assumed by Lambda." meanwhile; deployment tools retry it for up to a minute).
import { randomBytes } from 'node:crypto';

export interface Role {
  name: string;
  id: string;
  arn: string;
  path: string;
  description: string;
  assumeRolePolicyDocument: string;
  createdAt: Date;
  /** Inline policies: name -> document (JSON text). */
  policies: Map<string, string>;
}

export class IamFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

function policyDocument(text: string, what: string): unknown {
  try {
    const doc: unknown = JSON.parse(text);
    if (doc !== null && typeof doc === 'object' && 'Statement' in doc) return doc;
  } catch {
    // fall through
  }
  throw new IamFailure(400, 'MalformedPolicyDocument', `${what} is not a valid policy document.`);
}

export class IamStore {
  readonly roles = new Map<string, Role>();

  constructor(
    readonly accountId: string,
    /** How long a new role stays invisible to Lambda. */
    readonly roleVisibilityDelayMs: number,
  ) {}

  createRole(name: string, trust: string, path = '/', description = ''): Role {
    if (!ROLE_NAME.test(name)) throw new IamFailure(400, 'ValidationError', `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
    if (this.roles.has(name)) throw new IamFailure(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
    policyDocument(trust, 'AssumeRolePolicyDocument');
    const role: Role = {
      name,
      id: `AROA${randomBytes(8).toString('hex').toUpperCase().slice(0, 17)}`,
      arn: `arn:aws:iam::${this.accountId}:role${path}${name}`,
      path,
      description,
      assumeRolePolicyDocument: trust,
      createdAt: new Date(),
      policies: new Map(),
    };
    this.roles.set(name, role);
    return role;
  }

  getRole(name: string): Role {
    const role = this.roles.get(name);
    if (!role) throw new IamFailure(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    return role;
  }

  putRolePolicy(roleName: string, policyName: string, document: string): void {
    const role = this.getRole(roleName);
    if (!POLICY_NAME.test(policyName)) throw new IamFailure(400, 'ValidationError', `1 validation error detected: Value '${policyName}' at 'policyName' failed to satisfy constraint`);
    policyDocument(document, 'PolicyDocument');
    role.policies.set(policyName, document);
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    const role = this.getRole(roleName);
    if (!role.policies.delete(policyName)) throw new IamFailure(404, 'NoSuchEntity', `The role policy with name ${policyName} cannot be found.`);
  }

  deleteRole(name: string): void {
    const role = this.getRole(name);
    if (role.policies.size > 0) throw new IamFailure(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
    this.roles.delete(name);
  }

  /** Whether Lambda may assume the role now: it exists, is visible, and trusts lambda.amazonaws.com. */
  assumableByLambda(arn: string, now = Date.now()): boolean {
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
    if (!match || match[1] !== this.accountId) return false;
    const role = this.roles.get(match[2]!);
    if (!role || now - role.createdAt.getTime() < this.roleVisibilityDelayMs) return false;
    const trust = JSON.parse(role.assumeRolePolicyDocument) as { Statement?: unknown };
    const statements = Array.isArray(trust.Statement) ? trust.Statement : [trust.Statement];
    return statements.some((s: unknown) => {
      const st = (s ?? {}) as { Effect?: string; Action?: string | string[]; Principal?: { Service?: string | string[] } };
      const actions = ([] as string[]).concat(st.Action ?? []);
      const services = ([] as string[]).concat(st.Principal?.Service ?? []);
      return st.Effect === 'Allow' && actions.includes('sts:AssumeRole') && services.includes('lambda.amazonaws.com');
    });
  }
}
