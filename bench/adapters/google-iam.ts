// The read-only IAM calls of both Google kinds: testIamPermissions on the function (Functions v2
// API, over REST) and on the Cloud Run service (Cloud Run Admin API v2), and getIamPolicy of the
// service for the "is the URL public" check. Neither changes anything; testIamPermissions needs no
// permission of its own. What to ask and the verdict are in google-permissions.ts.
import type { GoogleAuth } from 'google-auth-library';
import { fieldOf } from '../fields.js';
import type { RunService, ServicesClient } from './cloud-run-client.js';
import { reasonOf } from './google-errors.js';
import { credentialsProblems, granted, isPublic, type IamBinding, type PermissionAnswer, type PermissionCheck, type PermissionNeed } from './google-permissions.js';
import { problemWarning, type Problem } from './problems.js';

type Asker = (resource: string, permissions: string[]) => Promise<{ permissions?: string[] | null }>;

async function check(ask: Asker, resource: string, needs: readonly PermissionNeed[]): Promise<PermissionCheck> {
  let answer: PermissionAnswer;
  try {
    const response = await ask(resource, needs.map((n) => n.permission));
    answer = { ok: true, granted: response.permissions ?? [] };
  } catch (err) {
    answer = { ok: false, reason: reasonOf(err) };
  }
  return { resource, needs, answer };
}

/** Over REST to the v2 API's documented path: the Node client's IAM mixin would send the
 *  google.iam.v1 default path (/v1/{resource=**}:testIamPermissions) over REST. */
export function checkFunctionPermissions(auth: GoogleAuth, apiEndpoint: string | undefined, name: string, needs: readonly PermissionNeed[]): Promise<PermissionCheck> {
  const base = apiEndpoint ? new URL(apiEndpoint).origin : 'https://cloudfunctions.googleapis.com';
  return check(async (resource, permissions) => {
    try {
      const response = await auth.request<{ permissions?: string[] }>({ url: `${base}/v2/${resource}:testIamPermissions`, method: 'POST', data: { permissions } });
      return response.data;
    } catch (err) {
      // gaxios keeps Google's JSON error in the response body.
      const message = fieldOf(fieldOf(fieldOf(fieldOf(err, 'response'), 'data'), 'error'), 'message');
      throw typeof message === 'string' ? new Error(message) : err;
    }
  }, name, needs);
}

export function checkServicePermissions(client: ServicesClient, name: string, needs: readonly PermissionNeed[]): Promise<PermissionCheck> {
  return check(async (resource, permissions) => (await client.testIamPermissions({ resource, permissions }))[0], name, needs);
}

/** Is the service public (allUsers may invoke, or invoker IAM is off)? A reason when its policy could not be read. */
export async function servicePublic(client: ServicesClient, name: string, invokerIamDisabled: boolean | null | undefined): Promise<{ public: boolean } | { reason: string }> {
  try {
    const [policy] = await client.getIamPolicy({ resource: name });
    const bindings: IamBinding[] = policy.bindings ?? [];
    return { public: isPublic(bindings, invokerIamDisabled) };
  } catch (err) {
    return { reason: reasonOf(err) };
  }
}

/** auth: none: is the service's URL public? A warning when it is not, or when that is unknown
 *  (no run.services.getIamPolicy: permissionProblems said so already). */
export async function publicUrlProblems(client: ServicesClient, name: string, service: RunService | null, auth: 'id-token' | 'none', checks: readonly PermissionCheck[], subject: string): Promise<Problem[]> {
  if (auth !== 'none' || !granted(checks, 'run.services.getIamPolicy')) return [];
  const answer = await servicePublic(client, name, service?.invokerIamDisabled);
  if ('reason' in answer) return [problemWarning(`${subject}: could not check whether ${name} is public (${answer.reason})`)];
  return credentialsProblems(subject, name, auth, answer.public);
}
