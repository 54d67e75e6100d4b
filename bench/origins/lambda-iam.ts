// The IAM side of a Lambda origin: a client (the standard credential chain; placeholder credentials
// against a local endpoint, as for Lambda), the execution role with its inline policy, and its
// removal. IAM is global: its API is signed for us-east-1.
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { API_CALL_TIMEOUT_MS } from '../control/defaults.js';
import { fieldOf } from '../fields.js';
import { isLoopbackEndpoint } from '../adapters/lambda-client.js';
import { LAMBDA_TRUST_POLICY, ORIGIN_POLICY_NAME } from './lambda-plan.js';

export function createIamClient(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): IAMClient {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const anonymousLocal = isLoopbackEndpoint(endpoint) && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE;
  return new IAMClient({
    region: 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
    ...(anonymousLocal ? { credentials: { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' } } : {}),
    requestHandler: { requestTimeout: API_CALL_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
}

const errorName = (err: unknown) => {
  const name = fieldOf(err, 'name');
  return typeof name === 'string' ? name : '';
};

/** Create the role and its policy; the ARN of the role. */
export async function createOriginRole(iam: IAMClient, roleName: string, origin: string, policyFor: (account: string) => string): Promise<string> {
  const created = await iam.send(
    new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Description: `coldbench origin ${origin}: temporary, removed after the run`, Tags: [{ Key: 'coldbench/origin', Value: origin }] }),
  );
  const arn = created.Role?.Arn;
  const account = arn ? /^arn:aws[a-zA-Z-]*:iam::(\d{12}):/.exec(arn)?.[1] : undefined;
  if (!arn || !account) throw new Error(`CreateRole answered without a role ARN (${JSON.stringify(arn)})`);
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: ORIGIN_POLICY_NAME, PolicyDocument: policyFor(account) }));
  return arn;
}

/** Remove the role (its inline policy first); a role or policy already gone counts as removed. */
export async function deleteOriginRole(iam: IAMClient, roleName: string): Promise<void> {
  const gone = (err: unknown) => {
    if (errorName(err) !== 'NoSuchEntityException') throw err;
  };
  await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: ORIGIN_POLICY_NAME })).catch(gone);
  await iam.send(new DeleteRoleCommand({ RoleName: roleName })).catch(gone);
}
