// What a Lambda origin creates (pure: for `plan`, and the names and policy the engine uses): a
// temporary function, and, unless a role ARN is given, an execution role with one inline policy of
// least privilege: its own logs, reading its own tags (the stop signal), and on each Lambda target
// the calls the harness makes. Timeout: the predicted run with room to spare, at most Lambda's 900 s.
import { LAMBDA_MAX_TIMEOUT_S, LAMBDA_ORIGIN_MARGIN_S } from '../config/origins.js';
import type { LambdaOrigin } from '../config/origin-types.js';
import type { TargetConfig } from '../config/schema.js';
import { predictRunMs } from './predict.js';
import { resourceName, type OriginPlan, type PlanInput } from './types.js';

export const ORIGIN_POLICY_NAME = 'coldbench-origin';
export const LAMBDA_HANDLER = 'index.handler';
export const LAMBDA_RUNTIME = 'nodejs20.x';

export interface LambdaOriginNames {
  functionName: string;
  /** The role coldbench creates; absent when the origin gives roleArn. */
  roleName?: string;
}

export function lambdaOriginNames(originName: string, origin: LambdaOrigin, runId: string): LambdaOriginNames {
  const name = resourceName(originName, runId);
  return { functionName: name, ...(origin.roleArn ? {} : { roleName: name }) };
}

/** The function's timeout: one and a half times the prediction plus the margin, within Lambda's limit. */
export function lambdaTimeoutS(targets: readonly TargetConfig[]): number {
  return Math.min(LAMBDA_MAX_TIMEOUT_S, Math.ceil((predictRunMs(targets) * 1.5) / 1000) + LAMBDA_ORIGIN_MARGIN_S);
}

/** What the harness calls on a Lambda target (update-config, its read-back, warm load by Invoke or URL). */
const TARGET_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration', 'lambda:GetFunctionUrlConfig'];

/** ARNs of a Lambda target's function, any qualifier included. */
function targetFunctionArns(target: Extract<TargetConfig, { kind: 'lambda' }>, account: string): string[] {
  const full = /^arn:aws[a-zA-Z-]*:lambda:[^:]+:\d{12}:function:[^:]+/.exec(target.function)?.[0];
  const partial = /^(\d{12}):(?:function:)?([^:]+)/.exec(target.function);
  const base = full ?? (partial ? `arn:aws:lambda:${target.region}:${partial[1]}:function:${partial[2]}` : `arn:aws:lambda:${target.region}:${account}:function:${target.function.split(':')[0]}`);
  return [base, `${base}:*`];
}

/** The inline policy of a role coldbench creates. `account` is the role's own account. */
export function lambdaOriginPolicy(region: string, account: string, functionName: string, targets: readonly TargetConfig[]): string {
  const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${functionName}`;
  const targetArns = targets.flatMap((t) => (t.kind === 'lambda' ? targetFunctionArns(t, account) : []));
  const statements: Array<Record<string, unknown>> = [
    { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroup, `${logGroup}:*`] },
    { Sid: 'StopSignal', Effect: 'Allow', Action: ['lambda:ListTags'], Resource: [`arn:aws:lambda:${region}:${account}:function:${functionName}`] },
  ];
  if (targetArns.length > 0) statements.push({ Sid: 'LambdaTargets', Effect: 'Allow', Action: TARGET_ACTIONS, Resource: [...new Set(targetArns)] });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** `plan` for a Lambda origin. */
export function lambdaPlan(originName: string, origin: LambdaOrigin, input: PlanInput): OriginPlan {
  const names = lambdaOriginNames(originName, origin, input.runId);
  const lambdaTargets = input.targets.filter((t) => t.kind === 'lambda').map((t) => t.name);
  const creates: string[] = [];
  const removes: string[] = [];
  if (names.roleName) {
    creates.push(
      `iam role ${names.roleName} (trusts lambda.amazonaws.com) with inline policy ${ORIGIN_POLICY_NAME}: its own logs, lambda:ListTags on itself${lambdaTargets.length ? `, ${TARGET_ACTIONS.join(', ')} on the functions of ${lambdaTargets.join(', ')}` : ''}`,
    );
  }
  creates.push(
    `lambda function ${names.functionName} in ${origin.region} (${LAMBDA_RUNTIME}, ${origin.memoryMb} MB, ${origin.architecture}, timeout ${lambdaTimeoutS(input.targets)} s, role ${origin.roleArn ?? names.roleName})`,
  );
  removes.push(`lambda function ${names.functionName} in ${origin.region}`);
  if (names.roleName) removes.push(`iam role ${names.roleName} and its inline policy ${ORIGIN_POLICY_NAME}`);
  return { creates, removes };
}
