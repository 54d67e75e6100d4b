// The IAM API's query protocol for the role operations a temporary Lambda origin needs:
// CreateRole, GetRole, PutRolePolicy, DeleteRolePolicy, DeleteRole. A request is a POST of a form
// (Action=...&Version=2010-05-08&...); an answer is XML, an error an <ErrorResponse> with the
// status IAM gives it. Policy documents come back URL-encoded, as IAM returns them.
import { randomUUID } from 'node:crypto';
import { IamFailure, type IamStore, type Role } from './store.js';

export interface IamReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function roleXml(role: Role): string {
  return (
    `<Role><Path>${xml(role.path)}</Path><AssumeRolePolicyDocument>${xml(encodeURIComponent(role.assumeRolePolicyDocument))}</AssumeRolePolicyDocument>` +
    `<RoleName>${xml(role.name)}</RoleName><RoleId>${role.id}</RoleId><Arn>${xml(role.arn)}</Arn><CreateDate>${role.createdAt.toISOString()}</CreateDate>` +
    `${role.description ? `<Description>${xml(role.description)}</Description>` : ''}<MaxSessionDuration>3600</MaxSessionDuration></Role>`
  );
}

function reply(status: number, body: string): IamReply {
  return { status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function ok(action: string, result: string): IamReply {
  const inner = result ? `<${action}Result>${result}</${action}Result>` : '';
  return reply(200, `<${action}Response xmlns="${NS}">${inner}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
}

function failure(err: IamFailure): IamReply {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return reply(err.status, `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${err.code}</Code><Message>${xml(err.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
}

/** True when a request is an IAM query request (POST / with a form body). */
export function isIamRequest(method: string | undefined, pathname: string, contentType: string | undefined): boolean {
  return method === 'POST' && pathname === '/' && (contentType ?? '').startsWith('application/x-www-form-urlencoded');
}

export function handleIamQuery(store: IamStore, body: string): IamReply {
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  const need = (name: string): string => {
    const value = form.get(name);
    if (value === null || value === '') throw new IamFailure(400, 'ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    return value;
  };
  try {
    if (form.get('Version') !== '2010-05-08') throw new IamFailure(400, 'InvalidAction', `Could not find operation ${action} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
    switch (action) {
      case 'CreateRole':
        return ok(action, roleXml(store.createRole(need('RoleName'), need('AssumeRolePolicyDocument'), form.get('Path') ?? '/', form.get('Description') ?? '')));
      case 'GetRole':
        return ok(action, roleXml(store.getRole(need('RoleName'))));
      case 'PutRolePolicy':
        store.putRolePolicy(need('RoleName'), need('PolicyName'), need('PolicyDocument'));
        return ok(action, '');
      case 'DeleteRolePolicy':
        store.deleteRolePolicy(need('RoleName'), need('PolicyName'));
        return ok(action, '');
      case 'DeleteRole':
        store.deleteRole(need('RoleName'));
        return ok(action, '');
      default:
        throw new IamFailure(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
    }
  } catch (err) {
    if (err instanceof IamFailure) return failure(err);
    return failure(new IamFailure(500, 'ServiceFailure', `Internal error: ${(err as Error).message}`));
  }
}
